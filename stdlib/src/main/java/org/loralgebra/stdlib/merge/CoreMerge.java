package org.loralgebra.stdlib.merge;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.loralgebra.lang.LoraException;

/**
 * The merge {@link Method#CORE_SPACE} runs on the R×R core matrices Mₜ = U_refᵀ·ΔWₜ·V_ref (Panariello et al.,
 * NeurIPS 2025, "Accurate and Efficient Low-Rank Model Merging in Core Space"; the {@code merge_method} of
 * apanariello4/core-space-merging):
 * <ul>
 * <li>{@link #TA}: Σ Mₜ (the reference's {@code ta}/{@code sum}); equals task arithmetic exactly.</li>
 * <li>{@link #MEAN}: Σ Mₜ / T.</li>
 * <li>{@link #TIES}: per task keep the ⌊d·R²⌋ entries of largest |·| (d = {@code density}, default 0.3, the
 * reference's topK 30), elect a sign per entry, disjoint mean.</li>
 * <li>{@link #DARE_TIES}: keep each entry with probability d (default 0.7, the reference's p = 0.3), divide by d,
 * elect, disjoint mean (no trim). The reference's plain {@code dare} fails (undefined attribute) and is not
 * offered.</li>
 * <li>{@link #TSV}: TSV-Merge on the cores (see {@link Method#TSV}), with kₜ = rₜ.</li>
 * <li>{@link #CART}: M̄ + λ·Σₜ trunc_k(Mₜ − M̄), M̄ the mean, k = ⌈ρ·R⌉ (ρ {@code cartRankFraction} default 0.04,
 * λ {@code cartWeight} default 0.1).</li>
 * </ul>
 * TIES and DARE-TIES are element-wise, so the cores are taken in the SVD-aligned bases of the paper (left singular
 * vectors of [B₁ … B_T], right singular vectors of [A₁; …; A_T]); the others are orthogonally equivariant.
 */
public enum CoreMerge {
    TA("ta", Double.NaN),
    MEAN("mean", Double.NaN),
    TIES("ties", 0.3),
    DARE_TIES("dare_ties", 0.7),
    TSV("tsv", Double.NaN),
    CART("cart", Double.NaN);

    private final String id;
    private final double defaultDensity;

    CoreMerge(String id, double defaultDensity) {
        this.id = id;
        this.defaultDensity = defaultDensity;
    }

    /** The name users write ({@code ta}, {@code dare_ties}, …). */
    public String id() {
        return id;
    }

    /** Whether this merge takes a {@code density} (TIES, DARE-TIES). */
    public boolean usesDensity() {
        return !Double.isNaN(defaultDensity);
    }

    double defaultDensity() {
        return defaultDensity;
    }

    /** Parses a name: {@code dare_ties}, {@code DARE-TIES}; {@code sum} is {@link #TA}. */
    public static CoreMerge parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        if (n.equals("sum")) {
            return TA;
        }
        for (CoreMerge m : values()) {
            if (m.id.equals(n)) {
                return m;
            }
        }
        throw new LoraException("unknown core merge '" + name + "'; expected one of "
                + Arrays.stream(values()).map(CoreMerge::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return id;
    }
}
