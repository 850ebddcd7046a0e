package org.loralgebra.stdlib.merge;

import java.util.Arrays;
import java.util.Locale;
import org.loralgebra.stdlib.random.SplitMix64;

/**
 * Entry-wise pruning of a task tensor before merging.
 * <ul>
 * <li>Magnitude (TIES' trim step): keep the {@code int(density·n)} entries of largest |t| and zero the rest,
 * as PEFT's {@code magnitude_based_pruning} and mergekit's {@code magnitude}. Entries of equal magnitude at the
 * boundary are kept in index order (row-major), lowest first; PEFT's {@code torch.topk} leaves that order
 * unspecified.</li>
 * <li>Random (DARE, Yu et al. 2024, "Language Models are Super Mario"): keep each entry with probability
 * {@code density}, independently, then rescale the kept ones: PEFT divides by the density; mergekit (current
 * versions) multiplies by ‖t‖₁ / ‖kept‖₁ (unless either norm is below 1e-7). The Bernoulli draw for entry j is
 * {@code u < density} with u the j-th value of a {@link SplitMix64} stream keyed by (seed, module, input,
 * tensor): the same seed gives the same masks, on any thread.</li>
 * </ul>
 * A density ≥ 1 prunes nothing and rescales nothing (as both libraries do).
 */
record Sparsification(Method.Pruning kind, double density, Rescale rescale) {
    /** How DARE restores the scale of what it keeps. */
    enum Rescale {
        NONE,
        INVERSE_DENSITY,
        L1
    }

    static final Sparsification NONE = new Sparsification(Method.Pruning.NONE, 1.0, Rescale.NONE);

    /**
     * Where magnitude pruning cut a tensor: entries above {@code threshold} kept, and the first {@code equalKept}
     * (in index order) of those equal to it. Re-applying a cut to a recomputed copy of the same tensor prunes it
     * identically without selecting again.
     */
    record Cut(double threshold, int equalKept) {}

    /**
     * Prunes {@code t} in place; {@code key} keys the random stream (ignored by magnitude pruning). Returns the cut
     * of magnitude pruning (null for the other kinds, which are cheap to redo).
     */
    Cut applyInPlace(double[] t, long key) {
        if (kind == Method.Pruning.NONE || density >= 1) {
            return null;
        }
        if (kind == Method.Pruning.MAGNITUDE) {
            return keepLargest(t, (int) (density * t.length));
        }
        dropRandom(t, key);
        return null;
    }

    /** Prunes a recomputed copy of a tensor as an earlier {@link #applyInPlace} did ({@code cut} is what it returned). */
    void reapply(double[] t, long key, Cut cut) {
        if (cut == null) {
            applyInPlace(t, key);
        } else {
            applyCut(t, cut);
        }
    }

    private void dropRandom(double[] t, long key) {
        long bound = SplitMix64.boundOf(density);
        double before = 0;
        double after = 0;
        for (int j = 0; j < t.length; j++) {
            long bits = Double.doubleToRawLongBits(t[j]);
            long kept = SplitMix64.belowMask(key, j, bound);
            before += Double.longBitsToDouble(bits & Long.MAX_VALUE);
            after += Double.longBitsToDouble(bits & Long.MAX_VALUE & kept);
            t[j] = Double.longBitsToDouble(bits & kept);
        }
        double factor = switch (rescale) {
            case NONE -> 1.0;
            case INVERSE_DENSITY -> 1.0 / density;
            case L1 -> before < 1e-7 || after < 1e-7 ? 1.0 : before / after;
        };
        if (factor != 1.0) {
            for (int j = 0; j < t.length; j++) {
                t[j] *= factor;
            }
        }
    }

    /** Zeroes all but the {@code keep} entries of largest magnitude (lowest index first among equals); returns the cut. */
    static Cut keepLargest(double[] t, int keep) {
        int n = t.length;
        if (keep >= n) {
            return new Cut(-1, 0);
        }
        if (keep <= 0) {
            Arrays.fill(t, 0.0);
            return new Cut(Double.POSITIVE_INFINITY, 0);
        }
        double threshold = largestMagnitude(t, keep);
        int above = 0;
        for (int j = 0; j < n; j++) {
            if (Math.abs(t[j]) > threshold) {
                above++;
            }
        }
        Cut cut = new Cut(threshold, keep - above);
        applyCut(t, cut);
        return cut;
    }

    private static void applyCut(double[] t, Cut cut) {
        cutInPlace(t, t.length, cut.threshold(), cut.equalKept());
    }

