package org.loralgebra.stdlib.merge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.loralgebra.Dense;
import org.loralgebra.model.StoredModule;
import org.loralgebra.stdlib.random.SplitMix64;

/**
 * An independent, plain-loop implementation of PEFT's and mergekit's merge formulas in double precision, written
 * from peft/utils/merge_utils.py, peft/tuners/lora/model.py and mergekit's generalized_task_arithmetic.py: what
 * the library must agree with. It shares no code with the library; the only shared piece is the documented
 * random stream ({@link SplitMix64#uniformAt} keyed by {@link SplitMix64#key}), which is an input of DARE.
 */
final class MergeReference {
    private MergeReference() {}

    /** One input module as PEFT sees it: A [r, in], B [out, r] row-major, scale. */
    record Factors(Dense.M a, Dense.M b, double scale) {
        static Factors of(StoredModule m) {
            return new Factors(
                    new Dense.M(m.spec().rank(), m.spec().in(), m.aMatrix().toDoubleArray()),
                    new Dense.M(m.spec().out(), m.spec().rank(), m.bMatrix().toDoubleArray()),
                    m.scale());
        }

        Dense.M update() {
            return Dense.scale(Dense.mul(b, a), scale);
        }
    }

    // ---- merge_utils ------------------------------------------------------------------------------------------

