package org.loralgebra.cuda;

/**
 * The device operations the batched algorithms ({@link BatchedSolver}) are written against: buffers of doubles or
 * floats, a strided-batched {@code gemm} with cuBLAS's column-major semantics, and a batched symmetric
 * eigendecomposition of small matrices with cuSOLVER's. The GPU implements it ({@link CudaBatchDevice}); the tests
 * run the same algorithms on a host implementation of the same semantics.
 */
interface BatchDevice {
    /** A buffer on the device; closing frees it. */
    interface Buffer extends AutoCloseable {
        @Override
        void close();
    }

    /** The largest n of {@link #symmetricEigenBatched} ({@code syevjBatched}'s limit). */
    int EIGEN_BATCHED_MAX = 32;

    /** The device memory budget in bytes: a batch is split into parts that fit a share of it. */
    long budget();

    /** {@code values} on the device, in double or (rounded) single precision. */
    Buffer upload(double[] values, boolean doubles, String what);

    /** A device buffer of {@code count} doubles or floats, uninitialized. */
    Buffer allocate(long count, boolean doubles, String what);

    /** The first {@code count} elements of a buffer, as doubles. */
    double[] download(Buffer b, int count, boolean doubles, String what);

    /**
     * For each i below {@code batch}: {@code C_i = op(A_i)·op(B_i)}, C_i m×n, op(A_i) m×k, op(B_i) k×n, all
     * column-major; A_i starts at element {@code i·strideA} of {@code a} with leading dimension {@code lda}, likewise
     * B_i and C_i; op transposes when asked. cuBLAS's {@code gemmStridedBatched} with alpha 1 and beta 0, in double or
     * single precision (all three buffers of that precision).
     */
    void gemmStridedBatched(
            boolean doubles,
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            Buffer a,
            int lda,
            long strideA,
            Buffer b,
            int ldb,
            long strideB,
            Buffer c,
            int ldc,
            long strideC,
            int batch);

    /**
     * Eigendecompositions of {@code batch} symmetric n×n matrices in double (1 ≤ n ≤ {@link #EIGEN_BATCHED_MAX}),
     * packed column-major in {@code g} (matrix i at element i·n², its upper triangle read): the eigenvectors overwrite
     * them (column j of matrix i belongs to eigenvalue {@code w[i·n + j]}), in no promised order. cuSOLVER's
     * {@code syevjBatched}. Returns each matrix's {@code info} (0: converged).
     */
    int[] symmetricEigenBatched(Buffer g, Buffer w, int n, int batch);
}
