package org.loralgebra.exec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.loralgebra.lang.Precision;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * The dense linear algebra the executor needs, and nothing else. Every operation returns a new matrix and
 * leaves its arguments untouched. Implementations must be thread-safe: modules run in parallel.
 */
public interface Backend {
    /** A short name for reports, such as {@code nd4j-cpu} or {@code nd4j-cuda}. */
    String name();

    /**
     * Checks the backend's numerical library now and says what was verified (one line, for {@code lora self-check});
     * a backend whose library fails its check refuses to be constructed (or this call throws) instead.
     */
    default String selfCheck() {
        return name() + ": no self-check";
    }

    /** What it runs on, one line for reports ({@code lora self-check}, {@code Lora.backendDescription()}). */
    default String description() {
        return name();
    }

    /** What the backend computes in. */
    Precision precision();

    /** A 2-D tensor of any floating dtype, converted to the backend's precision. */
    Matrix fromTensor(Tensor tensor);

    /** Row-major values. */
    Matrix fromRowMajor(int rows, int cols, double[] values);

    /** The matrix as a 2-D tensor of the given floating dtype. */
    Tensor toTensor(Matrix m, DType dtype);

    /** Row-major values in double precision. */
    double[] toRowMajor(Matrix m);

    /** A matrix of zeros. */
    Matrix zeros(int rows, int cols);

    /** op(a)·op(b), where op transposes when asked. */
    Matrix matmul(Matrix a, boolean transposeA, Matrix b, boolean transposeB);

    /** factor·a. */
    Matrix scale(Matrix a, double factor);

    /** a + factor·b. */
    Matrix addScaled(Matrix a, Matrix b, double factor);

    /** aᵀ. */
    Matrix transpose(Matrix a);

    /** Columns side by side; all must have the same number of rows. */
    Matrix hcat(List<Matrix> parts);

    /** Rows stacked; all must have the same number of columns. */
    Matrix vcat(List<Matrix> parts);

    /** Columns {@code [from, to)}. */
    Matrix columns(Matrix a, int from, int to);

    /** Rows {@code [from, to)}. */
    Matrix rows(Matrix a, int from, int to);

    /** Column j multiplied by {@code factors[j]}. */
    Matrix scaleColumns(Matrix a, double[] factors);

    /** Row i multiplied by {@code factors[i]}. */
    Matrix scaleRows(Matrix a, double[] factors);

    /** Thin QR: a = Q·R, Q [m, k] with orthonormal columns, R [k, n] upper triangular, k = min(m, n). */
    Qr qr(Matrix a);

    /**
     * A k×n matrix R with RᵀR = aᵀa (k = min(m, n)): what QR's R factor is good for when only singular values
     * are wanted, since a and R have the same singular values and right singular vectors. Computed from the
     * Gram matrix aᵀa accumulated in double precision (one matrix product over a instead of a Householder sweep),
     * then its Cholesky factor where aᵀa is positive definite to working precision (the CPU backend) or
     * R = Λ^½·Vᵀ from its symmetric eigendecomposition (the k largest eigenvalues): any R with RᵀR = aᵀa serves.
     * Singular values of R below about 1e-8·‖a‖ are not resolved (double rounding of their squares); that is
     * below float32's own.
     */
    Matrix gramRoot(Matrix a);

    /** Thin SVD: a = U·diag(S)·Vᵀ with S descending, k = min(m, n), by divide and conquer (gesdd). */
    Svd svd(Matrix a);

    /**
     * {@link #svd} of each matrix, in order: many small independent SVDs (the r×r cores of a whole adapter) that a
     * device backend runs as one batched call. The default loops.
     */
    default List<Svd> svdBatch(List<Matrix> matrices) {
        List<Svd> out = new ArrayList<>(matrices.size());
        for (Matrix m : matrices) {
            out.add(svd(m));
        }
        return out;
    }

    /** {@link #qr} of each matrix, in order (tall-skinny factors of many modules); the default loops. */
    default List<Qr> qrBatch(List<Matrix> matrices) {
        List<Qr> out = new ArrayList<>(matrices.size());
        for (Matrix m : matrices) {
            out.add(qr(m));
        }
        return out;
    }

    /**
     * Whether the engine should hand this backend the small work of many modules at once: with {@code true}, the
     * decompositions of a plan run as batches across modules ({@link Factored#svdBatch},
     * {@link Factored#singularValuesBatch}) through the {@code …Batch} operations, which a device runs as a few
     * launches for the whole batch instead of a few per module. The default ({@code false}, the CPU backend) keeps
     * the engine's module parallelism.
     */
    default boolean batchesModules() {
        return false;
    }

