package org.loralgebra.stdlib.analysis;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import org.loralgebra.Adapter;
import org.loralgebra.Spectrum;
import org.loralgebra.lang.LoraException;
import org.loralgebra.model.ModuleOrder;
import org.loralgebra.stdlib.json.ReportJson;

/**
 * The spectra of an adapter's modules and the measures read from them (effective, energy and stable rank, energy
 * curve), by module, by layer and by module type. Computed in factored form through {@link Adapter#spectrum()}
 * (two thin QRs and an r×r SVD per module; no dense update is formed).
 *
 * <pre>{@code
 * SpectrumStats s = SpectrumStats.of(Lora.load("examples/adapters/gpt2-tigrinya"));
 * s.grid(SpectralMeasure.EFFECTIVE_RANK);   // layer × module type
 * }</pre>
 *
 * @param label          the adapter's label
 * @param energyFraction the fraction e of {@link SpectralMeasure#ENERGY_RANK} (default 0.9)
 * @param modules        per module, in module order
 */
public record SpectrumStats(String label, double energyFraction, List<ModuleSpectrum> modules) {
    /** The energy fraction used unless another is given. */
    public static final double DEFAULT_ENERGY_FRACTION = 0.9;

    public SpectrumStats {
        if (!(energyFraction > 0 && energyFraction <= 1)) {
            throw new LoraException("energy fraction must be in (0, 1], got " + energyFraction);
        }
        List<ModuleSpectrum> sorted = new ArrayList<>(modules);
        sorted.sort((a, b) -> ModuleOrder.INSTANCE.compare(a.module(), b.module()));
        modules = List.copyOf(sorted);
    }

    /** The spectrum statistics of an adapter (e = 0.9). */
    public static SpectrumStats of(Adapter adapter) {
        return of(adapter, DEFAULT_ENERGY_FRACTION);
    }

    /** The spectrum statistics of an adapter with energy fraction e for {@link SpectralMeasure#ENERGY_RANK}. */
    public static SpectrumStats of(Adapter adapter, double energyFraction) {
        return of(adapter.label(), adapter.spectrum(), energyFraction);
    }

    /** From a computed (or lazy) spectrum. */
    public static SpectrumStats of(String label, Spectrum spectrum, double energyFraction) {
        return of(label, spectrum.values(), energyFraction);
    }

    /** From singular values per module. */
    public static SpectrumStats of(String label, Map<String, double[]> singularValues, double energyFraction) {
        List<ModuleSpectrum> list = new ArrayList<>();
        singularValues.forEach((m, s) -> list.add(ModuleSpectrum.of(m, s)));
        return new SpectrumStats(label, energyFraction, list);
    }

    /** One module's spectrum. */
    public ModuleSpectrum module(String name) {
        return modules.stream()
                .filter(m -> m.module().equals(name))
                .findFirst()
                .orElseThrow(() -> new LoraException("spectrum of '" + label + "' has no module '" + name + "'"));
    }

    /** A measure per module, in module order. */
    public SortedMap<String, Double> measure(SpectralMeasure measure) {
        SortedMap<String, Double> out = new TreeMap<>(ModuleOrder.INSTANCE);
        modules.forEach(m -> out.put(m.module(), measure.of(m, energyFraction)));
        return Collections.unmodifiableSortedMap(out);
    }

    /** A measure as a layer × module-type grid (the data of a heatmap). */
    public LayerGrid grid(SpectralMeasure measure) {
        return LayerGrid.of(measure.title(energyFraction), measure(measure));
    }

    /** The mean of a measure over the modules of each layer (modules without a layer index are left out). */
    public SortedMap<Integer, Double> byLayer(SpectralMeasure measure) {
        SortedMap<Integer, Double> out = new TreeMap<>();
        group(m -> m.name().layer().isPresent() ? m.name().layer().getAsInt() : null)
                .forEach((layer, ms) -> out.put(layer, mean(ms, measure)));
        return Collections.unmodifiableSortedMap(out);
    }

