/**
 * The {@code cuda} backend: {@link org.loralgebra.cuda.CudaBackend} on cuBLAS (products) and cuSOLVER (QR, SVD,
 * symmetric eigendecomposition) through JavaCPP's CUDA 13.1 presets, in F32 or F64, one stream and one pair of
 * library handles per thread, device memory bounded by a budget. Found by {@link java.util.ServiceLoader} as a
 * {@link org.loralgebra.exec.BackendProvider}; on a machine without a GPU or the CUDA 13 libraries it refuses to be
 * created, saying what it looked for and where.
 */
package org.loralgebra.cuda;
