package org.loralgebra.kernel.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.loralgebra.Adapter;
import org.loralgebra.RealAdapters;

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
}
