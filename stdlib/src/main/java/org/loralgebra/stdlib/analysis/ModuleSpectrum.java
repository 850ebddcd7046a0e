package org.loralgebra.stdlib.analysis;

import java.util.Arrays;
import java.util.Locale;
import org.loralgebra.lang.LoraException;

/**
 * One module's singular values (descending, of {@code ΔW = scale·B·A}) and the measures read from them. With
 * {@code σ} the singular values and {@code E = Σσᵢ²} the energy ({@code ‖ΔW‖_F²}):
 * <ul>
 *   <li>{@link #effectiveRank()}: {@code exp(−Σ pᵢ ln pᵢ)}, {@code pᵢ = σᵢ/Σσⱼ} (Roy and Vetterli, "The effective
 *       rank: a measure of effective dimensionality", EUSIPCO 2007): 1 for a rank-one update, r for r equal values;</li>
 *   <li>{@link #energyRank(double)}: the smallest k with {@code Σ_{i≤k} σᵢ² ≥ e·E} (what {@code Rank.energy(e)} keeps);</li>
 *   <li>{@link #stableRank()}: {@code ‖ΔW‖_F² / ‖ΔW‖₂² = E/σ₁²} (Rudelson and Vershynin 2007);</li>
 *   <li>{@link #energyCurve()}: {@code Σ_{i≤k} σᵢ² / E} for k = 1..n.</li>
 * </ul>
 * A zero update has effective, energy and stable rank 0 and an empty energy curve of zeros. The ratios and the norm
 * hold over the whole double range: where {@code σᵢ²} or {@code Σσᵢ} overflows or underflows (a scale like
 * {@code lora_alpha = 1e308}) they are computed from {@code σᵢ/σ₁} instead, so that only {@link #energy()} itself can
 * be infinite or zero. Elsewhere they are computed directly, to the bit as before.
 */
public record ModuleSpectrum(ModuleName name, double[] singularValues) {
    public ModuleSpectrum {
        singularValues = singularValues.clone();
        for (int i = 0; i < singularValues.length; i++) {
            double s = singularValues[i];
            if (!(s >= 0) || Double.isInfinite(s) || (i > 0 && s > singularValues[i - 1] * (1 + 1e-12) + 1e-300)) {
                throw new LoraException("module '" + name.module() + "': singular values must be finite, "
                        + "non-negative and descending; σ" + (i + 1) + " = " + s);
            }
        }
    }

    /** The spectrum of a module given by name. */
    public static ModuleSpectrum of(String module, double[] singularValues) {
        return new ModuleSpectrum(ModuleName.of(module), singularValues);
    }

    /** The module's name. */
    public String module() {
        return name.module();
    }

    @Override
    public double[] singularValues() {
        return singularValues.clone();
    }

    /** How many singular values there are (the factors' rank). */
    public int size() {
        return singularValues.length;
    }

    /** {@code E = Σσᵢ² = ‖ΔW‖_F²}. */
    public double energy() {
        double e = 0;
        for (double s : singularValues) {
            e += s * s;
        }
        return e;
    }

    /** {@code ‖ΔW‖_F}, finite whenever it is representable. */
    public double frobeniusNorm() {
        double e = energy();
        if (directly(e)) {
            return Math.sqrt(e);
        }
        return spectralNorm() * Math.sqrt(relativeEnergy());
    }

    /** Whether {@code e = Σσᵢ²} holds the measures' information: finite, and positive unless every value is 0. */
    private boolean directly(double e) {
        double top = spectralNorm();
        return Double.isFinite(e) && (top == 0 || top * top > 0 && e > 0);
    }

    /** {@code Σ (σᵢ/σ₁)² = E/σ₁²}, computed without forming {@code σᵢ²} (0 for a zero update). */
    private double relativeEnergy() {
        double top = spectralNorm();
        if (top == 0) {
            return 0;
        }
        double e = 0;
        for (double s : singularValues) {
            double x = s / top;
            e += x * x;
        }
        return e;
    }

    /** {@code σ₁ = ‖ΔW‖₂} (0 without values). */
    public double spectralNorm() {
        return singularValues.length == 0 ? 0 : singularValues[0];
    }

    /** The entropy effective rank {@code exp(−Σ pᵢ ln pᵢ)}, {@code pᵢ = σᵢ/Σσⱼ}; 0 for a zero update. */
    public double effectiveRank() {
        double total = 0;
        for (double s : singularValues) {
            total += s;
        }
        if (total == 0) {
            return 0;
        }
        // σ₁/σ₁ = 1: the sum of the relative values cannot overflow
        double unit = Double.isFinite(total) ? 1 : spectralNorm();
        if (unit != 1) {
            total = 0;
            for (double s : singularValues) {
                total += s / unit;
            }
        }
        double h = 0;
        for (double s : singularValues) {
            if (s > 0) {
                double p = s / unit / total;
                h -= p * Math.log(p);
            }
        }
        return Math.exp(h);
    }

    /** The smallest k with {@code Σ_{i≤k} σᵢ² ≥ fraction·E}; fraction in (0, 1]; 0 for a zero update. */
    public int energyRank(double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new LoraException("energy fraction must be in (0, 1], got " + fraction);
        }
        double[] curve = energyCurve();
        if (curve.length == 0 || spectralNorm() == 0) {
            return 0;
        }
        for (int k = 0; k < curve.length; k++) {
            // a relative slack of 1e-12 keeps fraction = 1 from missing the last value by rounding
            if (curve[k] >= fraction * (1 - 1e-12)) {
                return k + 1;
            }
        }
        return curve.length;
    }

    /** The stable rank {@code E/σ₁²}; 0 for a zero update. */
    public double stableRank() {
        double top = spectralNorm();
        if (top == 0) {
            return 0;
        }
        double e = energy();
        return directly(e) ? e / (top * top) : relativeEnergy();
    }

    /** The cumulative energy fractions {@code Σ_{i≤k} σᵢ² / E}, k = 1..n (zeros for a zero update). */
    public double[] energyCurve() {
        double total = energy();
        double unit = 1;
        if (!directly(total)) {
            unit = spectralNorm();
            total = relativeEnergy();
        }
        double[] curve = new double[singularValues.length];
        double acc = 0;
        for (int i = 0; i < curve.length; i++) {
            double x = singularValues[i] / unit;
            acc += x * x;
            curve[i] = total == 0 ? 0 : acc / total;
        }
        return curve;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModuleSpectrum m && m.name.equals(name) && Arrays.equals(m.singularValues, singularValues);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(singularValues);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%s: r=%d, σ₁=%.4g, effective rank %.3f, stable rank %.3f",
                module(),
                size(),
                spectralNorm(),
                effectiveRank(),
                stableRank());
    }
}
