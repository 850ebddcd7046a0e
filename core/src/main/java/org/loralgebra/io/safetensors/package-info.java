/**
 * The safetensors format, read lazily and validated as the reference implementation validates it
 * ({@link org.loralgebra.io.safetensors.SafetensorsFile}), and written from spooled tensors in a deterministic,
 * aligned layout ({@link org.loralgebra.io.safetensors.SafetensorsWriter}).
 */
package org.loralgebra.io.safetensors;
