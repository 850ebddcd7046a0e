package org.loralgebra.cuda;

import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.cusolver.cusolverDnContext;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.cusolver;

/**
 * One thread's stream, cuBLAS handle and cuSOLVER handle (both bound to the stream): modules evaluated on different
 * threads queue their work on different streams, which the GPU may overlap. Made on a thread's first operation and
 * kept for the thread's life (the engine's threads are few and long-lived).
 */
final class CudaContext {
    private static final ThreadLocal<CudaContext> CURRENT = ThreadLocal.withInitial(CudaContext::new);

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

    /** This thread's context. */
    static CudaContext current() {
        return CURRENT.get();
    }

    /** Waits until the work queued on this thread's stream is done. */
    void synchronize(String after) {
        CudaStatus.runtime(cudart.cudaStreamSynchronize(stream), "cudaStreamSynchronize after " + after);
    }
}
