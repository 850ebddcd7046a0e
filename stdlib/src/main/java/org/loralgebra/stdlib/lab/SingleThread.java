package org.loralgebra.stdlib.lab;

import java.util.function.Supplier;
import org.nd4j.linalg.api.blas.Blas;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs the lab's small matrix products on one ND4J/OpenMP thread and one BLAS thread, then restores the previous
 * counts. On 2 cores this is faster for a small MLP (LAB.md measured 9× slower with ND4J's default threads) and
 * makes every product's summation order fixed, so the same seeds give the same bits.
 */
final class SingleThread {
    private SingleThread() {}

    /** The body's value, computed with one thread. */
    static synchronized <T> T run(Supplier<T> body) {
        Environment env = Nd4j.getEnvironment();
        Blas blas = Nd4j.factory().blas();
        int threads = env.maxThreads();
        int master = env.maxMasterThreads();
        int blasThreads = blas.getMaxThreads();
        env.setMaxThreads(1);
        env.setMaxMasterThreads(1);
        blas.setMaxThreads(1);
        try {
            return body.get();
        } finally {
            env.setMaxThreads(threads);
            env.setMaxMasterThreads(master);
            blas.setMaxThreads(blasThreads);
        }
    }
}