    /** The mean of a measure over the modules of each type. */
    public SortedMap<String, Double> byType(SpectralMeasure measure) {
        SortedMap<String, Double> out = new TreeMap<>();
        group(m -> m.name().type()).forEach((type, ms) -> out.put(type, mean(ms, measure)));
        return Collections.unmodifiableSortedMap(out);
    }

    /**
     * Per layer, the mean i-th singular value over that layer's modules (over the modules that have an i-th
     * value): one decay curve per layer. With {@code normalized}, each module's values are divided by its σ₁ first.
     */
    public SortedMap<Integer, double[]> meanSpectrumByLayer(boolean normalized) {
        SortedMap<Integer, double[]> out = new TreeMap<>();
        group(m -> m.name().layer().isPresent() ? m.name().layer().getAsInt() : null)
                .forEach((layer, ms) -> {
                    int n = ms.stream().mapToInt(ModuleSpectrum::size).max().orElse(0);
                    double[] sum = new double[n];
                    int[] count = new int[n];
                    for (ModuleSpectrum m : ms) {
                        double[] s = m.singularValues();
                        double top = normalized && m.spectralNorm() > 0 ? m.spectralNorm() : 1;
                        for (int i = 0; i < s.length; i++) {
                            sum[i] += s[i] / top;
                            count[i]++;
                        }
                    }
                    for (int i = 0; i < n; i++) {
                        sum[i] /= count[i];
                    }
                    out.put(layer, sum);
                });
        return Collections.unmodifiableSortedMap(out);
    }

    private <K> Map<K, List<ModuleSpectrum>> group(Function<ModuleSpectrum, K> key) {
        Map<K, List<ModuleSpectrum>> out = new LinkedHashMap<>();
        for (ModuleSpectrum m : modules) {
            K k = key.apply(m);
            if (k != null) {
                out.computeIfAbsent(k, x -> new ArrayList<>()).add(m);
            }
        }
        return out;
    }

    private double mean(List<ModuleSpectrum> ms, SpectralMeasure measure) {
        return ms.stream()
                .mapToDouble(m -> measure.of(m, energyFraction))
                .average()
                .orElse(Double.NaN);
    }

    /** Everything as JSON: per module its singular values, energy curve and measures. */
    public String toJson() {
        ObjectNode o = ReportJson.object();
        o.put("analysis", "spectrum");
        o.put("adapter", label);
        o.put("energy_fraction", energyFraction);
        ArrayNode list = o.putArray("modules");
        for (ModuleSpectrum m : modules) {
            ObjectNode e = list.addObject();
            e.put("module", m.module());
            if (m.name().layer().isPresent()) {
                e.put("layer", m.name().layer().getAsInt());
            } else {
                e.putNull("layer");
            }
            e.put("type", m.name().type());
            e.put("rank", m.size());
            e.set("singular_values", ReportJson.array(m.singularValues()));
            e.set("energy_curve", ReportJson.array(m.energyCurve()));
            ReportJson.put(e, "effective_rank", m.effectiveRank());
            e.put("energy_rank", m.energyRank(energyFraction));
            ReportJson.put(e, "stable_rank", m.stableRank());
            ReportJson.put(e, "energy", m.energy());
            ReportJson.put(e, "spectral_norm", m.spectralNorm());
        }
        return ReportJson.line(o);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "Spectrum statistics of %s (%d modules, energy %s)%n",
                label,
                modules.size(),
                energyFraction));
        sb.append(String.format(
                Locale.ROOT, "  %-48s %4s %10s %9s %7s %9s%n", "module", "r", "σ₁", "eff.rank", "E-rank", "stable"));
        for (ModuleSpectrum m : modules) {
            sb.append(String.format(
                    Locale.ROOT,
                    "  %-48s %4d %10.4g %9.3f %7d %9.3f%n",
                    m.module(),
                    m.size(),
                    m.spectralNorm(),
                    m.effectiveRank(),
                    m.energyRank(energyFraction),
                    m.stableRank()));
        }
        return sb.toString();
    }
}
