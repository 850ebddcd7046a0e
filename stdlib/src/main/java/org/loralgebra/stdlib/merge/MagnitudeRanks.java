package org.loralgebra.stdlib.merge;

import java.util.Arrays;

/**
 * The ranks of a row's entries ordered by ascending magnitude, ties in index order (the order of a stable sort by
 * |v|), found only as far as they are asked for. {@link #bucket} spreads the magnitudes' IEEE bit patterns
 * (non-negative doubles order as their bits) over about n buckets of equal width between the smallest non-zero and
 * the largest; that alone bounds each entry's rank to its bucket's ranks ({@link #first}, {@link #end}: the entries in
 * lower buckets, plus those of its own). {@link #rank} finishes one entry's rank inside its bucket, and sorts a large
 * bucket once.
 *
 * <p>DELLA keeps an entry with a probability that grows with its rank, so most entries are decided by the bounds and
 * only those whose draw falls between the probabilities of their lowest and highest rank need the exact rank: a
 * row of 4096 values costs a few passes, where the stable radix sort this replaces moved every entry eight times
 * (110 µs a row; profiled on DELLA over a 4096×4096 update it was half of the merge, the boxed comparator sort
 * before it 78%). One instance per thread: it holds the row's scratch.
 */
final class MagnitudeRanks {
    /** A bucket up to this size is searched entry by entry; a larger one is sorted the first time it is asked. */
    private static final int SEARCHED = 32;

    private static final int DIGIT_BITS = 8;
    private static final int DIGITS = 1 << DIGIT_BITS;

    private int buckets;
    private long[] keys = new long[0];
    private int[] bucketOf = new int[0];
    private int[] members = new int[0]; // positions grouped by bucket, in index order within each
    private int[] start = new int[1]; // bucket b holds members[start[b], start[b + 1])
    private int[] sortedRank = new int[0]; // exact ranks of the entries of sorted buckets
    private int[] sortedIn = new int[0]; // the row (stamp) in which a bucket was sorted
    private int stamp;
    private long[] sortKeys = new long[0];
    private long[] sortKeysOut = new long[0];
    private int[] sortPositions = new int[0];
    private int[] sortPositionsOut = new int[0];
    private final int[] counts = new int[DIGITS];

    /** Scratch for rows of up to {@code capacity} entries; it grows when a row is longer. */
    MagnitudeRanks(int capacity) {
        allocate(capacity);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        bucketOf = new int[capacity];
        members = new int[capacity];
        sortedRank = new int[capacity];
        int buckets = bucketsFor(capacity);
        start = new int[buckets + 1];
        sortedIn = new int[buckets];
        stamp = 0;
    }

    /** Buckets for a row of n entries: the largest power of two not above n (at least 1, at most 2¹⁶). */
    private static int bucketsFor(int n) {
        return Integer.highestOneBit(Math.min(Math.max(n, 1), 1 << 16));
    }

    /** Buckets the magnitudes of {@code row[offset, offset + n)}; the other methods then answer for this row. */
    void bucket(double[] row, int offset, int n) {
        if (n > keys.length) {
            allocate(n);
        }
        long smallest = Long.MAX_VALUE; // the smallest non-zero key
        long largest = 0;
        for (int j = 0; j < n; j++) {
            long k = Double.doubleToLongBits(Math.abs(row[offset + j]));
            keys[j] = k;
            if (k != 0 && k < smallest) {
                smallest = k;
            }
            largest = Math.max(largest, k);
        }
        if (smallest > largest) {
            smallest = largest; // all zero
        }
        buckets = bucketsFor(n);
        int widthBits = Math.max(
                0,
                Long.SIZE
                        - Long.numberOfLeadingZeros(largest - smallest)
                        - Integer.numberOfTrailingZeros(buckets)); // (largest − smallest) >>> widthBits < buckets
        Arrays.fill(start, 0, buckets + 1, 0);
        for (int j = 0; j < n; j++) {
            long d = keys[j] - smallest; // zeros below the smallest non-zero key: bucket 0
            int b = d < 0 ? 0 : (int) (d >>> widthBits);
            bucketOf[j] = b;
            start[b + 1]++;
        }
        for (int b = 0; b < buckets; b++) {
            start[b + 1] += start[b];
        }
        // members in index order within each bucket; start[b] is restored by walking back from the end
        for (int j = 0; j < n; j++) {
            members[start[bucketOf[j]]++] = j;
        }
        for (int b = buckets; b > 0; b--) {
            start[b] = start[b - 1];
        }
        start[0] = 0;
        if (++stamp == 0) {
            Arrays.fill(sortedIn, 0);
            stamp = 1;
        }
    }

