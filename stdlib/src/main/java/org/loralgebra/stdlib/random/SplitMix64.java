package org.loralgebra.stdlib.random;

import java.nio.charset.StandardCharsets;

/**
 * SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014), used as a
 * counter-based generator: value {@code i} of the stream keyed {@code key} is {@code mix(key + (i+1)·γ)} with
 * γ = 0x9E3779B97F4A7C15, which is exactly the i-th output of a SplitMix64 generator seeded with {@code key}.
 * Values can therefore be drawn at any position ({@link #uniformAt}) or in order ({@link #nextDouble}); the
 * algorithm is written here in full, so the numbers never change with the Java version.
 *
 * <p>Keys for a module are derived with {@link #key(long, String, long...)}: a seed, the module name and
 * small integers (input index, tensor) hashed together, so each module draws its own stream whichever thread
 * computes it.
 */
public final class SplitMix64 {
    private static final long GAMMA = 0x9E3779B97F4A7C15L;
    private static final double DOUBLE_UNIT = 0x1.0p-53;

    private long state;

    /** A sequential stream with the given key. */
    public SplitMix64(long key) {
        this.state = key;
    }

    /** SplitMix64's output function (a variant of MurmurHash3's 64-bit finalizer). */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The value at position {@code index} (0-based) of the stream keyed {@code key}. */
    public static long longAt(long key, long index) {
        return mix(key + (index + 1) * GAMMA);
    }

    /** A uniform double in [0, 1) at position {@code index}: the top 53 bits of {@link #longAt}. */
    public static double uniformAt(long key, long index) {
        return (longAt(key, index) >>> 11) * DOUBLE_UNIT;
    }

    /**
     * All ones when {@link #uniformAt}{@code (key, index) < p}, else zero, with {@code bound = boundOf(p)}: a mask that
     * keeps an entry with probability p without a branch (a branch on a coin toss mispredicts half the time).
     */
    public static long belowMask(long key, long index, long bound) {
        return ((longAt(key, index) >>> 11) - bound) >> 63;
    }

    /**
     * The bound of {@link #belowMask} for probability p: {@code uniformAt < p} exactly when the top 53 bits are below
     * ⌈p·2⁵³⌉ (a power-of-two scaling, so exact); 0 for p ≤ 0 or NaN (never), 2⁵³ for p ≥ 1 (always).
     */
    public static long boundOf(double p) {
        if (p >= 1) {
            return 1L << 53;
        }
        return p > 0 ? (long) Math.ceil(p * 0x1.0p53) : 0;
    }

    /**
     * A key from a user seed, a name (a module) and small integers: FNV-1a over the name's UTF-8 bytes and the
     * integers, mixed with the seed. Different names or integers give unrelated streams.
     */
    public static long key(long seed, String name, long... parts) {
        long h = 0xCBF29CE484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * 0x100000001B3L;
        }
        long k = mix(seed ^ mix(h));
        for (long p : parts) {
            k = mix(k + GAMMA + mix(p));
        }
        return k;
    }

    /** The next value of the sequential stream. */
    public long nextLong() {
        state += GAMMA;
        return mix(state);
    }

    /** The next uniform double in [0, 1). */
    public double nextDouble() {
        return (nextLong() >>> 11) * DOUBLE_UNIT;
    }

    /** A uniform integer in [0, bound), by rejection (no modulo bias). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        // 2^64 mod bound: that many values at the top of the range are rejected, leaving a multiple of bound
        long excess = (Long.remainderUnsigned(-1L, bound) + 1) % bound;
        while (true) {
            long r = nextLong();
            if (Long.compareUnsigned(r, -1L - excess) <= 0) {
                return (int) Long.remainderUnsigned(r, bound);
            }
        }
    }
}
