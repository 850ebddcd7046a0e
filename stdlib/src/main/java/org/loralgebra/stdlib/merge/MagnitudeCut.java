package org.loralgebra.stdlib.merge;

import java.util.Arrays;

/**
 * The magnitude cut of a tensor that is recomputed block by block, never held whole ({@link StreamedCombination}): the
 * same {@link Sparsification.Cut} as {@link Sparsification#keepLargest} on the whole array, usually in one pass over
 * the blocks instead of two.
 *
 * <p>The radix selection needs the magnitudes of one histogram bucket (the one holding the cut), known only once every
 * block has been counted. So the first blocks visited are a pilot, every {@value #PILOT_STRIDE}th block of rows, whose
 * magnitudes are all kept; the pilot's histogram estimates which buckets the cut can fall in (its sample rank of the
 * cut, give or take four standard deviations of a sample quantile and {@value #RANK_SLACK} of the sample for rows that
 * are alike), and the other blocks keep only the magnitudes in those buckets. When the cut's bucket turns out to lie in
 * that window, its magnitudes are all at hand; otherwise a second pass collects them, as before. Either way the
 * threshold is the exact order statistic and the result is the same; only the time differs. Forming a dense update
 * from its factors is the cost of a pass (a fifth of a 7B {@code ties_svd}).
 */
final class MagnitudeCut {
    /** Every this many blocks of rows, one is in the pilot. */
    static final int PILOT_STRIDE = 16;

    /** The pilot's rank error allowed beyond sampling noise, as a fraction of the pilot (rows are not independent). */
    static final double RANK_SLACK = 0.005;

    /** The cut, and how many passes over the blocks it took (1, or 2 when the pilot's window missed). */
    record Result(Sparsification.Cut cut, int passes) {}

    private MagnitudeCut() {}

    /** Input {@code i}'s cut keeping its {@code keep} largest magnitudes, {@code 0 < keep < rows·cols}. */
    static Result of(StreamedCombination.Rows source, int i, int rows, int cols, int keep) {
        long length = (long) rows * cols;
        if (keep <= 0 || keep >= length) {
            throw new IllegalArgumentException("a cut keeping " + keep + " of " + length + " entries");
        }
        int step = UpdateRows.blockRows(rows, cols);
        int blocks = (rows + step - 1) / step;
        double[] block = new double[step * cols];
        int[] histogram = new int[Sparsification.BUCKETS];
        // the pilot: every PILOT_STRIDE-th block, all magnitudes kept
        int pilotRows = 0;
        for (int b = 0; b < blocks; b += PILOT_STRIDE) {
            pilotRows += Math.min(rows, (b + 1) * step) - b * step;
        }
        double[] kept = new double[Math.multiplyExact(pilotRows, cols)];
        int count = 0;
        for (int b = 0; b < blocks; b += PILOT_STRIDE) {
            int n = fill(source, i, b, step, rows, cols, block);
            count = countAndKeep(block, n, histogram, 0, Sparsification.BUCKETS - 1, kept, count);
        }
        int[] window = window(histogram, count, (double) keep * count / length);
        int lo = window[0];
        int hi = window[1];
        count = keepIn(kept, count, lo, hi);
        // the other blocks: counted, and their magnitudes in the window kept
        for (int b = 0; b < blocks; b++) {
            if (b % PILOT_STRIDE == 0) {
                continue;
            }
            int n = fill(source, i, b, step, rows, cols, block);
            if (kept.length - count < n) {
                kept = Arrays.copyOf(kept, Math.max(count + n, count + (count >> 1)));
            }
            count = countAndKeep(block, n, histogram, lo, hi, kept, count);
        }
        int bucket = Sparsification.bucketHolding(histogram, keep);
        int above = Sparsification.countAbove(histogram, bucket);
        double[] inBucket = new double[histogram[bucket]];
        int passes = 1;
        int c = 0;
        if (bucket >= lo && bucket <= hi) {
            c = keepIn(kept, count, bucket, bucket);
            System.arraycopy(kept, 0, inBucket, 0, Math.min(c, inBucket.length));
        } else {
            passes = 2;
            for (int b = 0; b < blocks; b++) {
                int n = fill(source, i, b, step, rows, cols, block);
                c = collect(block, n, bucket, inBucket, c);
            }
        }
        if (c != inBucket.length) {
            throw new IllegalStateException("input " + i + "'s rows changed between passes: " + c
                    + " magnitudes in bucket " + bucket + ", counted " + inBucket.length);
        }
        double threshold = Sparsification.select(inBucket, inBucket.length - (keep - above));
        int strictlyAbove = above;
        for (double m : inBucket) {
            if (m > threshold) {
                strictlyAbove++;
            }
        }
        return new Result(new Sparsification.Cut(threshold, keep - strictlyAbove), passes);
    }

