package org.loralgebra.cuda;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.loralgebra.cuda.BatchDevice.Buffer;
import org.loralgebra.exec.Backend.Qr;
import org.loralgebra.exec.Backend.Svd;
import org.loralgebra.exec.HostMatrix;

/**
 * The batch operations of {@link CudaBackend} on host row-major matrices: many matrices of one shape go to the device
 * together, split into parts that fit a quarter of the memory budget, each part a fixed number of launches whatever
 * its size. Matrices of mixed shapes, lone matrices and shapes the batched routines do not take go one at a time
 * through the single operations ({@link Singles}); {@link BatchCounts} records which way each went.
 *
 * <ul>
 *   <li>products: one strided-batched {@code gemm} per part, in the backend's precision;
 *   <li>Gram roots: the Gram matrices AᵢᵀAᵢ by one strided-batched {@code dgemm} in double (as {@code gramRoot}
 *       specifies), their eigendecompositions by one {@code syevjBatched} (n ≤ 32), R = Λ^½·Vᵀ on the host;
 *   <li>tall-skinny QR (m ≥ n, n ≤ {@value #QR_BATCHED_MAX}): CholeskyQR2 in double, four strided-batched
 *       {@code dgemm}s per part with the n×n Cholesky factors and their inverses on the host ({@link HostCholesky});
 *   <li>SVDs of matrices of at most 32×32: one {@code gesvdjBatched} per part.
 * </ul>
 *
 * <p>CholeskyQR2's stability: one pass (G = AᵀA = RᵀR, Q = A·R⁻¹) loses orthogonality as κ(A)²·u; a second pass on Q
 * restores it to O(u) as long as the first Cholesky succeeds and κ(A)²·u ≪ 1 (Yamamoto, Nakatsukasa, Yanagisawa and
 * Fukaya, 2015). In double (u ≈ 1.1e-16), a matrix is kept in the batch only when ‖R‖_F·‖R⁻¹‖_F ≤ {@value
 * #CONDITION_LIMIT}, a bound on κ(A) that keeps κ(A)²·u below 1.2e-4; one whose Cholesky fails (rank-deficient, such
 * as a zero factor) or whose bound is larger, or whose second Cholesky fails, is redone by Householder QR
 * ({@code geqrf}), which is stable whatever the conditioning.
 */
final class BatchedSolver {
    /** The most columns a batched QR takes (its n×n host work grows as n³). */
    static final int QR_BATCHED_MAX = 256;

    /** The bound on κ(A) above which a matrix leaves CholeskyQR2 for Householder QR. */
    static final double CONDITION_LIMIT = 1e6;

    /** The single-matrix operations a batch falls back to, and the batched SVD of one shape. */
    interface Singles {
        /** op(a)·op(b). */
        HostMatrix matmul(HostMatrix a, boolean transposeA, HostMatrix b, boolean transposeB);

        /** The Gram root of one matrix. */
        HostMatrix gramRoot(HostMatrix a);

        /** Householder QR of one matrix. */
        Qr qr(HostMatrix a);

        /** The SVD of one matrix. */
        Svd svd(HostMatrix a);

        /** The SVDs of matrices of one shape of at most 32×32, in one batched call. */
        List<Svd> svdOfOneShape(List<HostMatrix> all);
    }

    private final BatchDevice device;
    private final boolean doubles;
    private final Singles singles;
    private final BatchCounts counts;

    /** {@code doubles}: the backend's precision, that of the products. */
    BatchedSolver(BatchDevice device, boolean doubles, Singles singles, BatchCounts counts) {
        this.device = device;
        this.doubles = doubles;
        this.singles = singles;
        this.counts = counts;
    }

