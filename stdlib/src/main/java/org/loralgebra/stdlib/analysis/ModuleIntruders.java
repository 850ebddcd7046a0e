package org.loralgebra.stdlib.analysis;

import java.util.Arrays;
import java.util.Locale;

/**
 * The intruder analysis of one module: for each of the top-k singular vectors {@code u'ⱼ} of {@code W + ΔW}, the
 * largest |cosine| with the base singular vectors {@code u⁰ᵢ} it was compared with, which of them, and the share of
 * {@code u'ⱼ} outside their span.
 *
 * <p>With {@code K} base vectors out of {@code n = min(out, in)}: when K = n ({@link #exact()}), {@link #count()} is
 * the number of intruders by the definition. When K &lt; n, a vector whose best cosine is ≥ ε is certainly no intruder;
 * one below ε is certainly an intruder only if its mass outside the K base vectors, {@code 1 − Σᵢ (u'ⱼ·u⁰ᵢ)²}, is
 * below ε² (no further base vector can then reach ε). So {@link #confirmed()} ≤ true count ≤ {@link #count()}.
 *
 * @param name            the module
 * @param singularValues  the top-k singular values of {@code W + ΔW}
 * @param maxCosine       per top vector, the largest |cosine| with a compared base singular vector
 * @param bestMatch       per top vector, the index (0-based) of that base vector
 * @param outsideMass     per top vector, {@code 1 − Σᵢ (u'ⱼ·u⁰ᵢ)²} over the compared base vectors (clamped at 0)
 * @param baseVectors     K, how many base singular vectors were compared
 * @param baseDimension   n = min(out, in), how many the base weight has
 * @param epsilon         the threshold ε
 */
public record ModuleIntruders(
        ModuleName name,
        double[] singularValues,
        double[] maxCosine,
        int[] bestMatch,
        double[] outsideMass,
        int baseVectors,
        int baseDimension,
        double epsilon) {
    public ModuleIntruders {
        singularValues = singularValues.clone();
        maxCosine = maxCosine.clone();
        bestMatch = bestMatch.clone();
        outsideMass = outsideMass.clone();
    }

    /** The module's name. */
    public String module() {
        return name.module();
    }

    /** Whether every base singular vector was compared (the count is then exact). */
    public boolean exact() {
        return baseVectors >= baseDimension;
    }

    /** Whether top vector j (0-based) is an intruder by the compared base vectors: max |cos| &lt; ε. */
    public boolean isIntruder(int j) {
        return maxCosine[j] < epsilon;
    }

    /** Whether top vector j is an intruder whatever the base vectors not compared (see the class comment). */
    public boolean isConfirmed(int j) {
        return isIntruder(j) && (exact() || outsideMass[j] < epsilon * epsilon);
    }

    /** Intruders by the compared base vectors (exact when {@link #exact()}, an upper bound otherwise). */
    public int count() {
        int c = 0;
        for (int j = 0; j < maxCosine.length; j++) {
            c += isIntruder(j) ? 1 : 0;
        }
        return c;
    }

    /** Intruders proven whatever the base vectors not compared (a lower bound; = count when exact). */
    public int confirmed() {
        int c = 0;
        for (int j = 0; j < maxCosine.length; j++) {
            c += isConfirmed(j) ? 1 : 0;
        }
        return c;
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
    public int[] bestMatch() {
        return bestMatch.clone();
    }

    @Override
    public double[] outsideMass() {
        return outsideMass.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModuleIntruders m
                && m.name.equals(name)
                && Arrays.equals(m.singularValues, singularValues)
                && Arrays.equals(m.maxCosine, maxCosine)
                && Arrays.equals(m.bestMatch, bestMatch)
                && Arrays.equals(m.outsideMass, outsideMass)
                && m.baseVectors == baseVectors
                && m.baseDimension == baseDimension
                && m.epsilon == epsilon;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(maxCosine);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%s: %d intruders among top %d (%d confirmed; %d of %d base vectors)",
                module(),
                count(),
                maxCosine.length,
                confirmed(),
                baseVectors,
                baseDimension);
    }
}