    /**
     * Zeroes the entries of {@code t[0, n)} whose magnitude is below {@code threshold}, and those equal to it once
     * {@code equalLeft} of them (in index order) have been kept; returns how many equal ones may still be kept, for
     * the next block of the same tensor. A negative threshold keeps everything; −0.0 cuts as +0.0 (zeros equal it)
     * and NaN zeroes everything, as comparing magnitudes with them does. Branch-free but at entries equal to the
     * threshold: which entries survive is a coin toss per entry, and a branch on it mispredicts. Entries are assumed
     * finite (see {@link SignElection}): a NaN entry's bits lie above every finite threshold's, so it is kept, where
     * comparing its magnitude zeroed it.
     */
    static int cutInPlace(double[] t, int n, double threshold, int equalLeft) {
        if (threshold < 0) {
            return equalLeft;
        }
        // the bits of a non-negative value: −0.0 + 0.0 is +0.0, and any NaN becomes the one above every finite bits
        long cut = Double.doubleToLongBits(threshold + 0.0);
        int left = equalLeft;
        for (int j = 0; j < n; j++) {
            long bits = Double.doubleToRawLongBits(t[j]);
            long magnitude = bits & Long.MAX_VALUE; // non-negative doubles' bits order as their values
            if (magnitude == cut) {
                if (left > 0) {
                    left--;
                } else {
                    t[j] = 0.0;
                }
                continue;
            }
            long keep = (cut - magnitude) >> 63; // all ones when magnitude > threshold (no overflow: both ≥ 0)
            t[j] = Double.longBitsToDouble(bits & keep);
        }
        return left;
    }

    /**
     * The {@code keep}-th largest |t[j]| (1 ≤ keep ≤ n), by radix selection on the bits of the magnitudes (the bit
     * patterns of non-negative doubles order as the values do): one histogram pass over the top 16 bits finds the
     * bucket holding it, and a quickselect among that bucket's few entries finishes. Linear, no sort, t unchanged.
     */
    static double largestMagnitude(double[] t, int keep) {
        int[] count = new int[BUCKETS];
        for (double v : t) {
            count[bucketOf(Math.abs(v))]++;
        }
        int bucket = bucketHolding(count, keep);
        int above = countAbove(count, bucket);
        double[] inBucket = new double[count[bucket]];
        int c = 0;
        for (double v : t) {
            double m = Math.abs(v);
            if (bucketOf(m) == bucket) {
                inBucket[c++] = m;
            }
        }
        // the (keep − above)-th largest of the bucket
        return select(inBucket, inBucket.length - (keep - above));
    }

    /** Buckets of the radix selection of magnitudes: one per value of the top 16 bits. */
    static final int BUCKETS = 1 << 16;

    /** The bucket of a magnitude m ≥ 0: its top 16 bits (non-negative doubles' bit patterns order as they do). */
    static int bucketOf(double magnitude) {
        return (int) (Double.doubleToRawLongBits(magnitude) >>> 48);
    }

    /** The bucket holding the {@code keep}-th largest magnitude, given the count of magnitudes in each bucket. */
    static int bucketHolding(int[] histogram, int keep) {
        int bucket = histogram.length - 1;
        int above = 0;
        while (above + histogram[bucket] < keep) {
            above += histogram[bucket--];
        }
        return bucket;
    }

    /** How many magnitudes lie in buckets above {@code bucket}. */
    static int countAbove(int[] histogram, int bucket) {
        int above = 0;
        for (int b = bucket + 1; b < histogram.length; b++) {
            above += histogram[b];
        }
        return above;
    }

    /** The value of rank {@code k} (0-based, ascending) of {@code a}; reorders {@code a}. Iterative quickselect. */
    static double select(double[] a, int k) {
        int lo = 0;
        int hi = a.length - 1;
        while (hi > lo) {
            // median of three as pivot keeps sorted and reversed inputs linear
            int mid = (lo + hi) >>> 1;
            double pivot = median(a[lo], a[mid], a[hi]);
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    double tmp = a[i];
                    a[i] = a[j];
                    a[j] = tmp;
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return a[k];
            }
        }
        return a[k];
    }

    private static double median(double x, double y, double z) {
        return Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
    }

    @Override
    public String toString() {
        return switch (kind) {
            case NONE -> "none";
            case MAGNITUDE -> String.format(Locale.ROOT, "magnitude %.6g", density);
            case RANDOM ->
                String.format(
                        Locale.ROOT,
                        "random %.6g rescale %s",
                        density,
                        rescale.name().toLowerCase(Locale.ROOT));
        };
    }
}
