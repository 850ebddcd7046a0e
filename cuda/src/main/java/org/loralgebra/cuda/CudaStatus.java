package org.loralgebra.cuda;

import org.bytedeco.cuda.global.cudart;
import org.loralgebra.lang.LoraException;

/** Status codes of the CUDA runtime, cuBLAS and cuSOLVER turned into errors that name the call and the code. */
final class CudaStatus {
    private CudaStatus() {}

    /** Throws unless a CUDA runtime call returned {@code cudaSuccess} (0). */
    static void runtime(int code, String call) {
        if (code != 0) {
            String text;
            try {
                text = cudart.cudaGetErrorString(code).getString();
            } catch (RuntimeException | LinkageError e) {
                text = "no description";
            }
            throw new LoraException("CUDA: " + call + " failed: error " + code + " (" + text + ")");
        }
    }

    /** Throws unless a cuBLAS call returned {@code CUBLAS_STATUS_SUCCESS} (0). */
    static void cublas(int code, String call) {
        if (code != 0) {
            throw new LoraException("cuBLAS: " + call + " failed: status " + code);
        }
    }

    /** Throws unless a cuSOLVER call returned {@code CUSOLVER_STATUS_SUCCESS} (0). */
    static void cusolver(int code, String call) {
        if (code != 0) {
            throw new LoraException("cuSOLVER: " + call + " failed: status " + code);
        }
    }

    /** Throws unless a LAPACK-style {@code info} is 0 (negative: a bad argument; positive: no convergence). */
    static void info(int info, String call, int rows, int cols) {
        if (info != 0) {
            throw new LoraException("cuSOLVER: " + call + " of a " + rows + "x" + cols + " matrix returned info " + info
                    + (info < 0 ? " (argument " + -info + " is invalid)" : " (did not converge)"));
        }
    }
}
