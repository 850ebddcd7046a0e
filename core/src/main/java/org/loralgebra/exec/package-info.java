/**
 * Evaluation: the {@link org.loralgebra.exec.Engine} runs a plan module by module, modules in parallel under a memory
 * budget, on a {@link org.loralgebra.exec.Backend} found as a plug-in ({@link org.loralgebra.exec.BackendProvider});
 * each module's value is its factors ({@link org.loralgebra.exec.ModuleFactors}) or thin SVD
 * ({@link org.loralgebra.exec.ModuleSvd}), read by consumers through typed {@link org.loralgebra.exec.Root}s. The
 * factored algebra itself (concatenation, SVD from QRs of the factors, truncation, projection) is
 * {@link org.loralgebra.exec.Factored}; module kernels run through {@link org.loralgebra.exec.ExecutableKernel}.
 */
package org.loralgebra.exec;
