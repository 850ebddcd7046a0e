package org.loralgebra.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable n-dimensional array in its stored form: a dtype, a shape and little-endian bytes.
 *
 * <p>A tensor read from a file is {@linkplain #deferred deferred}: its bytes stay in the file until they are
 * asked for, and {@link #copyTo} reads them straight into the caller's buffer (a backend array) without an
 * intermediate copy. Nothing is decoded until {@link #toFloatArray()} or {@link #toDoubleArray()} is called.
 * Tensors built from values are encoded once, in the dtype asked for.
 */
public final class Tensor {
    private final DType dtype;
    private final long[] shape;
    private final ByteBuffer data; // null when deferred
    private final TensorSource source; // null when in memory

    private Tensor(DType dtype, long[] shape, ByteBuffer data) {
        this(dtype, shape, data, null);
    }

    private Tensor(DType dtype, long[] shape, ByteBuffer data, TensorSource source) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
        this.source = source;
    }

    /**
     * A tensor whose bytes are read from {@code source} each time they are asked for ({@link #bytes()},
     * {@link #copyTo}); the source must give the same bytes every time, {@code numel × dtype size} of them.
     */
    public static Tensor deferred(DType dtype, long[] shape, TensorSource source) {
        long[] s = shape.clone();
        Math.toIntExact(numel(s) * dtype.byteSize()); // one buffer must hold it
        return new Tensor(dtype, s, null, Objects.requireNonNull(source, "source"));
    }

    /**
     * Wraps stored bytes (not copied; the buffer must not change afterwards).
     *
     * @throws IllegalArgumentException when the byte count is not {@code numel × dtype size}
     */
    public static Tensor ofBytes(DType dtype, long[] shape, ByteBuffer data) {
        long[] s = shape.clone();
        long expected = numel(s) * dtype.byteSize();
        if (data.remaining() != expected) {
            throw new IllegalArgumentException("dtype " + dtype + " and shape " + Arrays.toString(s) + " need "
                    + expected + " bytes, got " + data.remaining());
        }
        return new Tensor(
                dtype,
                s,
                data.slice().order(ByteOrder.LITTLE_ENDIAN).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
    }

    /** Encodes row-major {@code float} values in {@code dtype} (rounding to nearest even for 16-bit types). */
    public static Tensor ofFloats(DType dtype, long[] shape, float[] values) {
        checkCount(shape, values.length);
        ByteBuffer out = allocate(dtype, values.length);
        switch (dtype) {
            case F32 -> out.asFloatBuffer().put(values);
            case F64 -> {
                var d = out.asDoubleBuffer();
                for (float v : values) {
                    d.put(v);
                }
            }
            case F16 -> {
                var h = out.asShortBuffer();
                for (float v : values) {
                    h.put(HalfPrecision.floatToF16(v));
                }
            }
            case BF16 -> {
                var h = out.asShortBuffer();
                for (float v : values) {
                    h.put(HalfPrecision.floatToBf16(v));
                }
            }
            default -> throw notDecodable(dtype);
        }
        return new Tensor(dtype, shape.clone(), out.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
    }

    /** Encodes row-major {@code double} values in {@code dtype}, each rounded once to nearest even. */
    public static Tensor ofDoubles(DType dtype, long[] shape, double[] values) {
        checkCount(shape, values.length);
        ByteBuffer out = allocate(dtype, values.length);
        switch (dtype) {
            case F64 -> out.asDoubleBuffer().put(values);
            case F32 -> {
                var f = out.asFloatBuffer();
                for (double v : values) {
                    f.put((float) v);
                }
            }
            case F16 -> {
                var h = out.asShortBuffer();
                for (double v : values) {
                    h.put(HalfPrecision.doubleToF16(v));
                }
            }
            case BF16 -> {
                var h = out.asShortBuffer();
                for (double v : values) {
                    h.put(HalfPrecision.doubleToBf16(v));
                }
            }
            default -> throw notDecodable(dtype);
        }
        return new Tensor(dtype, shape.clone(), out.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
    }

    public DType dtype() {
        return dtype;
    }

    /** The shape (a copy). */
    public long[] shape() {
        return shape.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code i}. */
    public long dim(int i) {
        return shape[i];
    }

    /** Number of elements (1 for a scalar). */
    public long numel() {
        return numel(shape);
    }

    /** Size of the stored bytes. */
    public long byteSize() {
        return data != null ? data.capacity() : numel() * dtype.byteSize();
    }

    /** Whether the bytes are in memory (a deferred tensor reads them on every {@link #bytes()}). */
    public boolean inMemory() {
        return data != null;
    }

    /** The stored bytes, little-endian, read-only, positioned at 0 (read from the source of a deferred tensor). */
    public ByteBuffer bytes() {
        if (data != null) {
            return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        }
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        source.readInto(b);
        if (b.hasRemaining()) {
            throw new IllegalStateException(
                    this + ": the source gave " + b.position() + " of " + b.capacity() + " bytes");
        }
        b.flip();
        return b.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Writes the stored bytes (little-endian) into {@code dst} from its position on, advancing it by
     * {@link #byteSize()}: one copy, straight from the file for a deferred tensor.
     */
    public void copyTo(ByteBuffer dst) {
        if (dst.remaining() < byteSize()) {
            throw new IllegalArgumentException(this + ": " + byteSize() + " bytes do not fit in " + dst.remaining());
        }
        if (data != null) {
            dst.put(bytes());
            return;
        }
        int end = dst.position() + (int) byteSize();
        source.readInto(dst);
        if (dst.position() != end) {
            throw new IllegalStateException(
                    this + ": the source gave " + (dst.position() + byteSize() - end) + " of " + byteSize() + " bytes");
        }
    }

    /** Decodes every element to {@code float}, row-major. */
    public float[] toFloatArray() {
        int n = Math.toIntExact(numel());
        float[] out = new float[n];
        ByteBuffer b = bytes();
        switch (dtype) {
            case F32 -> b.asFloatBuffer().get(out);
            case F64 -> {
                var d = b.asDoubleBuffer();
                for (int i = 0; i < n; i++) {
                    out[i] = (float) d.get(i);
                }
            }
            case F16 -> {
                var h = b.asShortBuffer();
                for (int i = 0; i < n; i++) {
                    out[i] = HalfPrecision.f16ToFloat(h.get(i));
                }
            }
            case BF16 -> {
                var h = b.asShortBuffer();
                for (int i = 0; i < n; i++) {
                    out[i] = HalfPrecision.bf16ToFloat(h.get(i));
                }
            }
            default -> throw notDecodable(dtype);
        }
        return out;
    }

    /** Decodes every element to {@code double}, row-major. */
    public double[] toDoubleArray() {
        if (dtype == DType.F64) {
            double[] out = new double[Math.toIntExact(numel())];
            bytes().asDoubleBuffer().get(out);
            return out;
        }
        float[] f = toFloatArray();
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i];
        }
        return out;
    }

    /**
     * This tensor re-encoded in {@code target}, each value rounded once to nearest even (this same instance when
     * the dtype already matches).
     */
    public Tensor convertTo(DType target) {
        if (target == dtype) {
            return this;
        }
        return dtype == DType.F64 ? ofDoubles(target, shape, toDoubleArray()) : ofFloats(target, shape, toFloatArray());
    }

    /** The same bytes seen with another shape of the same element count. */
    public Tensor reshape(long... newShape) {
        if (numel(newShape) != numel()) {
            throw new IllegalArgumentException(
                    "cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
        }
        return new Tensor(dtype, newShape.clone(), data, source);
    }

    /** Whether both tensors have the same dtype, shape and bytes. */
    public boolean contentEquals(Tensor other) {
        return dtype == other.dtype && Arrays.equals(shape, other.shape) && bytes().equals(other.bytes());
    }

    /** Index of the first element that is NaN or infinite, or -1 (non-float dtypes have none). */
    public long firstNonFinite() {
        return NonFinite.firstIndex(dtype, bytes());
    }

    /**
     * Index of the first NaN or infinite element of stored bytes (little-endian {@code dtype}, from the buffer's
     * position to its limit), or -1: what {@link #firstNonFinite()} computes, for bytes not yet in a tensor.
     */
    public static long firstNonFinite(DType dtype, ByteBuffer bytes) {
        return NonFinite.firstIndex(dtype, bytes);
    }

    /**
     * The magnitude from which a LoRA factor's element is refused, {@code 2⁶⁴ ≈ 1.8·10¹⁹}: the product of two
     * such elements, the first step of every product, Gram matrix and norm, exceeds F32's range ({@code 3.4·10³⁸}).
     */
    public static final double LARGE = NonFinite.LARGE;

    /**
     * Index of the first element of stored bytes that is NaN, infinite or of magnitude at least {@link #LARGE}, or
     * -1 (the same scan as {@link #firstNonFinite(DType, ByteBuffer)}, with a lower exponent threshold).
     */
    public static long firstNonFiniteOrLarge(DType dtype, ByteBuffer bytes) {
        return NonFinite.firstIndexOrLarge(dtype, bytes);
    }

    @Override
    public String toString() {
        return dtype + Arrays.toString(shape);
    }

    /** Product of the dimensions. */
    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static void checkCount(long[] shape, int count) {
        if (numel(shape) != count) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + numel(shape)
                    + " elements, got " + count + " values");
        }
    }

    private static ByteBuffer allocate(DType dtype, int count) {
        return ByteBuffer.allocate(Math.multiplyExact(count, dtype.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static UnsupportedOperationException notDecodable(DType dtype) {
        return new UnsupportedOperationException("dtype " + dtype + " holds no floating-point values to decode");
    }
}