    /**
     * Counts the magnitudes of {@code block[0, n)} in {@code histogram} and appends those in buckets [lo, hi] to
     * {@code kept} from {@code count} on ({@code kept} must have room for n more); returns the new count. Branch-free:
     * every magnitude is written, and the count moves past it only when it is in the window.
     */
    private static int countAndKeep(double[] block, int n, int[] histogram, int lo, int hi, double[] kept, int count) {
        int c = count;
        int width = hi - lo;
        for (int j = 0; j < n; j++) {
            double m = Math.abs(block[j]);
            int bucket = Sparsification.bucketOf(m);
            histogram[bucket]++;
            kept[c] = m;
            c += Integer.compareUnsigned(bucket - lo, width) <= 0 ? 1 : 0;
        }
        return c;
    }

    /** Keeps, in order, the first {@code count} magnitudes of {@code kept} that lie in buckets [lo, hi]; returns how many. */
    private static int keepIn(double[] kept, int count, int lo, int hi) {
        int c = 0;
        int width = hi - lo;
        for (int j = 0; j < count; j++) {
            double m = kept[j];
            kept[c] = m;
            c += Integer.compareUnsigned(Sparsification.bucketOf(m) - lo, width) <= 0 ? 1 : 0;
        }
        return c;
    }

    /** Appends the magnitudes of {@code block[0, n)} in {@code bucket} to {@code into} from {@code count}; the new count. */
    private static int collect(double[] block, int n, int bucket, double[] into, int count) {
        int c = count;
        for (int j = 0; j < n; j++) {
            double m = Math.abs(block[j]);
            if (Sparsification.bucketOf(m) == bucket) {
                if (c == into.length) {
                    throw new IllegalStateException("the rows changed between passes: more than the " + into.length
                            + " magnitudes counted in bucket " + bucket);
                }
                into[c++] = m;
            }
        }
        return c;
    }

    /** Block b's rows of input i into {@code block}; returns how many values it holds. */
    private static int fill(
            StreamedCombination.Rows source, int i, int b, int step, int rows, int cols, double[] block) {
        int from = b * step;
        int to = Math.min(rows, from + step);
        source.rows(i, from, to, block);
        return (to - from) * cols;
    }

    /**
     * The buckets [lo, hi] the cut may fall in, from a sample's histogram of {@code size} magnitudes in which the cut
     * would keep about {@code sampleKeep}: the buckets holding the sample ranks (from the top) sampleKeep ± slack.
     */
    static int[] window(int[] histogram, int size, double sampleKeep) {
        if (size == 0) {
            return new int[] {1, 0}; // empty: nothing kept, the second pass finds the cut
        }
        double slack = 4 * Math.sqrt(size) + RANK_SLACK * size;
        int highRank = (int) Math.max(1, Math.min(size, Math.floor(sampleKeep - slack)));
        int lowRank = (int) Math.max(1, Math.min(size, Math.ceil(sampleKeep + slack)));
        return new int[] {
            Sparsification.bucketHolding(histogram, lowRank), Sparsification.bucketHolding(histogram, highRank)
        };
    }
}
