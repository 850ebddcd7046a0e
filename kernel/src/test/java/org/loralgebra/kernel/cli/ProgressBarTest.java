package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/**
 * The bar shows a run's time going before its first module is done (a 7B dense merge's first module takes minutes),
 * the count when modules finish, and stops drawing when the run ends.
 */
class ProgressBarTest {
    @Test
    void aSlowFirstModuleStillShowsTheBarAndItsTime() throws Exception {
        StringWriter text = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(text, true));
        bar.started(224);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!text.toString().contains("0/224 modules") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(text.toString().contains("] 0/224 modules, "), "drawn while no module is done: " + text);
        bar.progressed(112, 224, "m");
        assertTrue(text.toString().contains("[###############...............] 112/224 modules"), text.toString());
        bar.finished();
        String after = text.toString();
        assertTrue(after.endsWith("\r"), "the line is cleared: " + after);
        Thread.sleep(1200);
        assertEquals(after, text.toString(), "nothing drawn after the run");
    }

    @Test
    void theBarNamesWhatItCounts() {
        assertEquals("[##########....................] 10/30 tensors, 2.5 s", ProgressBar.line(10, 30, "tensors", 2.5));
        assertEquals("[##########....................] 10/30 modules, 2.5 s", ProgressBar.line(10, 30, 2.5));
        assertEquals("[##############################] 0/0 modules, 0.0 s", ProgressBar.line(0, 0, 0));
    }

    @Test
    void aQuickRunDrawsNothing() {
        StringWriter text = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(text, true));
        bar.started(3);
        bar.progressed(3, 3, "m");
        bar.finished();
        assertEquals("", text.toString());
    }
}
