package org.loralgebra.stdlib.merge;

import java.util.Arrays;

/**
 * Each entry's rank in a row ordered by ascending magnitude, ties in index order: the order of a stable sort by |v|,
 * computed on primitives. The magnitudes' IEEE bit patterns (non-negative doubles order as their bits) are sorted
 * with their positions by a stable least-significant-digit radix sort, 8 bits a pass, skipping the passes in which
 * every key has the same digit (the sign and most exponent bits). Profiled on DELLA over a 4096×4096 update: the
 * boxed comparator sort it replaces (an {@code Integer[]} per row) was 78% of the merge.
 */
final class MagnitudeRanks {
    private static final int DIGIT_BITS = 8;
    private static final int DIGITS = 1 << DIGIT_BITS;

    private long[] keys;
    private long[] keysOut;
    private int[] positions;
    private int[] positionsOut;
    private final int[] counts = new int[DIGITS];

    /** Scratch for rows of up to {@code capacity} entries (one instance per thread); it grows when a row is longer. */
    MagnitudeRanks(int capacity) {
        allocate(capacity);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        keysOut = new long[capacity];
        positions = new int[capacity];
        positionsOut = new int[capacity];
    }

    /**
     * Writes into {@code ranks[0..n)} the 0-based ascending-magnitude rank of each of {@code row[offset..offset+n)}
     * (ties broken by position).
     */
    void ascending(double[] row, int offset, int n, int[] ranks) {
        if (n > keys.length) {
            allocate(n);
        }
        long all = 0;
        long any = 0;
        for (int j = 0; j < n; j++) {
            long k = Double.doubleToLongBits(Math.abs(row[offset + j]));
            keys[j] = k;
            positions[j] = j;
            all = j == 0 ? k : all & k;
            any |= k;
        }
        long varying = any & ~all; // bits on in some keys and off in others
        for (int shift = 0; shift < Long.SIZE; shift += DIGIT_BITS) {
            if (((varying >>> shift) & (DIGITS - 1)) == 0) {
                continue; // every key has the same digit here: the pass would not move anything
            }
            Arrays.fill(counts, 0);
            for (int j = 0; j < n; j++) {
                counts[(int) ((keys[j] >>> shift) & (DIGITS - 1))]++;
            }
            int sum = 0;
            for (int d = 0; d < DIGITS; d++) {
                int c = counts[d];
                counts[d] = sum;
                sum += c;
            }
            for (int j = 0; j < n; j++) {
                int at = counts[(int) ((keys[j] >>> shift) & (DIGITS - 1))]++;
                keysOut[at] = keys[j];
                positionsOut[at] = positions[j];
            }
            long[] k = keys;
            keys = keysOut;
            keysOut = k;
            int[] p = positions;
            positions = positionsOut;
            positionsOut = p;
        }
        for (int r = 0; r < n; r++) {
            ranks[positions[r]] = r;
        }
    }
}