    /** Keeps the int(density·n) largest |t| (lowest index first among equals): by a full sort when small. */
    static double[] magnitudePrune(double[] t, double density) {
        if (density >= 1) {
            return t.clone();
        }
        int k = (int) (density * t.length);
        double[] out = new double[t.length];
        if (t.length <= 20_000) {
            Integer[] idx = new Integer[t.length];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = i;
            }
            Arrays.sort(
                    idx,
                    Comparator.<Integer>comparingDouble(i -> -Math.abs(t[i])).thenComparingInt(i -> i));
            for (int i = 0; i < k; i++) {
                out[idx[i]] = t[idx[i]];
            }
            return out;
        }
        // large tensors: the k-th largest magnitude from a sorted copy, then that many entries in index order
        double[] mags = Arrays.stream(t).map(Math::abs).sorted().toArray();
        double threshold = k == 0 ? Double.POSITIVE_INFINITY : mags[t.length - k];
        int kept = 0;
        for (int i = 0; i < t.length; i++) {
            if (Math.abs(t[i]) > threshold) {
                out[i] = t[i];
                kept++;
            }
        }
        for (int i = 0; i < t.length && kept < k; i++) {
            if (Math.abs(t[i]) == threshold) {
                out[i] = t[i];
                kept++;
            }
        }
        return out;
    }

    /** DARE: Bernoulli(density) mask from the documented stream; PEFT divides by density, mergekit restores L1. */
    static double[] randomPrune(double[] t, double density, long key, boolean l1) {
        if (density >= 1) {
            return t.clone();
        }
        double[] out = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            if (SplitMix64.uniformAt(key, i) < density) {
                out[i] = l1 ? t[i] : t[i] / density;
            }
        }
        if (l1) {
            double before = Arrays.stream(t).map(Math::abs).sum();
            double after = Arrays.stream(out).map(Math::abs).sum();
            if (before >= 1e-7 && after >= 1e-7) {
                for (int i = 0; i < out.length; i++) {
                    out[i] *= before / after;
                }
            }
        }
        return out;
    }

    static double[] weightedSum(List<double[]> ts, double[] w) {
        double[] out = new double[ts.get(0).length];
        for (int i = 0; i < ts.size(); i++) {
            for (int j = 0; j < out.length; j++) {
                out[j] += w[i] * ts.get(i)[j];
            }
        }
        return out;
    }

    /** PEFT ties/dare_ties after pruning: elect on the unweighted stack, disjoint mean of the weighted. */
    static double[] pefTies(List<double[]> ts, double[] w, boolean frequency) {
        int n = ts.get(0).length;
        double[] out = new double[n];
        for (int j = 0; j < n; j++) {
            double magnitude = 0;
            for (double[] t : ts) {
                magnitude += frequency ? Math.signum(t[j]) : t[j];
            }
            double majority = magnitude >= 0 ? 1 : -1;
            double sum = 0;
            int agree = 0;
            for (int i = 0; i < ts.size(); i++) {
                if (Math.signum(ts.get(i)[j]) == majority) {
                    sum += w[i] * ts.get(i)[j];
                    agree++;
                }
            }
            out[j] = sum / Math.max(agree, 1);
        }
        return out;
    }

    /** mergekit's consensus: elect on the weighted deltas; divisor Σ agreeing weights (0 → 1) when normalizing. */
    static double[] mergekitTies(List<double[]> ts, double[] w, boolean count, boolean normalize) {
        int n = ts.get(0).length;
        double[] out = new double[n];
        for (int j = 0; j < n; j++) {
            double vote = 0;
            for (int i = 0; i < ts.size(); i++) {
                double x = w[i] * ts.get(i)[j];
                vote += count ? Math.signum(x) : x;
            }
            double majority = vote >= 0 ? 1 : -1;
            double mixed = 0;
            double divisor = 0;
            for (int i = 0; i < ts.size(); i++) {
                double x = w[i] * ts.get(i)[j];
                if (Math.signum(x) == majority) {
                    mixed += x;
                    divisor += w[i];
                }
            }
            out[j] = normalize ? mixed / (divisor == 0 ? 1 : divisor) : mixed;
        }
        return out;
    }

    // ---- add_weighted_adapter ---------------------------------------------------------------------------------

    /**
     * The merged dense update (before any SVD) of one module for a method, given the present inputs, their
     * positions among all inputs (for DARE keys) and their weights.
     */
    static Dense.M merged(
            Method m,
            String module,
            List<Factors> in,
            List<Integer> positions,
            double[] w,
            double density,
            boolean frequency,
            Boolean normalize,
            long seed) {
        return switch (m) {
            case CAT, TASK_ARITHMETIC, SVD -> {
                Dense.M sum = Dense.zeros(in.get(0).b().rows(), in.get(0).a().cols());
                double total = Arrays.stream(w).sum();
                boolean norm = m == Method.TASK_ARITHMETIC && Boolean.TRUE.equals(normalize) && Math.abs(total) >= 1e-8;
                for (int i = 0; i < in.size(); i++) {
                    sum = Dense.add(sum, in.get(i).update(), norm ? w[i] / total : w[i]);
                }
                yield sum;
            }
            case LINEAR, TIES, DARE_LINEAR, DARE_TIES, MAGNITUDE_PRUNE ->
                factorwise(m, module, in, positions, w, density, frequency, seed);
            default -> onUpdates(m, module, in, positions, w, density, frequency, normalize, seed);
        };
    }

    /** PEFT's _generalized_task_arithmetic_weighted_adapter: the product of the separately merged B and A. */
    static Dense.M factorwise(
            Method m,
            String module,
            List<Factors> in,
            List<Integer> positions,
            double[] w,
            double density,
            boolean frequency,
            long seed) {
        double[][] f = factorwiseFactors(m, module, in, positions, w, density, frequency, seed);
        int r = in.get(0).a().rows();
        Dense.M b = new Dense.M(in.get(0).b().rows(), r, f[0]);
        Dense.M a = new Dense.M(r, in.get(0).a().cols(), f[1]);
        return Dense.mul(b, a);
    }

    /** {merged B, merged A} of the factor-wise methods. */
    static double[][] factorwiseFactors(
            Method m,
            String module,
            List<Factors> in,
            List<Integer> positions,
            double[] w,
            double density,
            boolean frequency,
            long seed) {
        double[] wa = new double[in.size()];
        double[] wb = new double[in.size()];
        for (int i = 0; i < in.size(); i++) {
            double c = w[i] * in.get(i).scale();
            wb[i] = Math.sqrt(Math.abs(c));
            wa[i] = c >= 0 ? wb[i] : -wb[i];
        }
        List<double[]> as = new ArrayList<>();
        List<double[]> bs = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            long ka = SplitMix64.key(seed, module, positions.get(i), 1);
            long kb = SplitMix64.key(seed, module, positions.get(i), 2);
            double[] a = in.get(i).a().v();
            double[] b = in.get(i).b().v();
            switch (m) {
                case TIES, MAGNITUDE_PRUNE -> {
                    as.add(magnitudePrune(a, density));
                    bs.add(magnitudePrune(b, density));
                }
                case DARE_LINEAR, DARE_TIES -> {
                    as.add(randomPrune(a, density, ka, false));
                    bs.add(randomPrune(b, density, kb, false));
                }
                default -> {
                    as.add(a.clone());
                    bs.add(b.clone());
                }
            }
        }
        boolean ties = m == Method.TIES || m == Method.DARE_TIES;
        return new double[][] {
            ties ? pefTies(bs, wb, frequency) : weightedSum(bs, wb),
            ties ? pefTies(as, wa, frequency) : weightedSum(as, wa)
        };
    }

    private static Dense.M onUpdates(
            Method m,
            String module,
            List<Factors> in,
            List<Integer> positions,
            double[] w,
            double density,
            boolean frequency,
            Boolean normalize,
            long seed) {
        List<double[]> ts = new ArrayList<>();
        boolean mergekit = m.name().startsWith("MERGEKIT");
        for (int i = 0; i < in.size(); i++) {
            double[] t = in.get(i).update().v();
            long key = SplitMix64.key(seed, module, positions.get(i), 0);
            ts.add(
                    switch (m) {
                        case TIES_SVD, MAGNITUDE_PRUNE_SVD, MERGEKIT_TIES -> magnitudePrune(t, density);
                        case DARE_TIES_SVD, DARE_LINEAR_SVD, MERGEKIT_DARE_TIES, MERGEKIT_DARE_LINEAR ->
                            randomPrune(t, density, key, mergekit);
                        default -> throw new IllegalArgumentException(m.id());
                    });
        }
        int rows = in.get(0).b().rows();
        int cols = in.get(0).a().cols();
        boolean norm = normalize != null ? normalize : m == Method.MERGEKIT_TIES;
        double[] out = switch (m) {
            case TIES_SVD, DARE_TIES_SVD -> pefTies(ts, w, frequency);
            case MERGEKIT_TIES, MERGEKIT_DARE_TIES -> mergekitTies(ts, w, frequency, norm);
            case MERGEKIT_DARE_LINEAR -> {
                double[] s = weightedSum(ts, w);
                double total = Arrays.stream(w).sum();
                if (norm && Math.abs(total) >= 1e-8) {
                    for (int j = 0; j < s.length; j++) {
                        s[j] /= total;
                    }
                }
                yield s;
            }
            default -> weightedSum(ts, w);
        };
        return new Dense.M(rows, cols, out);
    }

    /** Σ_{i≥k} σᵢ², the squared error of the best rank-k approximation (Eckart–Young), by Jacobi SVD. */
    static double tailEnergy(Dense.M m, int k) {
        double[] s = Dense.singularValues(m);
        double tail = 0;
        for (int i = k; i < s.length; i++) {
            tail += s[i] * s[i];
        }
        return tail;
    }
}
