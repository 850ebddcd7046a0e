/**
 * Tensors as stored: dtype, shape and little-endian bytes, read lazily and scanned for NaN and infinities without
 * decoding; F16 and BF16 converted exactly.
 */
package org.loralgebra.tensor;
