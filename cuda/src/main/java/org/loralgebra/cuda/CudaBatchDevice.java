package org.loralgebra.cuda;

import static org.loralgebra.cuda.DeviceArrays.d;
import static org.loralgebra.cuda.DeviceArrays.f;
import static org.loralgebra.cuda.DeviceArrays.i;

import org.bytedeco.cuda.cusolver.syevjInfo;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cusolver;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.loralgebra.cuda.DeviceMemory.Block;

/**
 * {@link BatchDevice} on the GPU: buffers under the backend's {@link DeviceMemory} budget, {@code gemmStridedBatched}
 * by cuBLAS ({@code dgemmStridedBatched}, {@code sgemmStridedBatched}) and {@code syevjBatched} by cuSOLVER, on the
 * calling thread's stream.
 */
final class CudaBatchDevice implements BatchDevice {
    private final DeviceMemory memory;
    private final DeviceArrays doubles;
    private final DeviceArrays floats;

    CudaBatchDevice(DeviceMemory memory) {
        this.memory = memory;
        this.doubles = new DeviceArrays(memory, true);
        this.floats = new DeviceArrays(memory, false);
    }

    /** A buffer of this device: a {@link Block} of its memory. */
    private record DeviceBuffer(Block block) implements Buffer {
        @Override
        public void close() {
            block.close();
        }
    }

    private static Block b(Buffer buffer) {
        return ((DeviceBuffer) buffer).block();
    }

    private DeviceArrays arrays(boolean inDouble) {
        return inDouble ? doubles : floats;
    }

    @Override
    public long budget() {
        return memory.budget();
    }

    @Override
    public Buffer upload(double[] values, boolean inDouble, String what) {
        return new DeviceBuffer(arrays(inDouble).upload(values, what));
    }

    @Override
    public Buffer allocate(long count, boolean inDouble, String what) {
        return new DeviceBuffer(arrays(inDouble).allocate(count, what));
    }

    @Override
    public double[] download(Buffer buffer, int count, boolean inDouble, String what) {
        return arrays(inDouble).download(b(buffer), count, what);
    }

    @Override
    public void gemmStridedBatched(
            boolean inDouble,
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            Buffer a,
            int lda,
            long strideA,
            Buffer bb,
            int ldb,
            long strideB,
            Buffer c,
            int ldc,
            long strideC,
            int batch) {
        CudaContext ctx = CudaContext.current();
        int opA = transA ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N;
        int opB = transB ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N;
        if (inDouble) {
            try (DoublePointer one = new DoublePointer(1.0);
                    DoublePointer zero = new DoublePointer(0.0)) {
                CudaStatus.cublas(
                        cublas.cublasDgemmStridedBatched(
                                ctx.blas, opA, opB, m, n, k, one, d(b(a)), lda, strideA, d(b(bb)), ldb, strideB, zero,
                                d(b(c)), ldc, strideC, batch),
                        "dgemmStridedBatched (" + batch + " products " + m + "x" + k + "·" + k + "x" + n + ")");
            }
        } else {
            try (FloatPointer one = new FloatPointer(1f);
                    FloatPointer zero = new FloatPointer(0f)) {
                CudaStatus.cublas(
                        cublas.cublasSgemmStridedBatched(
                                ctx.blas, opA, opB, m, n, k, one, f(b(a)), lda, strideA, f(b(bb)), ldb, strideB, zero,
                                f(b(c)), ldc, strideC, batch),
                        "sgemmStridedBatched (" + batch + " products " + m + "x" + k + "·" + k + "x" + n + ")");
            }
        }
    }

    @Override
    public int[] symmetricEigenBatched(Buffer g, Buffer w, int n, int batch) {
        CudaContext ctx = CudaContext.current();
        int mode = cusolver.CUSOLVER_EIG_MODE_VECTOR;
        int uplo = cublas.CUBLAS_FILL_MODE_UPPER;
        syevjInfo params = new syevjInfo();
        CudaStatus.cusolver(cusolver.cusolverDnCreateSyevjInfo(params), "cusolverDnCreateSyevjInfo");
        try (Block info = doubles.allocateInts(batch, "syevjBatched infos");
                IntPointer lwork = new IntPointer(1)) {
            CudaStatus.cusolver(
                    cusolver.cusolverDnDsyevjBatched_bufferSize(
                            ctx.solver, mode, uplo, n, d(b(g)), n, d(b(w)), lwork, params, batch),
                    "syevjBatched_bufferSize");
            try (Block work = doubles.allocate(lwork.get(), "syevjBatched workspace")) {
                CudaStatus.cusolver(
                        cusolver.cusolverDnDsyevjBatched(
                                ctx.solver,
                                mode,
                                uplo,
                                n,
                                d(b(g)),
                                n,
                                d(b(w)),
                                d(work),
                                lwork.get(),
                                i(info),
                                params,
                                batch),
                        "syevjBatched (" + batch + " matrices " + n + "x" + n + ")");
            }
            return DeviceArrays.downloadInts(info, batch, "syevjBatched infos");
        } finally {
            cusolver.cusolverDnDestroySyevjInfo(params);
        }
    }
}