    /**
     * {@code op(aᵢ)·op(bᵢ)} for each pair, in order ({@link #matmul}): the small products of many modules' cores. A
     * device runs pairs of one shape as one strided-batched {@code gemm}. The default loops.
     */
    default List<Matrix> matmulBatch(List<Matrix> a, boolean transposeA, List<Matrix> b, boolean transposeB) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("matmulBatch: " + a.size() + " left operands, " + b.size() + " right");
        }
        List<Matrix> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            out.add(matmul(a.get(i), transposeA, b.get(i), transposeB));
        }
        return out;
    }

    /**
     * {@link #gramRoot} of each matrix, in order (the tall-skinny factors of many modules): a device forms the Gram
     * matrices of one shape with one strided-batched {@code gemm} in double and their eigendecompositions with one
     * batched call. The default loops.
     */
    default List<Matrix> gramRootBatch(List<Matrix> matrices) {
        List<Matrix> out = new ArrayList<>(matrices.size());
        for (Matrix m : matrices) {
            out.add(gramRoot(m));
        }
        return out;
    }

    /**
     * {@link #singularValues} of each matrix, in order (the r×r cores of many modules): a device runs small ones of
     * one shape as one batched SVD without vectors. The default loops.
     */
    default List<double[]> singularValuesBatch(List<Matrix> matrices) {
        List<double[]> out = new ArrayList<>(matrices.size());
        for (Matrix m : matrices) {
            out.add(singularValues(m));
        }
        return out;
    }

    /** Singular values only, descending. */
    double[] singularValues(Matrix a);

    /**
     * The k largest singular triplets (k ≤ min(m, n)): what {@link #svd} gives, truncated to k, without computing
     * the rest. The default truncates a full {@link #svd}; the ND4J backend reduces to bidiagonal form once and
     * finds only the k wanted values and vectors ({@code ?gesvdx}), several times faster than a full SVD of a
     * dense out×in update when k is a LoRA rank.
     */
    default Svd topSvd(Matrix a, int k) {
        Svd full = svd(a);
        int keep = Math.min(k, full.s().length);
        return new Svd(columns(full.u(), 0, keep), Arrays.copyOf(full.s(), keep), rows(full.vt(), 0, keep));
    }

    /**
     * {@code factor·b·a} as row-major doubles in host memory: the dense out×in update of a factor pair, for the
     * element-wise work (pruning, sign election) that runs on the host. Computed on the host from the two thin
     * factors (r AXPYs per row, in double), so no out×in array is allocated by the backend only to be copied out.
     */
    default double[] productRowMajor(Matrix b, Matrix a, double factor) {
        double[] out = new double[Math.multiplyExact(b.rows(), a.cols())];
        RowMajorProduct.rows(b.cols(), a.cols(), toRowMajor(b), toRowMajor(a), factor, 0, b.rows(), out);
        return out;
    }

    /**
     * Rows of a row-major matrix produced on the host block by block, in increasing row order (a producer may keep
     * state from one block to the next).
     */
    @FunctionalInterface
    interface RowFill {
        /** Writes rows {@code [from, to)} into {@code dst} (row-major, {@code (to − from)·cols} values). */
        void rows(int from, int to, double[] dst);
    }

    /**
     * {@link #topSvd} of a rows×cols matrix whose rows the host produces block by block ({@code fill} is called
     * once per block, in increasing row order), without holding it in host memory first: the ND4J backend writes
     * the blocks straight into a native buffer it reuses from one call to the next on the same thread.
     */
    default Svd topSvdOfRows(int rows, int cols, RowFill fill, int k) {
        double[] all = new double[Math.multiplyExact(rows, cols)];
        fill.rows(0, rows, all);
        return topSvd(fromRowMajor(rows, cols, all), k);
    }

    /**
     * {@link #topSvdOfRows(int, int, RowFill, int)} of a matrix whose top singular vectors are expected near the
     * directions of {@code hint}: a backend with an iterative method may start from them. The result is what the call
     * without the hint gives, within the method's tolerance; the default ignores the hint.
     */
    default Svd topSvdOfRows(int rows, int cols, RowFill fill, int k, SpanHint hint) {
        return topSvdOfRows(rows, cols, fill, k);
    }

    /**
     * The Gram matrix {@code G = X·Xᵀ} [n, n] of n host rows of equal length d, in double precision: the one pass
     * over the points of k-means on rank units. The default is plain Java (each entry a dot product, mirrored); the
     * CPU backend calls BLAS ({@code dsyrk}).
     */
    default double[][] gramOfRows(double[][] rows) {
        return HostProducts.gram(rows);
    }

    /**
     * {@code XᵀY} [kx, ky] row-major in single precision, for host X [n, kx] and Y [n, ky] row-major: the cross
     * products of many thin column blocks at once (the hub's pairwise overlaps). The same inputs give the same bits
     * on every call. The default is plain Java (sums in double, rounded once); the CPU backend calls BLAS
     * ({@code sgemm}).
     */
    default float[] transposeProduct(float[] x, int n, int kx, float[] y, int ky) {
        return HostProducts.transposeProduct(x, n, kx, y, ky);
    }

    /**
     * Opens a {@link MatrixScope} on the calling thread: matrices this backend makes on this thread until it
     * closes are freed when it closes, except those passed to {@link #keep}. Scopes nest.
     */
    default MatrixScope openScope() {
        return MatrixScope.NONE;
    }

    /** Lets {@code m} (and the matrices it is a view of) outlive every scope open on this thread; returns it. */
    default Matrix keep(Matrix m) {
        return m;
    }

    /**
     * How many threads one operation (a product, a QR) may use. The engine sets it ({@link OperationThreads}): while
     * modules run in parallel, threads inside each product on top of that only contend for cores; a run of light
     * modules on one thread gets one, as such operations lose more to worker threads than they gain.
     */
    default void useOperationThreads(int threads) {}

    /** Thin QR factors. */
    record Qr(Matrix q, Matrix r) {}

    /** Thin SVD factors: {@code vt} is Vᵀ [k, n]. */
    record Svd(Matrix u, double[] s, Matrix vt) {}
}
