package org.loralgebra.stdlib.merge;

/**
 * The entries of ascending ranks [lo, hi) of a tensor of non-negative values that is read block by block in
 * row-major order and never held whole. Ranks order the entries by value; equal values by position, lower positions
 * first ({@link Ties#LOWER_FIRST}, a stable ascending sort) or last ({@link Ties#LOWER_LAST}, so that a cut keeping
 * the largest entries keeps the lowest positions among equals). The two boundary values are exact order statistics,
 * found in two passes: a radix histogram of the values (top 16 bits), then a selection among the entries of the
 * boundary buckets. Walking the tensor again in the same order, {@link Walk#keeps} says which entries lie in the
 * window.
 */
final class RankWindow {
    /** A tensor of non-negative values, recomputed on demand (the same values every time). */
    @FunctionalInterface
    interface Values {
        /** Writes the values of rows {@code [from, to)} into {@code dst}, row-major. */
        void rows(int from, int to, double[] dst);
    }

    /** The window's bounds, given the number of entries and of non-zero entries. */
    @FunctionalInterface
    interface Bounds {
        /** {lo, hi}: the ascending ranks kept, lo inclusive, hi exclusive. */
        long[] of(long entries, long nonzero);
    }

    /** How equal values are ranked. */
    enum Ties {
        /** The lower position has the lower rank. */
        LOWER_FIRST,
        /** The lower position has the higher rank. */
        LOWER_LAST
    }

    private final long lo;
    private final long hi;
    private final Ties ties;
    private final double low;
    private final long belowLow;
    private final long equalLow;
    private final double high;
    private final long belowHigh;
    private final long equalHigh;

    private RankWindow(
            long lo,
            long hi,
            Ties ties,
            double low,
            long belowLow,
            long equalLow,
            double high,
            long belowHigh,
            long equalHigh) {
        this.lo = lo;
        this.hi = hi;
        this.ties = ties;
        this.low = low;
        this.belowLow = belowLow;
        this.equalLow = equalLow;
        this.high = high;
        this.belowHigh = belowHigh;
        this.equalHigh = equalHigh;
    }

    /** The window {@code bounds} over the {@code rows × cols} values of {@code values}, read in blocks of rows. */
    static RankWindow of(int rows, int cols, int blockRows, Values values, Bounds bounds, Ties ties) {
        long n = (long) rows * cols;
        double[] block = new double[blockRows * cols];
        long[] histogram = new long[Sparsification.BUCKETS];
        long nonzero = 0;
        for (int from = 0; from < rows; from += blockRows) {
            int to = Math.min(rows, from + blockRows);
            values.rows(from, to, block);
            for (int j = 0, len = (to - from) * cols; j < len; j++) {
                histogram[Sparsification.bucketOf(block[j])]++;
                nonzero += block[j] != 0 ? 1 : 0;
            }
        }
        long[] b = bounds.of(n, nonzero);
        long first = Math.max(0, b[0]);
        long last = Math.min(n, b[1]);
        if (first >= last) {
            return new RankWindow(first, last, ties, 0, 0, 0, 0, 0, 0);
        }
        int lowBucket = bucketOfRank(histogram, first);
        int highBucket = bucketOfRank(histogram, last - 1);
        double[] lows = new double[Math.toIntExact(histogram[lowBucket])];
        double[] highs = lowBucket == highBucket ? lows : new double[Math.toIntExact(histogram[highBucket])];
        int cl = 0;
        int ch = 0;
        for (int from = 0; from < rows; from += blockRows) {
            int to = Math.min(rows, from + blockRows);
            values.rows(from, to, block);
            for (int j = 0, len = (to - from) * cols; j < len; j++) {
                int bucket = Sparsification.bucketOf(block[j]);
                if (bucket == lowBucket) {
                    lows[cl++] = block[j];
                } else if (bucket == highBucket) {
                    highs[ch++] = block[j];
                }
            }
        }
        long lowBase = countBelow(histogram, lowBucket);
        long highBase = countBelow(histogram, highBucket);
        double low = Sparsification.select(lows, Math.toIntExact(first - lowBase));
        double high = Sparsification.select(highs, Math.toIntExact(last - 1 - highBase));
        return new RankWindow(
                first,
                last,
                ties,
                low,
                lowBase + count(lows, low, true),
                count(lows, low, false),
                high,
                highBase + count(highs, high, true),
                count(highs, high, false));
    }

    private static int bucketOfRank(long[] histogram, long rank) {
        long below = 0;
        int bucket = 0;
        while (below + histogram[bucket] <= rank) {
            below += histogram[bucket++];
        }
        return bucket;
    }

    private static long countBelow(long[] histogram, int bucket) {
        long below = 0;
        for (int b = 0; b < bucket; b++) {
            below += histogram[b];
        }
        return below;
    }

    private static long count(double[] values, double v, boolean below) {
        long c = 0;
        for (double x : values) {
            c += (below ? x < v : x == v) ? 1 : 0;
        }
        return c;
    }

    /** Whether the window is empty (it keeps nothing). */
    boolean isEmpty() {
        return lo >= hi;
    }

    /** A walk over the tensor in row-major order, from its first entry. */
    Walk walk() {
        return new Walk();
    }

    @Override
    public String toString() {
        return "ranks [" + lo + ", " + hi + ")" + (isEmpty() ? "" : " values [" + low + ", " + high + "]");
    }

    /** One walk over the entries, in row-major order; each entry must be asked about once, in order. */
    final class Walk {
        private long seenLow;
        private long seenHigh;

        private Walk() {}

        /** Whether the next entry, of value {@code v}, lies in the window. */
        boolean keeps(double v) {
            if (isEmpty() || v < low || v > high) {
                return false;
            }
            if (v > low && v < high) {
                return true;
            }
            long rank;
            if (v == low) {
                long k = seenLow++;
                if (v == high) {
                    seenHigh++;
                }
                rank = belowLow + (ties == Ties.LOWER_FIRST ? k : equalLow - 1 - k);
            } else {
                long k = seenHigh++;
                rank = belowHigh + (ties == Ties.LOWER_FIRST ? k : equalHigh - 1 - k);
            }
            return rank >= lo && rank < hi;
        }
    }
}
