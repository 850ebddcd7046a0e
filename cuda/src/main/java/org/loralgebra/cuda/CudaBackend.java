package org.loralgebra.cuda;

import static org.loralgebra.cuda.DeviceArrays.d;
import static org.loralgebra.cuda.DeviceArrays.f;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.loralgebra.cuda.DeviceMemory.Block;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.HostMatrix;
import org.loralgebra.exec.HostMatrixBackend;
import org.loralgebra.exec.Matrix;
import org.loralgebra.lang.LoraException;
import org.loralgebra.lang.Precision;

/**
 * The {@link Backend} on an NVIDIA GPU: products by cuBLAS ({@code sgemm}/{@code dgemm}), QR, SVD and the Gram root by
 * cuSOLVER ({@link CudaSolver}), in the precision asked for; batched SVD of small matrices in one call. Matrices live
 * in host memory between operations ({@link HostMatrix}); each heavy operation uploads its operands, computes on the
 * calling thread's stream and downloads its result, within the device memory budget.
 */
public final class CudaBackend extends HostMatrixBackend {
    private final Precision precision;
    private final String device;
    private final DeviceMemory memory;
    private final DeviceArrays arrays;
    private final CudaSolver solver;

    private final BatchCounts counts = new BatchCounts();
    private final BatchedSolver batches;

    CudaBackend(Precision precision, String device, long memoryBudget) {
        this.precision = precision;
        this.device = device;
        this.memory = new DeviceMemory(memoryBudget);
        this.arrays = new DeviceArrays(memory, precision == Precision.F64);
        this.solver = new CudaSolver(arrays, new DeviceArrays(memory, true));
        this.batches = new BatchedSolver(
                new CudaBatchDevice(memory),
                precision == Precision.F64,
                new BatchedSolver.Singles() {
                    @Override
                    public HostMatrix matmul(HostMatrix a, boolean transposeA, HostMatrix b, boolean transposeB) {
                        return m(CudaBackend.this.matmul(a, transposeA, b, transposeB));
                    }

                    @Override
                    public HostMatrix gramRoot(HostMatrix a) {
                        return solver.gramRoot(a);
                    }

                    @Override
                    public Qr qr(HostMatrix a) {
                        return solver.qr(a);
                    }

                    @Override
                    public Svd svd(HostMatrix a) {
                        return solver.svd(a);
                    }

                    @Override
                    public List<Svd> svdOfOneShape(List<HostMatrix> all) {
                        return solver.svdBatch(all);
                    }
                },
                counts);
    }