    /** {@code op(aᵢ)·op(bᵢ)} for each pair. */
    List<HostMatrix> matmul(List<HostMatrix> a, boolean ta, List<HostMatrix> b, boolean tb) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("matmulBatch: " + a.size() + " left operands, " + b.size() + " right");
        }
        if (a.isEmpty()) {
            return List.of();
        }
        HostMatrix a0 = a.get(0);
        HostMatrix b0 = b.get(0);
        int rows = ta ? a0.cols() : a0.rows();
        int inner = ta ? a0.rows() : a0.cols();
        int innerB = tb ? b0.cols() : b0.rows();
        int cols = tb ? b0.rows() : b0.cols();
        if (a.size() < 2 || !oneShape(a) || !oneShape(b) || rows == 0 || cols == 0 || inner == 0 || inner != innerB) {
            counts.single("matmul", a.size());
            List<HostMatrix> out = new ArrayList<>(a.size());
            for (int i = 0; i < a.size(); i++) {
                out.add(singles.matmul(a.get(i), ta, b.get(i), tb));
            }
            return out;
        }
        int sizeA = a0.v().length;
        int sizeB = b0.v().length;
        int sizeC = rows * cols;
        List<HostMatrix> out = new ArrayList<>(a.size());
        int step = part((long) sizeA + sizeB + sizeC);
        for (int from = 0; from < a.size(); from += step) {
            int to = Math.min(a.size(), from + step);
            int count = to - from;
            // row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ: operands swapped, as in CudaBackend.matmul
            try (Buffer da = device.upload(packed(a, from, to), doubles, "batched products' left operands");
                    Buffer db = device.upload(packed(b, from, to), doubles, "batched products' right operands");
                    Buffer dc = device.allocate((long) count * sizeC, doubles, "batched products")) {
                device.gemmStridedBatched(
                        doubles, tb, ta, cols, rows, inner, db, b0.cols(), sizeB, da, a0.cols(), sizeA, dc, cols, sizeC,
                        count);
                double[] c = device.download(dc, count * sizeC, doubles, "batched products");
                for (int i = 0; i < count; i++) {
                    out.add(new HostMatrix(rows, cols, Arrays.copyOfRange(c, i * sizeC, (i + 1) * sizeC)));
                }
            }
            counts.batched("matmul", count);
        }
        return out;
    }

    /** The Gram root R [k, n] (RᵀR = AᵀA, k = min(m, n)) of each matrix. */
    List<HostMatrix> gramRoot(List<HostMatrix> all) {
        if (all.isEmpty()) {
            return List.of();
        }
        int m = all.get(0).rows();
        int n = all.get(0).cols();
        int k = Math.min(m, n);
        if (all.size() < 2 || !oneShape(all) || k == 0 || n > BatchDevice.EIGEN_BATCHED_MAX) {
            counts.single("gramRoot", all.size());
            return all.stream().map(singles::gramRoot).toList();
        }
        HostMatrix[] out = new HostMatrix[all.size()];
        int size = m * n;
        int step = part((long) size + n * n + n);
        for (int from = 0; from < all.size(); from += step) {
            int to = Math.min(all.size(), from + step);
            int count = to - from;
            // row-major A [m, n] is column-major Aᵀ [n, m]: G = (Aᵀ)·(Aᵀ)ᵀ
            try (Buffer x = device.upload(packed(all, from, to), true, "batched Gram inputs");
                    Buffer g = device.allocate((long) count * n * n, true, "batched Gram matrices");
                    Buffer w = device.allocate((long) count * n, true, "batched eigenvalues")) {
                device.gemmStridedBatched(true, false, true, n, n, m, x, n, size, x, n, size, g, n, n * n, count);
                int[] infos = device.symmetricEigenBatched(g, w, n, count);
                double[] lambda = device.download(w, count * n, true, "batched eigenvalues");
                double[] vectors = device.download(g, count * n * n, true, "batched eigenvectors");
                for (int i = 0; i < count; i++) {
                    if (infos[i] != 0) {
                        counts.single("gramRoot", 1);
                        out[from + i] = singles.gramRoot(all.get(from + i));
                    } else {
                        out[from + i] = root(lambda, i * n, vectors, i * n * n, n, k);
                    }
                }
            }
            counts.batched("gramRoot", count);
        }
        return Arrays.asList(out);
    }

    /** R [k, n] = Λ^½·Vᵀ over the k largest eigenvalues (negative rounding clamped to 0). */
    private static HostMatrix root(double[] lambda, int lambdaAt, double[] vectors, int vectorsAt, int n, int k) {
        Integer[] order = new Integer[n];
        for (int e = 0; e < n; e++) {
            order[e] = e;
        }
        Arrays.sort(order, (x, y) -> Double.compare(lambda[lambdaAt + y], lambda[lambdaAt + x]));
        double[] r = new double[k * n];
        for (int row = 0; row < k; row++) {
            int e = order[row];
            double root = Math.sqrt(Math.max(lambda[lambdaAt + e], 0));
            for (int col = 0; col < n; col++) {
                r[row * n + col] = root * vectors[vectorsAt + e * n + col];
            }
        }
        return new HostMatrix(k, n, r);
    }

    /** Thin QR of each matrix: CholeskyQR2 for tall-skinny ones of one shape, Householder for the rest. */
    List<Qr> qr(List<HostMatrix> all) {
        if (all.isEmpty()) {
            return List.of();
        }
        int m = all.get(0).rows();
        int n = all.get(0).cols();
        if (all.size() < 2 || !oneShape(all) || n == 0 || m < n || n > QR_BATCHED_MAX) {
            counts.single("qr", all.size());
            return all.stream().map(singles::qr).toList();
        }
        Qr[] out = new Qr[all.size()];
        int step = part(2L * m * n + 2L * n * n);
        for (int from = 0; from < all.size(); from += step) {
            int to = Math.min(all.size(), from + step);
            choleskyQr2(all, from, to, m, n, out);
            counts.batched("qr", to - from);
        }
        return Arrays.asList(out);
    }

    /** CholeskyQR2 of {@code all[from, to)} (m×n each) into {@code out}; the ones it cannot take by Householder. */
    private void choleskyQr2(List<HostMatrix> all, int from, int to, int m, int n, Qr[] out) {
        int count = to - from;
        int size = m * n;
        int nn = n * n;
        double[][] r1 = new double[count][];
        double[][] r2 = new double[count][];
        double[] q;
        // row-major Aᵢ [m, n] is column-major Aᵢᵀ [n, m]; the passes keep Qᵢᵀ column-major, that is Qᵢ row-major
        try (Buffer x = device.upload(packed(all, from, to), true, "batched QR inputs");
                Buffer y = device.allocate((long) count * size, true, "batched QR first pass");
                Buffer g = device.allocate((long) count * nn, true, "batched QR Gram matrices")) {
            device.gemmStridedBatched(true, false, true, n, n, m, x, n, size, x, n, size, g, n, nn, count);
            double[] inverses = inverses(device.download(g, count * nn, true, "batched QR Gram matrices"), n, r1);
            try (Buffer t = device.upload(inverses, true, "batched QR inverse factors")) {
                // row-major R⁻¹ read column-major is R⁻ᵀ: Yᵢ = R⁻ᵀ·Aᵢᵀ = (Aᵢ·R⁻¹)ᵀ
                device.gemmStridedBatched(true, false, false, n, m, n, t, n, nn, x, n, size, y, n, size, count);
            }
            device.gemmStridedBatched(true, false, true, n, n, m, y, n, size, y, n, size, g, n, nn, count);
            inverses = inverses(device.download(g, count * nn, true, "batched QR second Gram matrices"), n, r2);
            try (Buffer t = device.upload(inverses, true, "batched QR second inverse factors")) {
                device.gemmStridedBatched(true, false, false, n, m, n, t, n, nn, y, n, size, x, n, size, count);
            }
            q = device.download(x, count * size, true, "batched Q factors");
        }
        for (int i = 0; i < count; i++) {
            if (r1[i] == null || r2[i] == null) {
                counts.single("qr", 1);
                out[from + i] = singles.qr(all.get(from + i));
            } else {
                out[from + i] = new Qr(
                        new HostMatrix(m, n, Arrays.copyOfRange(q, i * size, (i + 1) * size)),
                        new HostMatrix(n, n, HostCholesky.productUpper(r2[i], r1[i], n)));
            }
        }
    }

    /**
     * For each column-major Gram matrix in {@code grams}: its Cholesky factor R into {@code factors} (null where the
     * matrix leaves the batch: no factor, or a condition bound above {@value #CONDITION_LIMIT}) and R⁻¹ row-major
     * into the result (the identity for those that left, which keeps their place in the batch).
     */
    private static double[] inverses(double[] grams, int n, double[][] factors) {
        int nn = n * n;
        double[] out = new double[factors.length * nn];
        for (int i = 0; i < factors.length; i++) {
            double[] r = HostCholesky.upper(grams, i * nn, n);
            double[] inverse = r == null ? null : HostCholesky.inverseUpper(r, n);
            if (inverse == null || !(HostCholesky.conditionBound(r, inverse) <= CONDITION_LIMIT)) {
                factors[i] = null;
                for (int j = 0; j < n; j++) {
                    out[i * nn + j * n + j] = 1;
                }
            } else {
                factors[i] = r;
                System.arraycopy(inverse, 0, out, i * nn, nn);
            }
        }
        return out;
    }

    /** The SVD of each matrix: one {@code gesvdjBatched} per part for matrices of one shape of at most 32×32. */
    List<Svd> svd(List<HostMatrix> all) {
        if (all.isEmpty()) {
            return List.of();
        }
        int m = all.get(0).rows();
        int n = all.get(0).cols();
        int max = BatchDevice.EIGEN_BATCHED_MAX;
        if (all.size() < 2 || !oneShape(all) || m == 0 || n == 0 || m > max || n > max) {
            counts.single("svd", all.size());
            return all.stream().map(singles::svd).toList();
        }
        List<Svd> out = new ArrayList<>(all.size());
        int step = part((long) m * n + Math.min(m, n) + (long) m * m + (long) n * n);
        for (int from = 0; from < all.size(); from += step) {
            int to = Math.min(all.size(), from + step);
            if (to - from == 1) {
                counts.single("svd", 1);
                out.add(singles.svd(all.get(from)));
            } else {
                out.addAll(singles.svdOfOneShape(all.subList(from, to)));
                counts.batched("svd", to - from);
            }
        }
        return out;
    }

    /**
     * How many items of {@code elements} device elements each (8 bytes at most) one part of a batch takes: a quarter
     * of the budget (other threads and the routines' workspaces share it), and never more elements than a Java array
     * holds; at least 1.
     */
    private int part(long elements) {
        long each = Math.max(1, elements);
        long byBudget = device.budget() / 4 / (8 * each);
        long byArray = (Integer.MAX_VALUE / 2) / each;
        return (int) Math.max(1, Math.min(byBudget, byArray));
    }

    private static boolean oneShape(List<HostMatrix> all) {
        int rows = all.get(0).rows();
        int cols = all.get(0).cols();
        return all.stream().allMatch(x -> x.rows() == rows && x.cols() == cols);
    }

    /** The row-major values of {@code all[from, to)} one after another. */
    private static double[] packed(List<HostMatrix> all, int from, int to) {
        int size = all.get(from).v().length;
        double[] out = new double[(to - from) * size];
        for (int i = from; i < to; i++) {
            System.arraycopy(all.get(i).v(), 0, out, (i - from) * size, size);
        }
        return out;
    }
}
