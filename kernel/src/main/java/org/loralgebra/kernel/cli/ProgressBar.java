package org.loralgebra.kernel.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.loralgebra.exec.ProgressListener;

/**
 * A one-line progress bar on standard error for plans that run longer than a second ({@code [#####.....]
 * 120/224 modules, 3.1 s}), redrawn in place with a carriage return; nothing at all for quick plans. It is redrawn
 * when a module finishes and, from the first second on, twice a second, so that a run whose modules each take minutes
 * (a dense merge of a 7B model) shows its time going while the first module runs.
 */
final class ProgressBar implements ProgressListener {
    /** The system property the launcher sets to 1 when standard error is a terminal, 0 when it is not. */
    static final String STDERR_TERMINAL = "lora.stderrTerminal";

    private static final long DELAY_MILLIS = 1000;
    private static final long TICK_MILLIS = 500;
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private long start;
    private int done;
    private int total;
    private String unit = "modules";
    private boolean running;
    private boolean drawn;
    private ScheduledExecutorService ticker;

    ProgressBar(PrintWriter err) {
        this.err = err;
        this.start = System.nanoTime();
    }

    /**
     * A bar when standard error is a terminal (the launcher's {@value #STDERR_TERMINAL}; without it, when this JVM
     * has a console) or LORA_PROGRESS=1, else a listener that ignores everything.
     */
    static ProgressListener forTerminal(PrintWriter err) {
        String terminal = System.getProperty(STDERR_TERMINAL);
        boolean interactive = "1".equals(System.getenv("LORA_PROGRESS"))
                || (terminal != null ? "1".equals(terminal) : System.console() != null);
        return interactive ? new ProgressBar(err) : ProgressListener.NONE;
    }

    @Override
    public synchronized void started(int modules) {
        started(modules, "modules");
    }

    @Override
    public synchronized void started(int total, String unit) {
        this.unit = unit;
        start = System.nanoTime();
        done = 0;
        this.total = total;
        running = true;
        if (ticker == null) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "lora-progress");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleAtFixedRate(this::tick, DELAY_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void progressed(int done, int total, String module) {
        this.done = Math.max(this.done, done);
        this.total = total;
        draw();
    }

    @Override
    public synchronized void finished() {
        running = false;
        if (ticker != null) {
            ticker.shutdownNow();
            ticker = null;
        }
        if (drawn) {
            err.print("\r" + " ".repeat(WIDTH + 40) + "\r");
            err.flush();
            drawn = false;
        }
    }

    private synchronized void tick() {
        if (running) {
            draw();
        }
    }

    private void draw() {
        long elapsed = System.nanoTime() - start;
        if (elapsed < TimeUnit.MILLISECONDS.toNanos(DELAY_MILLIS)) {
            return;
        }
        err.print("\r" + line(done, total, unit, elapsed / 1e9));
        err.flush();
        drawn = true;
    }

    /** The bar's text, counting modules. */
    static String line(int done, int total, double seconds) {
        return line(done, total, "modules", seconds);
    }

    /** The bar's text, counting {@code unit}. */
    static String line(int done, int total, String unit, double seconds) {
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
        return String.format(
                Locale.ROOT,
                "[%s%s] %d/%d %s, %.1f s",
                "#".repeat(filled),
                ".".repeat(WIDTH - filled),
                done,
                total,
                unit,
                seconds);
    }
}
