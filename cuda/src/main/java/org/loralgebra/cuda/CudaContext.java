package org.loralgebra.cuda;

import java.util.function.Supplier;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.cusolver.cusolverDnContext;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.cusolver;

/**
 * A stream with a cuBLAS handle and a cuSOLVER handle bound to it, used by one thread at a time: each operation of
 * the backend runs {@link #with} one, so that modules evaluated on different threads queue their work on different
 * streams, which the GPU may overlap. The engine starts new threads for every run; the contexts outlive them and
 * are lent again ({@link ThreadLeases}), so a process makes as many as it ever had threads computing at once, not
 * three library objects more for every thread of every run (each cuBLAS handle also keeps its own workspace on the
 * device). Never destroyed: they live as long as the process.
 */
final class CudaContext {
    private static final ThreadLeases<CudaContext> LEASES = new ThreadLeases<>(CudaContext::new);

    final CUstream_st stream = new CUstream_st();
    final cublasContext blas = new cublasContext();
    final cusolverDnContext solver = new cusolverDnContext();

    private CudaContext() {
        CudaStatus.runtime(cudart.cudaStreamCreate(stream), "cudaStreamCreate");
        CudaStatus.cublas(cublas.cublasCreate_v2(blas), "cublasCreate");
        CudaStatus.cublas(cublas.cublasSetStream_v2(blas, stream), "cublasSetStream");
        CudaStatus.cusolver(cusolver.cusolverDnCreate(solver), "cusolverDnCreate");
        CudaStatus.cusolver(cusolver.cusolverDnSetStream(solver, stream), "cusolverDnSetStream");
    }

    /** {@code call}'s result, computed with a context lent to this thread ({@link #current} while it runs). */
    static <R> R with(Supplier<R> call) {
        return LEASES.with(call);
    }

    /** The context lent to this thread (outside {@link #with}: one that the thread keeps). */
    static CudaContext current() {
        return LEASES.held();
    }

    /** Waits until the work queued on this thread's stream is done. */
    void synchronize(String after) {
        CudaStatus.runtime(cudart.cudaStreamSynchronize(stream), "cudaStreamSynchronize after " + after);
    }
}
