/**
 * Adapters on disk: {@code io.format.Formats.open} reads any format of
 * {@code io.format.Formats} (PEFT folders of each additive type, kohya, LyCORIS and diffusers files),
 * {@code Formats.sink} writes PEFT folders, kohya files or diffusers files. Reads check headers,
 * configs and shapes up front and read tensors lazily — stored factors straight from the file, computed ones
 * ({@link org.loralgebra.io.FactorSource}) when their module is read; every problem is an
 * {@link org.loralgebra.lang.AdapterFormatException} naming the file, tensor and module. Writes are atomic
 * ({@code io.files.AtomicWrites}) and never touch an input ({@code io.files.OutputPaths}).
 */
package org.loralgebra.io;
