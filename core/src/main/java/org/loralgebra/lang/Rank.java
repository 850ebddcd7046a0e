package org.loralgebra.lang;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How many singular directions {@code truncate} keeps per module: a fixed rank, the smallest rank holding a
 * fraction of the energy (sum of squared singular values), every value above a threshold, or a rule per module.
 * A chosen rank never exceeds the number of singular values, and is at least 1 unless the update is zero.
 */
public sealed interface Rank {
    /** Exactly {@code k} (or all there are, if fewer). */
    static Rank of(int k) {
        if (k < 0) {
            throw new LoraException("rank must be ≥ 0, got " + k);
        }
        return new Fixed(k);
    }

    /** The smallest k with Σ_{i≤k} s_i² ≥ fraction·Σ s_i²; fraction in (0, 1]. */
    static Rank energy(double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new LoraException("energy fraction must be in (0, 1], got " + fraction);
        }
        return new Energy(fraction);
    }

    /** Every singular value strictly greater than {@code value} (absolute, in the update's units). */
    static Rank threshold(double value) {
        if (!(value >= 0)) {
            throw new LoraException("threshold must be ≥ 0, got " + value);
        }
        return new Threshold(value);
    }

    /**
     * A rank per module: the first pattern (a regex matched against the whole module name, or a suffix after a
     * dot, as PEFT's rank_pattern does) that matches decides; modules matching none use {@code otherwise}.
     */
    static Rank perModule(Map<String, Rank> patterns, Rank otherwise) {
        return new PerModule(new LinkedHashMap<>(patterns), otherwise);
    }

    /** The rank to keep for a module with these singular values (descending). */
    int choose(String module, double[] singularValues);

    /** An upper bound known before running, given the rank available; {@code available} when data decides. */
    int upperBound(String module, int available);

    /** Fixed rank. */
    record Fixed(int k) implements Rank {
        @Override
        public int choose(String module, double[] s) {
            return Math.min(k, s.length);
        }

        @Override
        public int upperBound(String module, int available) {
            return Math.min(k, available);
        }

        @Override
        public String toString() {
            return String.valueOf(k);
        }
    }

    /** Energy fraction. */
    record Energy(double fraction) implements Rank {
        @Override
        public int choose(String module, double[] s) {
            double total = 0;
            for (double v : s) {
                total += v * v;
            }
            if (total == 0) {
                return 0;
            }
            double kept = 0;
            for (int i = 0; i < s.length; i++) {
                kept += s[i] * s[i];
                if (kept >= fraction * total * (1 - 1e-12)) {
                    return i + 1;
                }
            }
            return s.length;
        }

        @Override
        public int upperBound(String module, int available) {
            return available;
        }

        @Override
        public String toString() {
            return "energy " + fraction;
        }
    }

    /** Absolute threshold. */
    record Threshold(double value) implements Rank {
        @Override
        public int choose(String module, double[] s) {
            int k = 0;
            while (k < s.length && s[k] > value) {
                k++;
            }
            return k;
        }

        @Override
        public int upperBound(String module, int available) {
            return available;
        }

        @Override
        public String toString() {
            return "σ > " + value;
        }
    }

    /** Per-module rule. */
    record PerModule(Map<String, Rank> patterns, Rank otherwise) implements Rank {
        public PerModule {
            patterns = Collections.unmodifiableMap(new LinkedHashMap<>(patterns));
            Objects.requireNonNull(otherwise, "otherwise");
        }

        private Rank ruleFor(String module) {
            for (Map.Entry<String, Rank> e : patterns.entrySet()) {
                if (ModulePattern.patternKey(e.getKey()).matches(module)) {
                    return e.getValue();
                }
            }
            return otherwise;
        }

        @Override
        public int choose(String module, double[] s) {
            return ruleFor(module).choose(module, s);
        }

        @Override
        public int upperBound(String module, int available) {
            return ruleFor(module).upperBound(module, available);
        }

        @Override
        public String toString() {
            return "per module " + patterns + " else " + otherwise;
        }
    }
}
