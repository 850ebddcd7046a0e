/**
 * Analyses of adapters as values: spectra and effective ranks per module ({@link org.loralgebra.stdlib.analysis.SpectrumStats}),
 * subspace similarity between two adapters ({@link org.loralgebra.stdlib.analysis.SubspaceSimilarity}), interference
 * between adapters to be merged ({@link org.loralgebra.stdlib.analysis.MergeInterference}), and intruder dimensions
 * against a base model ({@link org.loralgebra.stdlib.analysis.IntruderDimensions}), and the one operation built on an
 * analysis: intruder-dimension reduction ({@link org.loralgebra.stdlib.analysis.ReduceIntruders}).
 *
 * <p>Every result is a small immutable value with a readable {@code toString()} and a {@code toJson()}; plots
 * ({@code org.loralgebra.plot}) are drawn from these values, never from adapters directly. Nothing here forms a
 * dense {@code out×in} update unless the quantity is defined on dense entries (sign conflicts), and no analysis runs a
 * full dense SVD of a base weight: top singular vectors come from a randomized SVD ({@link
 * org.loralgebra.stdlib.analysis.RandomizedSvd}). The reduction is the exception: its detection must equal the
 * definition, so it runs the exact SVDs of W and W + ΔW per module.
 */
package org.loralgebra.stdlib.analysis;
