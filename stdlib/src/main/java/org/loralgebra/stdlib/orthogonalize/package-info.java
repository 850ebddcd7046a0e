/**
 * Orthogonal methods on adapter updates, module by module and in factored form: removing other adapters'
 * subspaces ({@link org.loralgebra.stdlib.orthogonalize.Orthogonalize}), continual merging by orthogonal
 * projection ({@link org.loralgebra.stdlib.orthogonalize.ContinualMerge}, OPCM), FedSVD re-factorization
 * ({@link org.loralgebra.stdlib.orthogonalize.FedSvd}), and the measurements that show them working:
 * principal angles and subspace overlap ({@link org.loralgebra.stdlib.orthogonalize.SubspaceComparison}).
 */
package org.loralgebra.stdlib.orthogonalize;
