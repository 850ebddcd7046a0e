package org.loralgebra.tensor;

import java.nio.ByteBuffer;

/**
 * Where the bytes of a tensor that is not in memory come from (a region of a file): read on demand, straight
 * into the buffer that needs them, so that a tensor bound for a backend array is copied once.
 */
@FunctionalInterface
public interface TensorSource {
    /**
     * Writes the tensor's stored bytes (little-endian) into {@code dst} from its position on, advancing the position
     * by the tensor's byte size.
     *
     * @throws java.io.UncheckedIOException or a format exception naming the file when the bytes cannot be read
     */
    void readInto(ByteBuffer dst);
}
