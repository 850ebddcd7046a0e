package org.loralgebra.tensor;

import java.util.Locale;
import java.util.Optional;

/**
 * Element types of the safetensors format, with their sizes in bytes.
 *
 * <p>Floating-point types {@link #F64}, {@link #F32}, {@link #F16} and {@link #BF16} can be decoded for
 * computation; the others are carried through byte for byte (heads, token ids, quantisation tables).
 */
public enum DType {
    F64(8, true),
    F32(4, true),
    F16(2, true),
    BF16(2, true),
    F8_E4M3(1, false),
    F8_E5M2(1, false),
    I64(8, false),
    I32(4, false),
    I16(2, false),
    I8(1, false),
    U64(8, false),
    U32(4, false),
    U16(2, false),
    U8(1, false),
    BOOL(1, false);

    private final int byteSize;
    private final boolean decodable;

    DType(int byteSize, boolean decodable) {
        this.byteSize = byteSize;
        this.decodable = decodable;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** Whether values of this type can be decoded to {@code float}/{@code double} for computation. */
    public boolean isDecodable() {
        return decodable;
    }

    /** The dtype named as in a safetensors header ({@code "F32"}, {@code "BF16"}, ...), if known. */
    public static Optional<DType> fromHeaderName(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Parses a user-given name case-insensitively ({@code "bf16"}, {@code "f32"}). */
    public static DType parse(String name) {
        return fromHeaderName(name.toUpperCase(Locale.ROOT))
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown dtype '" + name + "'; expected one of F64, F32, F16, BF16"));
    }
}
