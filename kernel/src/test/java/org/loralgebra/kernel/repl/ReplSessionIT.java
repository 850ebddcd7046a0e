package org.loralgebra.kernel.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jline.reader.Candidate;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Parser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.Test;
import org.loralgebra.Adapter;
import org.loralgebra.RealAdapters;
import org.loralgebra.kernel.DefaultImports;

/** One session through values, declarations, errors and multi-line input; errors never end it. */
class ReplSessionIT {
    @Test
    void aSessionKeepsGoingAfterErrors() {
        ReplSession session = new ReplSession();
        SnippetResult.Value three = assertInstanceOf(SnippetResult.Value.class, session.eval("1 + 2"));
        assertEquals(3, three.getValue());
        assertEquals("Int", three.getType());

        assertSame(
                SnippetResult.NoValue.INSTANCE,
                session.eval("val path = \"" + RealAdapters.path("distilbert-imdb") + "\""));
        SnippetResult.CompileErrors errors =
                assertInstanceOf(SnippetResult.CompileErrors.class, session.eval("val y = nope + 1"));
        assertEquals(List.of("input:1:9: error: Unresolved reference: nope"), errors.getErrors());

        SnippetResult.Failed failed =
                assertInstanceOf(SnippetResult.Failed.class, session.eval("Lora.load(path + \"-missing\")"));
        assertTrue(failed.getReport().startsWith("input:1: error: "), failed.getReport());
        assertTrue(failed.getReport().contains("distilbert-imdb-missing"), failed.getReport());

        assertSame(SnippetResult.Incomplete.INSTANCE, session.eval("val half = 0.5 * Lora.load(path"));
        assertSame(SnippetResult.NoValue.INSTANCE, session.eval("val half = 0.5 * Lora.load(\n    path\n)"));
        SnippetResult.Value label = assertInstanceOf(SnippetResult.Value.class, session.eval("half"));
        Adapter half = assertInstanceOf(Adapter.class, label.getValue());
        assertEquals("0.5·distilbert-imdb", half.label());
        assertEquals(12, half.modules().size());
    }

    /**
     * A run that never checks for interrupts is stopped by {@link ReplSession#interrupt}; the values declared before
     * it stay, and the session goes on.
     */
    @Test
    void anInterruptEndsTheRunningInputAndKeepsTheSession() throws Exception {
        ReplSession session = new ReplSession();
        assertSame(SnippetResult.NoValue.INSTANCE, session.eval("val kept = 41"));
        String flag = "loralgebra.test.spinning." + System.nanoTime();
        AtomicReference<SnippetResult> spun = new AtomicReference<>();
        Thread input = new Thread(() ->
                spun.set(session.eval("System.setProperty(\"" + flag + "\", \"yes\"); var n = 0L; while (true) n++")));
        input.start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.getProperty(flag) == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals("yes", System.getProperty(flag), "the spinning input never started");
        session.interrupt(200);
        input.join(TimeUnit.SECONDS.toMillis(30));
        assertSame(SnippetResult.Interrupted.INSTANCE, spun.get(), "the input after Ctrl-C gave " + spun.get());
        SnippetResult.Value next = assertInstanceOf(SnippetResult.Value.class, session.eval("kept + 1"));
        assertEquals(42, next.getValue());
        assertEquals(41, session.valueOf("kept"));
    }

    /** Completion offers the session's names, a value's members and extensions, and an imported class's statics. */
    @Test
    void completionOffersNamesMembersAndStatics() throws Exception {
        ReplSession session = new ReplSession();
        session.eval("val imdbAdapter = Lora.load(\"" + RealAdapters.path("distilbert-imdb") + "\")");
        session.eval("fun twice(x: Int) = 2 * x");
        ReplCompleter completer =
                new ReplCompleter(session, new ImportedNames(DefaultImports.ALL, ImportedNames.jvmClasspath()));
        try (Terminal terminal = TerminalBuilder.builder()
                .dumb(true)
                .streams(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream())
                .build()) {
            LineReader reader = LineReaderBuilder.builder().terminal(terminal).build();
            assertTrue(complete(completer, reader, "imdbAd").contains("imdbAdapter"));
            assertTrue(complete(completer, reader, "twi").contains("twice"));
            assertTrue(complete(completer, reader, "Lor").contains("Lora"));
            List<String> members = complete(completer, reader, "println(imdbAdapter.trunc");
            assertTrue(members.contains("imdbAdapter.truncate("), "members: " + members);
            List<String> modules = complete(completer, reader, "imdbAdapter.modu");
            assertTrue(modules.contains("imdbAdapter.modules()"), "members: " + modules);
            List<String> extensions = complete(completer, reader, "imdbAdapter.orth");
            assertTrue(extensions.contains("imdbAdapter.orthogonalize("), "extensions: " + extensions);
            List<String> statics = complete(completer, reader, "Rank.o");
            assertTrue(statics.contains("Rank.of("), "statics: " + statics);
        }
    }

    private static List<String> complete(ReplCompleter completer, LineReader reader, String typed) {
        List<Candidate> candidates = new ArrayList<>();
        completer.complete(
                reader, new KotlinInputParser().parse(typed, typed.length(), Parser.ParseContext.COMPLETE), candidates);
        return candidates.stream().map(Candidate::value).toList();
    }
}
