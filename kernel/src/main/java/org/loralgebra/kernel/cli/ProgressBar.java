package org.loralgebra.kernel.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.loralgebra.exec.ProgressListener;

/**
 * A one-line progress bar on standard error for plans that run longer than a second ({@code [#####.....]
 * 120/224 modules, 3.1 s}), redrawn in place with a carriage return; nothing at all for quick plans.
 */
final class ProgressBar implements ProgressListener {
    private static final long DELAY_NANOS = 1_000_000_000L;
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final long clockStart;
    private volatile long start;
    private volatile boolean drawn;

    ProgressBar(PrintWriter err) {
        this.err = err;
        this.clockStart = System.nanoTime();
        this.start = clockStart;
    }

    /** A bar when standard error is a terminal (or LORA_PROGRESS=1), else a listener that ignores everything. */
    static ProgressListener forTerminal(PrintWriter err) {
        boolean interactive = System.console() != null || "1".equals(System.getenv("LORA_PROGRESS"));
        return interactive ? new ProgressBar(err) : ProgressListener.NONE;
    }

    @Override
    public void started(int modules) {
        start = System.nanoTime();
    }

    @Override
    public synchronized void progressed(int done, int total, String module) {
        long elapsed = System.nanoTime() - start;
        if (elapsed < DELAY_NANOS) {
            return;
        }
        err.print("\r" + line(done, total, elapsed / 1e9));
        err.flush();
        drawn = true;
    }

    @Override
    public synchronized void finished() {
        if (drawn) {
            err.print("\r" + " ".repeat(WIDTH + 40) + "\r");
            err.flush();
            drawn = false;
        }
    }

    /** The bar's text. */
    static String line(int done, int total, double seconds) {
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
        return String.format(
                Locale.ROOT,
                "[%s%s] %d/%d modules, %.1f s",
                "#".repeat(filled),
                ".".repeat(WIDTH - filled),
                done,
                total,
                seconds);
    }
}
