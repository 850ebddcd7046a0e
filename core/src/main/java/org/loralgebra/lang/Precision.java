package org.loralgebra.lang;

/** The floating-point type the backend computes in: F32 by default, F64 where asked. */
public enum Precision {
    F32(4),
    F64(8);

    private final int bytes;

    Precision(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }
}
