package org.loralgebra.exec;

import java.util.List;

import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * The dense linear algebra the executor needs, and nothing else. Every operation returns a new matrix and
 * leaves its arguments untouched. Implementations must be thread-safe: modules run in parallel.
 */
public interface Backend {
    /** A short name for reports, such as {@code nd4j-cpu} or {@code nd4j-cuda}. */
    String name();

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
     * Gram matrix aᵀa accumulated in double precision and its symmetric eigendecomposition (R = Λ^½·Vᵀ, the k
     * largest eigenvalues): one matrix product over a instead of a Householder sweep. Singular values of R
     * below about 1e-8·‖a‖ are not resolved (double rounding of their squares); that is below float32's own.
     */
    Matrix gramRoot(Matrix a);

    /** Thin SVD: a = U·diag(S)·Vᵀ with S descending, k = min(m, n), by divide and conquer (gesdd). */
    Svd svd(Matrix a);

    /** Singular values only, descending. */
    double[] singularValues(Matrix a);

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
     * How many threads one operation (a product, a QR) may use. The engine sets it from its own parallelism:
     * modules already run in parallel, and threads inside each product on top of that only contend for cores.
     */
    default void useOperationThreads(int threads) {
    }

    /** Thin QR factors. */
    record Qr(Matrix q, Matrix r) {
    }

    /** Thin SVD factors: {@code vt} is Vᵀ [k, n]. */
    record Svd(Matrix u, double[] s, Matrix vt) {
    }
}
