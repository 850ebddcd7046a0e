package org.loralgebra.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.cuda.CudaChecks.maxDiff;
import static org.loralgebra.cuda.CudaChecks.multiply;
import static org.loralgebra.cuda.CudaChecks.transpose;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Backend.Svd;
import org.loralgebra.exec.Backends;
import org.loralgebra.exec.HostMatrix;
import org.loralgebra.lang.Precision;

/**
 * The host half of the cuda backend's batched SVD ({@link CudaSolver#sorted}): from what cuSOLVER's
 * {@code gesvdjBatched} leaves in its buffers (per matrix, singular values unsorted, U [m, m] and V [n, n] column-major,
 * V itself and not Vᵀ, one matrix after another) it gives the thin SVD, σ descending, whose product is the matrix.
 * The buffers are built here from orthonormal U and V made by the CPU backend's QR, in double, for tall, wide and
 * square shapes, and read at a second matrix's offsets.
 */
class CudaSolverLayoutTest {
    private final Random rnd = new Random(1913);
    private final Backend cpu = Backends.create("cpu", Precision.F64);

    @Test
    void unpacksGesvdjBatchedOutputsOfTallWideAndSquareMatrices() {
        for (int[] shape : new int[][] {{12, 7}, {7, 12}, {9, 9}}) {
            int m = shape[0];
            int n = shape[1];
            int k = Math.min(m, n);
            double[] u = orthonormal(m); // row-major [m, m]
            double[] v = orthonormal(n); // row-major [n, n]
            double[] s = new double[k];
            for (int j = 0; j < k; j++) {
                s[j] = 1 + 9 * rnd.nextDouble(); // no order
            }
            // A = U[:, :k]·diag(s)·V[:, :k]ᵀ
            double[] us = new double[m * k];
            double[] vk = new double[n * k];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < k; j++) {
                    us[i * k + j] = u[i * m + j] * s[j];
                }
            }
            for (int i = 0; i < n; i++) {
                System.arraycopy(v, i * n, vk, i * k, k);
            }
            double[] a = multiply(us, transpose(vk, n, k), m, k, n);
            // the buffers of a batch of two, this matrix second: column-major U and V, after m·m and n·n zeros
            double[] uBuffer = new double[2 * m * m];
            double[] vBuffer = new double[2 * n * n];
            System.arraycopy(transpose(u, m, m), 0, uBuffer, m * m, m * m);
            System.arraycopy(transpose(v, n, n), 0, vBuffer, n * n, n * n);
            Svd svd = CudaSolver.sorted(m, n, k, s.clone(), uBuffer, m * m, vBuffer, n * n);
            String what = m + "x" + n;
            double[] sorted = s.clone();
            Arrays.sort(sorted);
            double[] descending = new double[k];
            for (int j = 0; j < k; j++) {
                descending[j] = sorted[k - 1 - j];
            }
            assertArrayEquals(descending, svd.s(), 0, what + ": singular values, descending");
            HostMatrix uu = (HostMatrix) svd.u();
            HostMatrix vt = (HostMatrix) svd.vt();
            assertTrue(uu.rows() == m && uu.cols() == k && vt.rows() == k && vt.cols() == n, what + ": shapes");
            double[] usv = new double[m * k];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < k; j++) {
                    usv[i * k + j] = uu.v()[i * k + j] * svd.s()[j];
                }
            }
            double err = maxDiff(multiply(usv, vt.v(), m, k, n), a);
            assertTrue(err < 1e-12, what + ": U·S·Vᵀ − A, max " + err);
        }
    }

    /** A random orthonormal n×n matrix, row-major: Q of the CPU backend's QR of a Gaussian one. */
    private double[] orthonormal(int n) {
        double[] g = new double[n * n];
        for (int i = 0; i < g.length; i++) {
            g[i] = rnd.nextGaussian();
        }
        return cpu.toRowMajor(cpu.qr(cpu.fromRowMajor(n, n, g)).q());
    }
}
