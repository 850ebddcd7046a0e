/**
 * Adapters on disk: {@link org.loralgebra.io.Adapters#open} reads any format of
 * {@link org.loralgebra.io.format.Formats} (PEFT folders of each additive type, kohya, LyCORIS and diffusers files),
 * {@link org.loralgebra.io.Adapters#sink} writes PEFT folders, kohya files or diffusers files. Reads check headers,
 * configs and shapes up front and read tensors lazily — stored factors straight from the file, computed ones
 * ({@link org.loralgebra.io.FactorSource}) when their module is read; every problem is an
 * {@link org.loralgebra.io.AdapterFormatException} naming the file, tensor and module. Writes are atomic
 * ({@link org.loralgebra.io.AtomicWrites}) and never touch an input ({@link org.loralgebra.io.OutputPaths}).
 */
package org.loralgebra.io;
