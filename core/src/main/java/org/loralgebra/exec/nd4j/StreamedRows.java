package org.loralgebra.exec.nd4j;

import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.loralgebra.exec.Backend;

/**
 * A matrix whose rows the host produces block by block ({@link Backend.RowFill}), written into this thread's native
 * buffer as a tall column-major matrix for LAPACK and BLAS: A itself when rows ≥ cols, else Aᵀ (A's rows are then
 * the columns). The buffer is kept and reused, so that a merge over many modules fills pages it has touched before
 * (fresh pages cost a fault each); module threads live for one engine run, and the buffer is freed with its thread.
 */
final class StreamedRows {
    private static final ThreadLocal<Pointer[]> SCRATCH = ThreadLocal.withInitial(() -> new Pointer[1]);

    private StreamedRows() {}

    /**
     * The rows×cols matrix {@code fill} produces, in this thread's buffer (a DoublePointer for F64, else a
     * FloatPointer, positioned at 0), valid until the next call on this thread: column-major A when rows ≥ cols,
     * else column-major Aᵀ.
     */
    static Pointer intoScratch(int rows, int cols, Backend.RowFill fill, boolean f64) {
        long length = Math.multiplyExact((long) rows, cols);
        Pointer[] slot = SCRATCH.get();
        if (slot[0] == null || slot[0].capacity() < length || (slot[0] instanceof DoublePointer) != f64) {
            if (slot[0] != null) {
                slot[0].close();
            }
            slot[0] = f64 ? new DoublePointer(length) : new FloatPointer(length);
        }
        boolean tall = rows >= cols;
        int blockRows =
                tall ? Math.max(1, Math.min(rows, 64)) : Math.max(1, Math.min(rows, (64 << 10) / Math.max(1, cols)));
        double[] block = new double[blockRows * cols];
        Buffer native_ = f64
                ? ((DoublePointer) slot[0]).position(0).asBuffer()
                : ((FloatPointer) slot[0]).position(0).asBuffer();
        float[] narrow = f64 ? null : new float[Math.max(block.length, blockRows)];
        double[] column = f64 && tall ? new double[blockRows] : null;
        for (int from = 0; from < rows; from += blockRows) {
            int to = Math.min(rows, from + blockRows);
            int b = to - from;
            fill.rows(from, to, block);
            if (!tall) {
                int n = b * cols;
                if (f64) {
                    ((DoubleBuffer) native_).put(from * cols, block, 0, n);
                } else {
                    for (int i = 0; i < n; i++) {
                        narrow[i] = (float) block[i];
                    }
                    ((FloatBuffer) native_).put(from * cols, narrow, 0, n);
                }
                continue;
            }
            for (int j = 0; j < cols; j++) { // column j's entries of these rows are contiguous in column-major A
                if (f64) {
                    for (int i = 0; i < b; i++) {
                        column[i] = block[i * cols + j];
                    }
                    ((DoubleBuffer) native_).put(j * rows + from, column, 0, b);
                } else {
                    for (int i = 0; i < b; i++) {
                        narrow[i] = (float) block[i * cols + j];
                    }
                    ((FloatBuffer) native_).put(j * rows + from, narrow, 0, b);
                }
            }
        }
        return slot[0];
    }
}
