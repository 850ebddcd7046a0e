package org.loralgebra.cuda;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Backend.Svd;
import org.loralgebra.exec.Backends;
import org.loralgebra.lang.Precision;

/**
 * The cuda backend's randomized top-k SVD is generic over {@link Backend}: here it runs on the CPU backend (F64) and
 * finds the known top singular values and the rank-k part of U·diag(s)·Vᵀ built from known factors.
 */
class RandomizedTopKTest {
    @Test
    void findsTheKnownTopTriplets() {
        Backend cpu = Backends.create("cpu", Precision.F64);
        int m = 500;
        int n = 300;
        int k = 12;
        double[][] known = CudaChecks.knownSvd(new Random(5), m, n);
        Svd top = RandomizedTopK.of(cpu, cpu.fromRowMajor(m, n, known[0]), k, 1e-8, 8);
        assertNotNull(top, "did not converge to 1e-8 in 8 iterations");
        double err = CudaChecks.maxDiff(top.s(), Arrays.copyOf(known[1], k)) / known[1][0];
        assertTrue(err < 1e-9, "top singular values, relative to σ1: " + err);
        Svd exact = cpu.topSvd(cpu.fromRowMajor(m, n, known[0]), k);
        double[] us = cpu.toRowMajor(cpu.matmul(cpu.scaleColumns(top.u(), top.s()), false, top.vt(), false));
        double[] ue = cpu.toRowMajor(cpu.matmul(cpu.scaleColumns(exact.u(), exact.s()), false, exact.vt(), false));
        double rec = CudaChecks.maxDiff(us, ue) / known[1][0];
        assertTrue(rec < 1e-8, "rank-k parts, randomized vs exact, relative to σ1: " + rec);
    }
}
