package org.loralgebra.stdlib.analysis;

import java.util.Locale;

/**
 * One module's intruder reduction ({@link ReduceIntruders}).
 *
 * @param module          the module
 * @param rank            the adapter's rank r, kept
 * @param intruders       positions (0-based, by descending σ) among the top k singular vectors of {@code W + ΔW}
 *                        that are intruders; empty when the module was copied unchanged
 * @param singularValues  their singular values σ_i of {@code W + ΔW}
 * @param maxCosine       their best |cosine| with any left singular vector of W (each below ε)
 * @param relativeChange  {@code ‖ΔW' − ΔW‖_F / ‖ΔW‖_F} (0 when copied unchanged)
 */
public record ModuleReduction(
        String module, int rank, int[] intruders, double[] singularValues, double[] maxCosine, double relativeChange) {
    public ModuleReduction {
        intruders = intruders.clone();
        singularValues = singularValues.clone();
        maxCosine = maxCosine.clone();
    }

    /** Number of intruders found. */
    public int count() {
        return intruders.length;
    }

    @Override
    public int[] intruders() {
        return intruders.clone();
    }

    @Override
    public double[] singularValues() {
        return singularValues.clone();
    }

    @Override
    public double[] maxCosine() {
        return maxCosine.clone();
    }

    @Override
    public String toString() {
        if (intruders.length == 0) {
            return module + ": no intruders (copied unchanged)";
        }
        StringBuilder sb =
                new StringBuilder(module + ": " + intruders.length + " intruder" + (intruders.length == 1 ? "" : "s"));
        for (int i = 0; i < intruders.length; i++) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%s #%d σ = %.4g cos = %.3f",
                    i == 0 ? " —" : ";",
                    intruders[i],
                    singularValues[i],
                    maxCosine[i]));
        }
        return sb.append(String.format(Locale.ROOT, "; ‖ΔW' − ΔW‖/‖ΔW‖ = %.4g", relativeChange))
                .toString();
    }
}
