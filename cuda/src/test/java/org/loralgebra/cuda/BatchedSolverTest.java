package org.loralgebra.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.cuda.CudaChecks.maxAbs;
import static org.loralgebra.cuda.CudaChecks.maxDiff;
import static org.loralgebra.cuda.CudaChecks.multiply;
import static org.loralgebra.cuda.CudaChecks.transpose;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Backend.Qr;
import org.loralgebra.exec.Backend.Svd;
import org.loralgebra.exec.Backends;
import org.loralgebra.exec.HostMatrix;
import org.loralgebra.exec.Matrix;
import org.loralgebra.lang.Precision;

/**
 * The batched algorithms of the cuda backend ({@link BatchedSolver}) run on {@link HostBatchDevice}, which has cuBLAS's
 * and cuSOLVER's semantics on the host: the layouts, strides and host halves are checked here against independent
 * products in double; only the JavaCPP calls themselves ({@link CudaBatchDevice}) wait for a GPU ({@link CudaChecks}).
 */
class BatchedSolverTest {
    private final Random rnd = new Random(1919);
    private final Backend cpu = Backends.create("cpu", Precision.F64);

    /** The single operations, on the CPU backend in double. */
    private final BatchedSolver.Singles singles = new BatchedSolver.Singles() {
        @Override
        public HostMatrix matmul(HostMatrix a, boolean ta, HostMatrix b, boolean tb) {
            return back(cpu.matmul(in(a), ta, in(b), tb));
        }

        @Override
        public HostMatrix gramRoot(HostMatrix a) {
            return back(cpu.gramRoot(in(a)));
        }

        @Override
        public Qr qr(HostMatrix a) {
            Qr qr = cpu.qr(in(a));
            return new Qr(back(qr.q()), back(qr.r()));
        }

        @Override
        public Svd svd(HostMatrix a) {
            Svd s = cpu.svd(in(a));
            return new Svd(back(s.u()), s.s(), back(s.vt()));
        }

        @Override
        public List<Svd> svdOfOneShape(List<HostMatrix> all) {
            return all.stream().map(this::svd).toList();
        }
    };

    private Matrix in(HostMatrix a) {
        return cpu.fromRowMajor(a.rows(), a.cols(), a.v());
    }

    private HostMatrix back(Matrix m) {
        return new HostMatrix(m.rows(), m.cols(), cpu.toRowMajor(m));
    }

