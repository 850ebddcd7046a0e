/**
 * The value types every layer of LoRAlgebra speaks, and nothing else: how a rank is chosen ({@link
 * org.loralgebra.lang.Rank}), how singular values are split between factors ({@link org.loralgebra.lang.Split}), which
 * side of an update a projection acts on ({@link org.loralgebra.lang.Side}), the precision a computation runs in, module
 * name patterns, and the errors reported about inputs ({@link org.loralgebra.lang.LoraException},
 * {@link org.loralgebra.lang.AdapterFormatException}). The bottom layer: it depends on no other package of the project.
 */
package org.loralgebra.lang;
