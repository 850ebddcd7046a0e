package org.loralgebra.exec;

/**
 * The threads each backend operation may use while engine runs are in flight, process-wide
 * ({@link Backend#useOperationThreads}):
 *
 * <ul>
 *   <li>while a run computes modules on several threads, the cores divided by its module threads;
 *   <li>else, while a run of light modules (each estimated under {@link #HEAVY_FLOPS}) is in flight, one;
 *   <li>else every core.
 * </ul>
 *
 * <p>Why one for light work: its operations are products and QRs of a few million flops, where the library's worker
 * threads cost more than they give. ND4J's OpenMP threads spin after each loop and OpenBLAS's wait on the other
 * core, so that a Core Space merge of one 4096×4096 module took 94 ms with two threads per operation and 19 ms with
 * one (2-core AMD EPYC); a dense merge of one module (tens of GFLOP) is as fast or faster with every core.
 */
final class OperationThreads {
    /** Estimated flops of one module at and above which a run that computes on one thread gives operations every core. */
    static final double HEAVY_FLOPS = 1e9;

    private static int parallelRuns;
    private static int parallelShare;
    private static int lightRuns;

    private OperationThreads() {}

    /** A run's claim, released by {@link #close}. */
    interface Claim extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Registers a run on {@code moduleThreads} threads whose heaviest module is estimated at {@code moduleFlops}, and
     * sets {@code backend}'s operation threads accordingly; the claim's {@code close} undoes it.
     */
    static Claim enter(Backend backend, int moduleThreads, double moduleFlops) {
        int cores = Runtime.getRuntime().availableProcessors();
        boolean parallel = moduleThreads > 1;
        if (!parallel && moduleFlops >= HEAVY_FLOPS) {
            return () -> {};
        }
        int share = Math.max(1, cores / moduleThreads);
        synchronized (OperationThreads.class) {
            count(parallel, 1, share);
            try {
                apply(backend, cores);
            } catch (RuntimeException e) {
                count(parallel, -1, share);
                throw e;
            }
        }
        return () -> {
            synchronized (OperationThreads.class) {
                count(parallel, -1, share);
                apply(backend, cores);
            }
        };
    }

    /** Adds {@code delta} to the parallel or light runs in flight; the first parallel run sets the share. */
    private static void count(boolean parallel, int delta, int share) {
        if (!parallel) {
            lightRuns += delta;
            return;
        }
        if (parallelRuns == 0) {
            parallelShare = share;
        }
        parallelRuns += delta;
    }

    /** The operation threads the runs in flight call for. */
    static synchronized int current(int cores) {
        return parallelRuns > 0 ? parallelShare : lightRuns > 0 ? 1 : cores;
    }

    /** Tells the backend what the runs in flight call for (a backend ignores a repeat of what it was told). */
    private static void apply(Backend backend, int cores) {
        backend.useOperationThreads(current(cores));
    }
}