    /**
     * How the batch operations ran so far: per operation, the batched device calls, the matrices they took and those
     * that went one at a time (one line, for the device run's log).
     */
    public String batchSummary() {
        return counts.summary();
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String description() {
        return "cuBLAS and cuSOLVER on " + device + ", " + precision + ", GPU memory budget "
                + DeviceMemory.mib(memory.budget());
    }

    @Override
    public String selfCheck() {
        Matrix a = fromRowMajor(3, 2, new double[] {3, 0, 4, 0, 0, 2});
        double[] s = singularValues(a);
        double err = Math.abs(s[0] - 5) + Math.abs(s[1] - 2);
        if (err > 1e-5) {
            throw new IllegalStateException(
                    "cuda: the SVD of [[3,0],[4,0],[0,2]] gave " + Arrays.toString(s) + ", expected [5, 2]");
        }
        return name() + ": " + description() + ": SVD checked (error " + err + ")";
    }

    @Override
    public Precision precision() {
        return precision;
    }

    private static HostMatrix m(Matrix a) {
        return host(a);
    }

    /**
     * op(A)·op(B) by {@code gemm}: row-major C [m, n] is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ, and a row-major operand read
     * column-major is its transpose, so the operands go in swapped, each transposed as asked.
     */
    @Override
    public Matrix matmul(Matrix a, boolean transposeA, Matrix b, boolean transposeB) {
        int rows = transposeA ? a.cols() : a.rows();
        int inner = transposeA ? a.rows() : a.cols();
        int innerB = transposeB ? b.cols() : b.rows();
        int cols = transposeB ? b.rows() : b.cols();
        if (inner != innerB) {
            throw new IllegalArgumentException(
                    "matmul: op(A) is " + rows + "x" + inner + ", op(B) " + innerB + "x" + cols);
        }
        if (rows == 0 || cols == 0 || inner == 0) {
            return zeros(rows, cols);
        }
        return CudaContext.with(() -> product(a, transposeA, b, transposeB, rows, inner, cols));
    }

    /** {@link #matmul} on this thread's context, the shapes checked. */
    private Matrix product(Matrix a, boolean transposeA, Matrix b, boolean transposeB, int rows, int inner, int cols) {
        CudaContext ctx = CudaContext.current();
        int opA = transposeA ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N;
        int opB = transposeB ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N;
        try (Block da = arrays.upload(m(a).v(), "a product's left operand");
                Block db = arrays.upload(m(b).v(), "a product's right operand");
                Block dc = arrays.allocate((long) rows * cols, "a product")) {
            if (arrays.doubles()) {
                try (DoublePointer one = new DoublePointer(1.0);
                        DoublePointer zero = new DoublePointer(0.0)) {
                    CudaStatus.cublas(
                            cublas.cublasDgemm_v2(
                                    ctx.blas, opB, opA, cols, rows, inner, one, d(db), b.cols(), d(da), a.cols(), zero,
                                    d(dc), cols),
                            "dgemm");
                }
            } else {
                try (FloatPointer one = new FloatPointer(1f);
                        FloatPointer zero = new FloatPointer(0f)) {
                    CudaStatus.cublas(
                            cublas.cublasSgemm_v2(
                                    ctx.blas, opB, opA, cols, rows, inner, one, f(db), b.cols(), f(da), a.cols(), zero,
                                    f(dc), cols),
                            "sgemm");
                }
            }
            return new HostMatrix(rows, cols, arrays.download(dc, rows * cols, "a product"));
        }
    }

    @Override
    public Qr qr(Matrix a) {
        return CudaContext.with(() -> solver.qr(m(a)));
    }

    @Override
    public Matrix gramRoot(Matrix a) {
        return CudaContext.with(() -> solver.gramRoot(m(a)));
    }

    @Override
    public Svd svd(Matrix a) {
        return CudaContext.with(() -> solver.svd(m(a)));
    }

    @Override
    public double[] singularValues(Matrix a) {
        return CudaContext.with(() -> solver.svd(m(a)).s());
    }

    /**
     * The top k triplets: by randomized subspace iteration on the GPU ({@link RandomizedTopK}, each triplet's
     * residual within {@value RandomizedTopK#TOLERANCE_F64} of σ₁ in F64, {@value RandomizedTopK#TOLERANCE_F32} in
     * F32, as on the CPU backend) when k is small beside the matrix, else (or when it does not converge in {@value
     * RandomizedTopK#ITERATIONS} iterations) the exact SVD truncated.
     */
    @Override
    public Svd topSvd(Matrix a, int k) {
        return CudaContext.with(() -> topSvdOnDevice(a, k));
    }

    private Svd topSvdOnDevice(Matrix a, int k) {
        int small = Math.min(a.rows(), a.cols());
        if (k >= 1 && 4 * (3 * k + 20) <= small) {
            Svd r = RandomizedTopK.of(
                    this,
                    a,
                    k,
                    precision == Precision.F64 ? RandomizedTopK.TOLERANCE_F64 : RandomizedTopK.TOLERANCE_F32,
                    RandomizedTopK.ITERATIONS);
            if (r != null) {
                return r;
            }
        }
        return super.topSvd(a, k);
    }

    /** True: the engine hands this backend a plan's decompositions as batches across modules. */
    @Override
    public boolean batchesModules() {
        return true;
    }

    /**
     * One {@code gesvdjBatched} call (per part that fits the memory budget) when all are of one shape of at most
     * 32×32, else {@link #svd} of each.
     */
    @Override
    public List<Svd> svdBatch(List<Matrix> matrices) {
        return counted("svd", () -> CudaContext.with(() -> batches.svd(cuda(matrices))));
    }

    /** {@link #svdBatch}'s singular values. */
    @Override
    public List<double[]> singularValuesBatch(List<Matrix> matrices) {
        return svdBatch(matrices).stream().map(Svd::s).toList();
    }

    /** Pairs of one shape by one strided-batched {@code gemm} (per part), others one by one. */
    @Override
    public List<Matrix> matmulBatch(List<Matrix> a, boolean transposeA, List<Matrix> b, boolean transposeB) {
        return counted(
                "matmul",
                () -> CudaContext.with(() -> List.copyOf(batches.matmul(cuda(a), transposeA, cuda(b), transposeB))));
    }

    /** Gram matrices by one strided-batched {@code dgemm}, then one {@code syevjBatched} (n ≤ 32); others one by one. */
    @Override
    public List<Matrix> gramRootBatch(List<Matrix> matrices) {
        return counted("gramRoot", () -> CudaContext.with(() -> List.copyOf(batches.gramRoot(cuda(matrices)))));
    }

    /** Tall-skinny matrices of one shape by batched CholeskyQR2 in double ({@link BatchedSolver}), others Householder. */
    @Override
    public List<Qr> qrBatch(List<Matrix> matrices) {
        return counted("qr", () -> CudaContext.with(() -> batches.qr(cuda(matrices))));
    }

    /** {@code batch}'s result; a failure is recorded in the batch counts (with its message) and rethrown. */
    private <T> T counted(String op, Supplier<T> batch) {
        try {
            return batch.get();
        } catch (LoraException e) {
            counts.failed(op, e.getMessage());
            throw e;
        }
    }

    private static List<HostMatrix> cuda(List<Matrix> matrices) {
        return matrices.stream().map(CudaBackend::m).toList();
    }
}