    /** The number of buckets of the row: the entries of bucket b have ranks in [{@link #first}, {@link #end}). */
    int buckets() {
        return buckets;
    }

    /** The smallest rank in bucket b (0-based): the number of entries in lower buckets. */
    int first(int b) {
        return start[b];
    }

    /** One past the largest rank in bucket b. */
    int end(int b) {
        return start[b + 1];
    }

    /** The entry (its index in the row) at {@code i} of the entries grouped by bucket, {@code first(b) ≤ i < end(b)}. */
    int member(int i) {
        return members[i];
    }

    /** The exact 0-based rank of entry j in ascending magnitude, ties in index order. */
    int rank(int j) {
        int b = bucketOf[j];
        int from = start[b];
        int to = start[b + 1];
        if (to - from <= SEARCHED) {
            long k = keys[j];
            int below = 0;
            for (int i = from; i < to; i++) {
                int m = members[i];
                long km = keys[m];
                if (km < k || (km == k && m < j)) {
                    below++;
                }
            }
            return from + below;
        }
        if (sortedIn[b] != stamp) {
            sortBucket(from, to);
            sortedIn[b] = stamp;
        }
        return sortedRank[j];
    }

    /**
     * Sorts the members of one bucket by key with a stable least-significant-digit radix sort, 8 bits a pass,
     * skipping the passes in which every key has the same digit; the members start in index order, so equal keys
     * stay in index order.
     */
    private void sortBucket(int from, int to) {
        int len = to - from;
        if (sortKeys.length < len) {
            sortKeys = new long[len];
            sortKeysOut = new long[len];
            sortPositions = new int[len];
            sortPositionsOut = new int[len];
        }
        long all = -1L;
        long any = 0;
        for (int i = 0; i < len; i++) {
            int m = members[from + i];
            long k = keys[m];
            sortKeys[i] = k;
            sortPositions[i] = m;
            all &= k;
            any |= k;
        }
        long varying = any & ~all; // bits on in some keys and off in others
        for (int shift = 0; shift < Long.SIZE; shift += DIGIT_BITS) {
            if (((varying >>> shift) & (DIGITS - 1)) == 0) {
                continue; // every key has the same digit here: the pass would not move anything
            }
            Arrays.fill(counts, 0);
            for (int i = 0; i < len; i++) {
                counts[(int) ((sortKeys[i] >>> shift) & (DIGITS - 1))]++;
            }
            int sum = 0;
            for (int d = 0; d < DIGITS; d++) {
                int c = counts[d];
                counts[d] = sum;
                sum += c;
            }
            for (int i = 0; i < len; i++) {
                int at = counts[(int) ((sortKeys[i] >>> shift) & (DIGITS - 1))]++;
                sortKeysOut[at] = sortKeys[i];
                sortPositionsOut[at] = sortPositions[i];
            }
            long[] k = sortKeys;
            sortKeys = sortKeysOut;
            sortKeysOut = k;
            int[] p = sortPositions;
            sortPositions = sortPositionsOut;
            sortPositionsOut = p;
        }
        for (int i = 0; i < len; i++) {
            sortedRank[sortPositions[i]] = from + i;
        }
    }
}
