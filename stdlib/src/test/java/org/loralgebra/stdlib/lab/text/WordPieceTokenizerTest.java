package org.loralgebra.stdlib.lab.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.loralgebra.lang.LoraException;

/**
 * The tokenizer against ids read by hand from the vocabulary of all-minilm-l6-v2-tokenizer.json (hello 7592, world
 * 2088, "," 1010, "!" 999, token 19204, ##ization 3989, cafe 7668, 日 1864, 本 1876, [CLS] 101, [SEP] 102, [UNK] 100).
 */
class WordPieceTokenizerTest {
    private static WordPieceTokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = WordPieceTokenizer.minilm();
    }

    @Test
    void theVocabularyIsBertUncased() {
        assertEquals(30522, tokenizer.vocabularySize());
    }

    @Test
    void helloWorld() {
        assertArrayEquals(new int[] {101, 7592, 2088, 102}, tokenizer.encode("hello world", 128));
    }

    @Test
    void caseAccentsAndPunctuationAreNormalised() {
        assertArrayEquals(
                new int[] {101, 7592, 1010, 2088, 999, 7668, 102}, tokenizer.encode("  Héllo,WORLD!\tCafé ", 128));
    }

    @Test
    void wordsAreCutIntoTheLongestPiecesFromTheLeft() {
        assertArrayEquals(new int[] {101, 19204, 3989, 102}, tokenizer.encode("tokenization", 128));
    }

    @Test
    void cjkIdeographsAreWordsOfTheirOwn() {
        assertEquals(List.of("a", "日", "本", "b"), WordPieceTokenizer.words("a日本b"));
        assertArrayEquals(new int[] {101, 1864, 1876, 102}, tokenizer.encode("日本", 128));
    }

    @Test
    void aWordWithoutPiecesIsUnknown() {
        assertArrayEquals(new int[] {101, 100, 102}, tokenizer.encode("\u2603\u2603", 128));
        assertArrayEquals(new int[] {101, 100, 102}, tokenizer.encode("a".repeat(101), 128));
    }

    @Test
    void longTextIsTruncatedInsideTheFrame() {
        assertArrayEquals(new int[] {101, 7592, 2088, 102}, tokenizer.encode("hello world, tokenization", 4));
        assertArrayEquals(new int[] {101, 102}, tokenizer.encode("", 4));
    }

    @Test
    void aTokenizerFileWithoutWordPieceIsRefusedByName() {
        String json = "{\"model\": {\"type\": \"BPE\", \"vocab\": {}}}";
        LoraException e = assertThrows(
                LoraException.class,
                () -> WordPieceTokenizer.read(
                        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "tok.json"));
        assertTrue(e.getMessage().contains("tok.json") && e.getMessage().contains("BPE"), e.getMessage());
    }
}
