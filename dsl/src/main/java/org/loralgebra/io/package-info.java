/**
 * Adapters on disk: {@link org.loralgebra.io.Adapters#open} reads a PEFT folder or a kohya file by what the path
 * is, {@link org.loralgebra.io.Adapters#sink} writes either format. Reads check headers, configs and shapes up
 * front and read tensors lazily; every problem is an {@link org.loralgebra.io.AdapterFormatException} naming the
 * file, tensor and module. Writes are atomic ({@link org.loralgebra.io.AtomicWrites}) and never touch an input
 * ({@link org.loralgebra.io.OutputPaths}).
 */
package org.loralgebra.io;
