package org.loralgebra.stdlib.analysis;

import java.util.Arrays;
import java.util.Locale;
import org.loralgebra.lang.LoraException;

/** A number read from one module's spectrum, for tables and layer × module heatmaps. */
public enum SpectralMeasure {
    /** {@link ModuleSpectrum#effectiveRank()} (entropy effective rank). */
    EFFECTIVE_RANK("effective rank (entropy)"),
    /** {@link ModuleSpectrum#energyRank(double)} at the analysis' energy fraction. */
    ENERGY_RANK("rank holding energy"),
    /** {@link ModuleSpectrum#stableRank()}. */
    STABLE_RANK("stable rank"),
    /** {@link ModuleSpectrum#energy()}, {@code ‖ΔW‖_F²}. */
    ENERGY("energy ‖ΔW‖²_F"),
    /** {@link ModuleSpectrum#spectralNorm()}, {@code σ₁}. */
    SPECTRAL_NORM("spectral norm σ₁");

    private final String title;

    SpectralMeasure(String title) {
        this.title = title;
    }

    /** The measure of a module, with {@code energyFraction} for {@link #ENERGY_RANK}. */
    public double of(ModuleSpectrum m, double energyFraction) {
        return switch (this) {
            case EFFECTIVE_RANK -> m.effectiveRank();
            case ENERGY_RANK -> m.energyRank(energyFraction);
            case STABLE_RANK -> m.stableRank();
            case ENERGY -> m.energy();
            case SPECTRAL_NORM -> m.spectralNorm();
        };
    }

    /** A title for axes and legends ({@code "rank holding 90% energy"} for {@link #ENERGY_RANK}). */
    public String title(double energyFraction) {
        return this == ENERGY_RANK
                ? String.format(Locale.ROOT, "rank holding %s%% energy", trim(100 * energyFraction))
                : title;
    }

    /** Parses {@code effective-rank}, {@code energy_rank}, {@code STABLE_RANK}, ... */
    public static SpectralMeasure parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (SpectralMeasure m : values()) {
            if (m.name().equals(t)) {
                return m;
            }
        }
        throw new LoraException("unknown measure '" + text + "'; expected one of "
                + Arrays.stream(values())
                        .map(v -> v.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                        .toList());
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
