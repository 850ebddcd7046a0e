/**
 * Files that are safe to read and to write: inputs refused when they are not regular files (a FIFO would block) or are
 * Git LFS pointers ({@link org.loralgebra.io.files.InputFiles}); outputs checked before anything is computed
 * ({@link org.loralgebra.io.files.OutputPaths}) and written atomically and durably, with what a killed write left behind
 * recovered by the next one ({@link org.loralgebra.io.files.AtomicWrites}).
 */
package org.loralgebra.io.files;
