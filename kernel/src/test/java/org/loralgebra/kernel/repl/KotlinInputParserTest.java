package org.loralgebra.kernel.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser;
import org.junit.jupiter.api.Test;

class KotlinInputParserTest {
    private static List<String> open(String code) {
        return KotlinInputParser.openConstructs(code);
    }

    @Test
    void balancedInputIsComplete() {
        assertEquals(List.of(), open("val m = mapOf(\"a\" to listOf(1, 2))"));
        assertEquals(List.of(), open("fun f(x: Int): Int {\n    return x + 1\n}"));
        assertEquals(List.of(), open("val s = \"a ) ] } ${1 + 2} b\""));
        assertEquals(List.of(), open("val c = ')' // a comment with ( and {"));
        assertEquals(List.of(), open("/* ( /* nested { */ */ 1"));
        assertEquals(List.of(), open("val raw = \"\"\"\n  ( [ {\n\"\"\""));
    }

    @Test
    void openBracketsStringsAndCommentsAskForMore() {
        assertEquals(List.of("("), open("val m = mapOf("));
        assertEquals(List.of("{", "("), open("fun f() {\n  println("));
        assertEquals(List.of("\"\"\""), open("val raw = \"\"\"\nfirst line"));
        assertEquals(List.of("/*"), open("/* a comment"));
        assertEquals(List.of("\"", "{", "("), open("val s = \"${listOf(1,"));
    }

    @Test
    void aStrayCloserOrUnterminatedStringIsLeftToTheCompiler() {
        assertEquals(List.of(), open("val x = 1)"));
        assertEquals(List.of(), open("val s = \"unterminated\n"));
    }

    /** The word completion works on: the identifier chain that ends at the cursor, whatever precedes it. */
    @Test
    void completionSeesTheIdentifierChainAtTheCursor() {
        KotlinInputParser parser = new KotlinInputParser();
        assertEquals("a.spe", completing(parser, "println(a.spe", 13));
        assertEquals("Lora.lo", completing(parser, "val x = 0.5 * Lora.lo", 21));
        assertEquals("imd", completing(parser, "imd", 3));
        assertEquals("", completing(parser, "f(", 2));
        assertEquals("s", completing(parser, "s!!.length", 1));
        assertEquals("x.y.", completing(parser, "\"text\" + x.y.", 13));
    }

    private static String completing(KotlinInputParser parser, String line, int cursor) {
        ParsedLine parsed = parser.parse(line, cursor, Parser.ParseContext.COMPLETE);
        assertEquals(parsed.word().length(), parsed.wordCursor(), "the cursor ends the word");
        return parsed.word();
    }
}