    private HostMatrix gaussian(int rows, int cols) {
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextGaussian();
        }
        return new HostMatrix(rows, cols, v);
    }

    private static double[] v(Matrix m) {
        return ((HostMatrix) m).v();
    }

    private static double[] identity(int k) {
        double[] e = new double[k * k];
        for (int i = 0; i < k; i++) {
            e[i * k + i] = 1;
        }
        return e;
    }

    @Test
    void productsOfOneShapeAreOneStridedGemmInEveryLayoutAndPrecision() {
        for (boolean dp : new boolean[] {true, false}) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    HostBatchDevice device = new HostBatchDevice(1L << 30);
                    BatchCounts counts = new BatchCounts();
                    BatchedSolver solver = new BatchedSolver(device, dp, singles, counts);
                    List<HostMatrix> as = new ArrayList<>();
                    List<HostMatrix> bs = new ArrayList<>();
                    for (int i = 0; i < 5; i++) {
                        as.add(ta ? gaussian(3, 7) : gaussian(7, 3));
                        bs.add(tb ? gaussian(6, 3) : gaussian(3, 6));
                    }
                    List<HostMatrix> got = solver.matmul(as, ta, bs, tb);
                    for (int i = 0; i < 5; i++) {
                        double[] a =
                                ta ? transpose(as.get(i).v(), 3, 7) : as.get(i).v();
                        double[] b =
                                tb ? transpose(bs.get(i).v(), 6, 3) : bs.get(i).v();
                        double[] want = multiply(a, b, 7, 3, 6);
                        double err = maxDiff(got.get(i).v(), want) / maxAbs(want);
                        assertTrue(
                                err <= (dp ? 1e-15 : 1e-6),
                                "product " + i + (ta ? " Aᵀ" : "") + (tb ? " Bᵀ" : "") + (dp ? " F64" : " F32")
                                        + ": error " + err);
                        assertEquals(7, got.get(i).rows());
                        assertEquals(6, got.get(i).cols());
                    }
                    assertEquals(List.of("gemm 5"), device.launches(), "one launch for the five");
                    assertEquals(1, counts.calls("matmul"));
                }
            }
        }
    }

    @Test
    void gramRootsAreOneGemmAndOneSyevjAndSatisfyRtRIsAtA() {
        HostBatchDevice device = new HostBatchDevice(1L << 30);
        BatchCounts counts = new BatchCounts();
        BatchedSolver solver = new BatchedSolver(device, false, singles, counts);
        List<HostMatrix> as = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            as.add(gaussian(40, 12));
        }
        List<HostMatrix> rs = solver.gramRoot(as);
        for (int i = 0; i < 6; i++) {
            double[] a = as.get(i).v();
            double[] r = rs.get(i).v();
            assertEquals(12, rs.get(i).rows());
            double[] ata = multiply(transpose(a, 40, 12), a, 12, 40, 12);
            double[] rtr = multiply(transpose(r, 12, 12), r, 12, 12, 12);
            double err = maxDiff(rtr, ata) / maxAbs(ata);
            assertTrue(err < 1e-12, "RᵀR − AᵀA of " + i + " (in double whatever the backend's precision): " + err);
            double[] values = cpu.singularValues(in(rs.get(i)));
            double[] want = cpu.singularValues(in(as.get(i)));
            assertTrue(maxDiff(values, want) / want[0] < 1e-12, "σ(R) = σ(A): " + maxDiff(values, want));
        }
        assertEquals(List.of("gemm 6", "syevj 6"), device.launches());

        List<HostMatrix> wide = List.of(gaussian(50, 40), gaussian(50, 40));
        solver.gramRoot(wide);
        assertEquals(2, counts.singles("gramRoot"), "n = 40 > 32: one at a time");
    }

    @Test
    void choleskyQr2GivesOrthonormalQAndRWithHouseholderForTheIllConditioned() {
        HostBatchDevice device = new HostBatchDevice(1L << 30);
        BatchCounts counts = new BatchCounts();
        BatchedSolver solver = new BatchedSolver(device, false, singles, counts);
        int m = 300;
        int n = 16;
        List<HostMatrix> as = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            as.add(gaussian(m, n));
        }
        double[] nearlyDependent = gaussian(m, n).v();
        for (int i = 0; i < m; i++) {
            nearlyDependent[i * n + n - 1] = nearlyDependent[i * n] + 1e-9 * rnd.nextGaussian(); // κ ≈ 1e9
        }
        as.add(new HostMatrix(m, n, nearlyDependent));
        as.add(new HostMatrix(m, n, new double[m * n])); // a zero factor (PEFT's B at initialization)
        List<Qr> qrs = solver.qr(as);
        for (int i = 0; i < as.size(); i++) {
            double[] a = as.get(i).v();
            double[] q = v(qrs.get(i).q());
            double[] r = v(qrs.get(i).r());
            double below = 0;
            for (int row = 0; row < n; row++) {
                for (int col = 0; col < row; col++) {
                    below = Math.max(below, Math.abs(r[row * n + col]));
                }
            }
            double residual = maxDiff(multiply(q, r, m, n, n), a) / Math.max(1, maxAbs(a));
            double orthogonality = maxDiff(multiply(transpose(q, m, n), q, n, m, n), identity(n));
            assertTrue(residual < 1e-13, "Q·R − A of " + i + ": " + residual);
            assertTrue(orthogonality < 1e-13, "QᵀQ − I of " + i + ": " + orthogonality);
            assertEquals(0, below, "R below the diagonal of " + i);
        }
        assertEquals(2, counts.singles("qr"), "the nearly dependent and the zero factor by Householder");
        assertEquals(1, counts.calls("qr"));
        assertEquals(List.of("gemm 9", "gemm 9", "gemm 9", "gemm 9"), device.launches(), "four launches for nine");
    }

    @Test
    void aBatchLargerThanItsShareOfTheBudgetGoesInPartsWithTheSameResults() {
        int m = 200;
        int n = 8;
        List<HostMatrix> as = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            as.add(gaussian(m, n));
        }
        BatchedSolver roomy = new BatchedSolver(new HostBatchDevice(1L << 30), true, singles, new BatchCounts());
        long perItem = 8L * (2L * m * n + 2L * n * n);
        HostBatchDevice tight = new HostBatchDevice(4 * 2 * perItem); // a quarter of it: two matrices per part
        BatchCounts counts = new BatchCounts();
        BatchedSolver parted = new BatchedSolver(tight, true, singles, counts);
        List<Qr> want = roomy.qr(as);
        List<Qr> got = parted.qr(as);
        for (int i = 0; i < as.size(); i++) {
            assertTrue(Arrays.equals(v(want.get(i).q()), v(got.get(i).q())), "Q of " + i + ": same bits in parts");
            assertTrue(Arrays.equals(v(want.get(i).r()), v(got.get(i).r())), "R of " + i + ": same bits in parts");
        }
        assertEquals(5, counts.calls("qr"), "nine matrices, two per part: " + counts.summary());
        assertTrue(tight.peak() <= tight.budget(), "peak " + tight.peak() + " within " + tight.budget());
    }

    @Test
    void svdsOfOneSmallShapeGoAsOneBatchedCallOthersOneByOne() {
        BatchCounts counts = new BatchCounts();
        BatchedSolver solver = new BatchedSolver(new HostBatchDevice(1L << 30), true, singles, counts);
        List<HostMatrix> cores = List.of(gaussian(16, 16), gaussian(16, 16), gaussian(16, 16));
        List<Svd> svds = solver.svd(cores);
        for (int i = 0; i < cores.size(); i++) {
            double[] want = cpu.singularValues(in(cores.get(i)));
            assertTrue(maxDiff(svds.get(i).s(), want) < 1e-12 * want[0], "σ of core " + i);
        }
        solver.svd(List.of(gaussian(40, 40), gaussian(40, 40)));
        solver.svd(List.of(gaussian(8, 8), gaussian(8, 6)));
        assertEquals(1, counts.calls("svd"), counts.summary());
        assertEquals(4, counts.singles("svd"), "40x40 and mixed shapes one by one: " + counts.summary());
    }

    @Test
    void theCountsSayWhichWayEachMatrixWentAndWhatFailed() {
        BatchCounts counts = new BatchCounts();
        assertEquals("no batch operation called", counts.summary());
        counts.batched("qr", 9);
        counts.single("qr", 2);
        counts.failed("svd", "cuSOLVER: gesvdjBatched failed: status 7");
        assertEquals(
                "qr: 1 batched calls over 9 matrices, 2 one at a time; svd: 0 batched calls over 0 matrices, 0 one at a"
                        + " time, 1 failed (first: cuSOLVER: gesvdjBatched failed: status 7)",
                counts.summary());
    }

    @Test
    void hostCholeskyFactorsInvertsAndRefusesWhatIsNotPositiveDefinite() {
        int n = 5;
        double[] a = gaussian(20, n).v();
        double[] g = multiply(transpose(a, 20, n), a, n, 20, n); // symmetric: row- and column-major alike
        double[] r = HostCholesky.upper(g, 0, n);
        double[] rtr = multiply(transpose(r, n, n), r, n, n, n);
        assertTrue(maxDiff(rtr, g) / maxAbs(g) < 1e-14, "RᵀR − G: " + maxDiff(rtr, g));
        double[] inverse = HostCholesky.inverseUpper(r, n);
        assertTrue(maxDiff(multiply(r, inverse, n, n, n), identity(n)) < 1e-13, "R·R⁻¹ − I");
        double[] p = HostCholesky.productUpper(r, inverse, n);
        assertTrue(maxDiff(p, identity(n)) < 1e-13, "productUpper(R, R⁻¹) − I");
        double bound = HostCholesky.conditionBound(r, inverse);
        double[] s = cpu.singularValues(cpu.fromRowMajor(20, n, a));
        assertTrue(bound >= s[0] / s[n - 1], "‖R‖_F‖R⁻¹‖_F " + bound + " bounds κ(A) = " + s[0] / s[n - 1]);
        assertEquals(null, HostCholesky.upper(new double[n * n], 0, n), "a zero Gram matrix has no factor");
        double[] indefinite = identity(n);
        indefinite[2 * n + 2] = -1;
        assertEquals(null, HostCholesky.upper(indefinite, 0, n), "an indefinite one neither");
    }
}
