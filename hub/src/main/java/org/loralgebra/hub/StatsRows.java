package org.loralgebra.hub;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.loralgebra.stdlib.analysis.ModuleSpectrum;

/**
 * The rows of {@code lora hub stats} for one adapter: one per module ({@link #modules}) and one with its totals and
 * flags ({@link #adapter}), or a single error row. The measures are {@link ModuleSpectrum}'s, as
 * {@code lora analyze spectrum} computes them: effective rank {@code exp(−Σ pᵢ ln pᵢ)}, stable rank {@code E/σ₁²},
 * energy rank (smallest k with {@code Σ_{i≤k} σᵢ² ≥ e·E}) at e = 0.9 and 0.99.
 *
 * <p>Flags: {@code zero_b} (every entry of B is zero: the update is zero, as a freshly initialised LoRA's is),
 * {@code non_finite} (a NaN or an infinity in B, A or the scale; such a module has no spectrum), and
 * {@code collapsed}: a module of rank ≥ 2 with a non-zero update whose largest direction holds 99% of its energy
 * (energy rank at 0.99 is 1). An adapter is flagged {@code all_zero_b} when every module is, {@code non_finite} when
 * any module is, and {@code collapsed_spectrum} when more than half of its non-zero finite modules of rank ≥ 2 are.
 */
public final class StatsRows {
    /** The energy fraction of {@code energy_rank}, as {@code lora analyze spectrum}'s default. */
    public static final double ENERGY_FRACTION = 0.9;

    private StatsRows() {}

    /** One row per module of a readable adapter (none for an error). */
    public static List<String> modules(AdapterProfile p) {
        List<String> rows = new ArrayList<>();
        if (p.failed()) {
            return rows;
        }
        for (ModuleProfile m : p.modules()) {
            ObjectNode o = JsonRows.object();
            o.put("adapter", p.adapter());
            o.put("module", m.module());
            o.put("out", m.out());
            o.put("in", m.in());
            o.put("rank", m.rank());
            JsonRows.put(o, "scale", m.scale());
            JsonRows.put(o, "norm_b", m.normB());
            JsonRows.put(o, "norm_a", m.normA());
            o.put("zero_b", m.zeroB());
            o.put("non_finite", m.nonFinite());
            if (m.singularValues() != null) {
                ModuleSpectrum s = ModuleSpectrum.of(m.module(), m.singularValues());
                o.set("singular_values", JsonRows.array(m.singularValues()));
                JsonRows.put(o, "norm", s.frobeniusNorm());
                JsonRows.put(o, "spectral_norm", s.spectralNorm());
                JsonRows.put(o, "effective_rank", s.effectiveRank());
                JsonRows.put(o, "stable_rank", s.stableRank());
                o.put("energy_rank", s.energyRank(ENERGY_FRACTION));
                o.put("energy_rank_99", s.energyRank(0.99));
                o.put("collapsed", collapsed(m, s));
            }
            rows.add(JsonRows.line(o));
        }
        return rows;
    }

    /** The adapter's row: totals and flags, or {@code {"adapter", "error"}}. */
    public static String adapter(AdapterProfile p) {
        if (p.failed()) {
            return JsonRows.error(p.adapter(), p.error());
        }
        ObjectNode o = JsonRows.object();
        o.put("adapter", p.adapter());
        o.put("base_model", p.baseModel());
        o.put("modules", p.modules().size());
        long parameters = 0;
        double energy = 0;
        double effective = 0;
        int spectra = 0;
        int zero = 0;
        int collapsed = 0;
        int candidates = 0;
        ArrayNode nonFinite = o.arrayNode();
        for (ModuleProfile m : p.modules()) {
            parameters += (long) m.rank() * (m.out() + m.in());
            zero += m.zeroB() ? 1 : 0;
            if (m.nonFinite()) {
                nonFinite.add(m.module());
            }
            if (m.singularValues() != null) {
                ModuleSpectrum s = ModuleSpectrum.of(m.module(), m.singularValues());
                energy += s.energy();
                effective += s.effectiveRank();
                spectra++;
                if (m.rank() >= 2 && s.energy() > 0) {
                    candidates++;
                    collapsed += collapsed(m, s) ? 1 : 0;
                }
            }
        }
        o.put("parameters", parameters);
        JsonRows.put(o, "energy", energy);
        JsonRows.put(o, "norm", Math.sqrt(energy));
        JsonRows.put(o, "mean_effective_rank", spectra == 0 ? Double.NaN : effective / spectra);
        o.put("zero_b_modules", zero);
        o.put("collapsed_modules", collapsed);
        o.set("non_finite_modules", nonFinite);
        o.put("all_zero_b", !p.modules().isEmpty() && zero == p.modules().size());
        o.put("non_finite", !nonFinite.isEmpty());
        o.put("collapsed_spectrum", candidates > 0 && 2 * collapsed > candidates);
        return JsonRows.line(o);
    }

    private static boolean collapsed(ModuleProfile m, ModuleSpectrum s) {
        return m.rank() >= 2 && s.energy() > 0 && s.energyRank(0.99) == 1;
    }
}
