/**
 * Targeted unlearning on adapter weights ({@link org.loralgebra.stdlib.unlearn.Unlearn}, after MAAT): rank-
 * dimension pruning of the forget update ({@link org.loralgebra.stdlib.unlearn.Pruning}), retain protection by
 * projection, task-vector negation, and a report of what was removed. The gradient-based phases of MAAT need a
 * model and data and are not run here; {@code Pruning} is their extension point.
 */
package org.loralgebra.stdlib.unlearn;
