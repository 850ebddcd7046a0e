package org.loralgebra.stdlib.lab.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.loralgebra.lang.LoraException;

/**
 * BERT's WordPiece tokenizer as {@code tokenizer.json} describes it for all-MiniLM-L6-v2 (uncased): the text is
 * cleaned (control characters dropped, whitespace made spaces), CJK ideographs are split apart, it is lower-cased and
 * its accents are stripped (NFD, combining marks removed), split on whitespace and around every punctuation
 * character, and each word is cut greedily into the longest vocabulary pieces from its start, continuations spelled
 * {@code ##piece}; a word that cannot be cut (or is longer than 100 characters) becomes {@code [UNK]}. The ids are
 * framed as {@code [CLS] … [SEP]} and truncated to a maximum length. Immutable.
 */
public final class WordPieceTokenizer {
    /** The class-path resource holding all-MiniLM-L6-v2's tokenizer. */
    public static final String RESOURCE = "all-minilm-l6-v2-tokenizer.json";

    private static final int MAX_WORD_CHARS = 100;

    private final Map<String, Integer> vocab;
    private final int cls;
    private final int sep;
    private final int unk;

    private WordPieceTokenizer(Map<String, Integer> vocab) {
        this.vocab = Collections.unmodifiableMap(vocab);
        this.cls = id(vocab, "[CLS]");
        this.sep = id(vocab, "[SEP]");
        this.unk = id(vocab, "[UNK]");
    }

    /** all-MiniLM-L6-v2's tokenizer, from the class path (the Maven artifact {@link MiniLmWeights#ARTIFACT}). */
    public static WordPieceTokenizer minilm() {
        try (InputStream in = WordPieceTokenizer.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new LoraException("all-MiniLM-L6-v2: resource " + RESOURCE
                        + " is not on the class path (it comes with the Maven artifact " + MiniLmWeights.ARTIFACT
                        + ")");
            }
            return read(in, RESOURCE);
        } catch (IOException e) {
            throw new LoraException("all-MiniLM-L6-v2: cannot read " + RESOURCE + ": " + e.getMessage());
        }
    }

    /** The tokenizer of a Hugging Face {@code tokenizer.json} with a WordPiece model; {@code source} names it. */
    static WordPieceTokenizer read(InputStream json, String source) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json);
        JsonNode model = root.path("model");
        if (!"WordPiece".equals(model.path("type").asText())) {
            throw new LoraException(source + ": model.type is " + model.path("type") + ", expected \"WordPiece\"");
        }
        Map<String, Integer> vocab = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = model.path("vocab").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            vocab.put(e.getKey(), e.getValue().asInt());
        }
        if (vocab.isEmpty()) {
            throw new LoraException(source + ": model.vocab is empty or missing");
        }
        for (String special : List.of("[CLS]", "[SEP]", "[UNK]")) {
            if (!vocab.containsKey(special)) {
                throw new LoraException(source + ": the vocabulary lacks " + special);
            }
        }
        return new WordPieceTokenizer(vocab);
    }

    /** The number of entries in the vocabulary. */
    public int vocabularySize() {
        return vocab.size();
    }

    /**
     * The ids of {@code text}: {@code [CLS]}, the WordPiece ids, {@code [SEP]}, the pieces cut after the first
     * {@code maxLength − 2} so that there are at most {@code maxLength} ids.
     */
    public int[] encode(String text, int maxLength) {
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must leave room for [CLS] and [SEP], got " + maxLength);
        }
        List<Integer> ids = new ArrayList<>();
        ids.add(cls);
        outer:
        for (String word : words(text)) {
            for (int id : pieces(word)) {
                if (ids.size() == maxLength - 1) {
                    break outer;
                }
                ids.add(id);
            }
        }
        ids.add(sep);
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The words of BERT's basic tokenization (cleaned, lower-cased, accents stripped, punctuation split off). */
    static List<String> words(String text) {
        StringBuilder clean = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (c == 0 || c == 0xFFFD || isControl(c)) {
                return;
            }
            if (isWhitespace(c)) {
                clean.append(' ');
            } else if (isCjk(c)) {
                clean.append(' ').appendCodePoint(c).append(' ');
            } else {
                clean.appendCodePoint(c);
            }
        });
        String lower = clean.toString().toLowerCase(Locale.ROOT);
        String stripped = Normalizer.normalize(lower, Normalizer.Form.NFD)
                .codePoints()
                .filter(c -> Character.getType(c) != Character.NON_SPACING_MARK)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        stripped.codePoints().forEach(c -> {
            if (isWhitespace(c) || isPunctuation(c)) {
                if (word.length() > 0) {
                    out.add(word.toString());
                    word.setLength(0);
                }
                if (isPunctuation(c)) {
                    out.add(new String(Character.toChars(c)));
                }
            } else {
                word.appendCodePoint(c);
            }
        });
        if (word.length() > 0) {
            out.add(word.toString());
        }
        return out;
    }

    /** The WordPiece ids of one word: greedy longest match from the left, {@code [UNK]} when a piece is missing. */
    int[] pieces(String word) {
        int[] cps = word.codePoints().toArray();
        if (cps.length > MAX_WORD_CHARS) {
            return new int[] {unk};
        }
        List<Integer> out = new ArrayList<>();
        int start = 0;
        while (start < cps.length) {
            int end = cps.length;
            Integer found = null;
            while (start < end) {
                String piece = new String(cps, start, end - start);
                Integer id = vocab.get(start > 0 ? "##" + piece : piece);
                if (id != null) {
                    found = id;
                    break;
                }
                end--;
            }
            if (found == null) {
                return new int[] {unk};
            }
            out.add(found);
            start = end;
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int id(Map<String, Integer> vocab, String token) {
        return vocab.get(token);
    }

    private static boolean isWhitespace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || Character.getType(c) == Character.SPACE_SEPARATOR;
    }

    private static boolean isControl(int c) {
        if (c == '\t' || c == '\n' || c == '\r') {
            return false;
        }
        int t = Character.getType(c);
        return t == Character.CONTROL
                || t == Character.FORMAT
                || t == Character.PRIVATE_USE
                || t == Character.SURROGATE
                || t == Character.UNASSIGNED;
    }

    private static boolean isPunctuation(int c) {
        if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) {
            return true;
        }
        int t = Character.getType(c);
        return t == Character.CONNECTOR_PUNCTUATION
                || t == Character.DASH_PUNCTUATION
                || t == Character.START_PUNCTUATION
                || t == Character.END_PUNCTUATION
                || t == Character.INITIAL_QUOTE_PUNCTUATION
                || t == Character.FINAL_QUOTE_PUNCTUATION
                || t == Character.OTHER_PUNCTUATION;
    }

    private static boolean isCjk(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF)
                || (c >= 0x3400 && c <= 0x4DBF)
                || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F)
                || (c >= 0x2B740 && c <= 0x2B81F)
                || (c >= 0x2B820 && c <= 0x2CEAF)
                || (c >= 0xF900 && c <= 0xFAFF)
                || (c >= 0x2F800 && c <= 0x2FA1F);
    }
}
