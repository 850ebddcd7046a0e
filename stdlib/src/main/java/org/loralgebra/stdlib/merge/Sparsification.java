package org.loralgebra.stdlib.merge;

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
        NONE, INVERSE_DENSITY, L1
    }

    static final Sparsification NONE = new Sparsification(Method.Pruning.NONE, 1.0, Rescale.NONE);

    /** Prunes {@code t} in place; {@code key} keys the random stream (ignored by magnitude pruning). */
    void applyInPlace(double[] t, long key) {
        if (kind == Method.Pruning.NONE || density >= 1) {
            return;
        }
        if (kind == Method.Pruning.MAGNITUDE) {
            keepLargest(t, (int) (density * t.length));
        } else {
            dropRandom(t, key);
        }
    }

    private void dropRandom(double[] t, long key) {
        double before = 0;
        double after = 0;
        for (int j = 0; j < t.length; j++) {
            before += Math.abs(t[j]);
            if (SplitMix64.uniformAt(key, j) < density) {
                after += Math.abs(t[j]);
            } else {
                t[j] = 0;
            }
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

    /** Zeroes all but the {@code keep} entries of largest magnitude (lowest index first among equals). */
    static void keepLargest(double[] t, int keep) {
        int n = t.length;
        if (keep >= n) {
            return;
        }
        if (keep <= 0) {
            java.util.Arrays.fill(t, 0.0);
            return;
        }
        double[] mag = new double[n];
        for (int j = 0; j < n; j++) {
            mag[j] = Math.abs(t[j]);
        }
        double threshold = select(mag, n - keep); // the keep-th largest magnitude
        int above = 0;
        for (int j = 0; j < n; j++) {
            if (Math.abs(t[j]) > threshold) {
                above++;
            }
        }
        int equalToKeep = keep - above;
        for (int j = 0; j < n; j++) {
            double m = Math.abs(t[j]);
            if (m > threshold) {
                continue;
            }
            if (m == threshold && equalToKeep > 0) {
                equalToKeep--;
                continue;
            }
            t[j] = 0;
        }
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
            case RANDOM -> String.format(Locale.ROOT, "random %.6g rescale %s", density, rescale.name().toLowerCase(Locale.ROOT));
        };
    }
}
