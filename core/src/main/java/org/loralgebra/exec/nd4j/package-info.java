/**
 * The {@code cpu} backend: products through ND4J, QR, SVD and eigendecompositions through OpenBLAS's LAPACKE directly
 * (ND4J 1.0.0-M2.1's own SVD is broken or slow), arrays freed per module by scope, and a self-check of every BLAS/LAPACK
 * routine before the first computation ({@link org.loralgebra.exec.nd4j.BlasSelfCheck}), whose pass is cached per
 * machine and library ({@link org.loralgebra.exec.nd4j.BlasVerdictCache}). The only package that uses ND4J.
 */
package org.loralgebra.exec.nd4j;
