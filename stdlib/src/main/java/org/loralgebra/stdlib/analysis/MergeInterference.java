package org.loralgebra.stdlib.analysis;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Engine;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.exec.ModuleSvd;
import org.loralgebra.exec.Root;
import org.loralgebra.exec.Roots;
import org.loralgebra.lang.LoraException;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.ModuleOrder;
import org.loralgebra.stdlib.json.ReportJson;

/**
 * How much adapters that are to be merged interfere, module by module (over the modules at least two of them
 * have) and pair by pair:
 * <ul>
 *   <li>the cosine of the flattened updates, computed factored ({@link FrobeniusInner}:
 *       {@code ⟨B₁A₁, B₂A₂⟩ = tr((B₁ᵀB₂)(A₂A₁ᵀ))}, no dense update);</li>
 *   <li>the share of dense entries whose signs conflict (what TIES' sign election resolves), pairwise and N-way,
 *       on the untrimmed updates, formed block by block ({@link SignConflicts});</li>
 *   <li>the overlap {@code φ(k, k)} of their top output and input singular subspaces (k the smaller rank), from
 *       the factored SVDs.</li>
 * </ul>
 * Scales and merge weights: the cosine and the overlaps do not depend on positive factors, sign conflicts do not
 * depend on any factor's size; pass {@code a.times(w)} to analyse a negated (or weighted) term.
 *
 * @param labels  the adapters' labels; indices in pairs refer to this list
 * @param modules per module, in module order
 */
public record MergeInterference(List<String> labels, List<ModuleInterference> modules) {
    public MergeInterference {
        labels = List.copyOf(labels);
        List<ModuleInterference> sorted = new ArrayList<>(modules);
        sorted.sort((a, b) -> ModuleOrder.INSTANCE.compare(a.module(), b.module()));
        modules = List.copyOf(sorted);
    }

    /** The interference of two or more adapters. */
    public static MergeInterference of(Adapter... adapters) {
        return of(List.of(adapters));
    }

    /**
     * The interference of two or more adapters of one base model.
     *
     * @throws org.loralgebra.model.AdapterTypeException when base models differ or a shared module has two shapes
     */
    public static MergeInterference of(List<Adapter> adapters) {
        if (adapters.size() < 2) {
            throw new LoraException("merge interference needs at least two adapters, got " + adapters.size());
        }
        List<AdapterType.Operand> ops = new ArrayList<>();
        Roots roots = new Roots();
        List<Root<ModuleFactors>> updates = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (Adapter a : adapters) {
            ops.add(new AdapterType.Operand(a.label(), a.type()));
            updates.add(roots.factors(a.node()));
            labels.add(a.label());
        }
        AdapterType.union(ops, specs -> 0);
        List<Root<ModuleSvd>> svds =
                adapters.stream().map(a -> roots.svd(a.decompose().node())).toList();
        int n = adapters.size();
        Backend be = Engine.current().backend();
        List<ModuleInterference> out = Collections.synchronizedList(new ArrayList<>());
        Lora.evaluate(roots, (module, values) -> {
            List<Integer> present = new ArrayList<>();
            for (int p = 0; p < n; p++) {
                if (values.get(updates.get(p)) != null) {
                    present.add(p);
                }
            }
            if (present.size() < 2) {
                return;
            }
            List<ModuleFactors> factors =
                    present.stream().map(p -> values.get(updates.get(p))).toList();
            SignConflicts signs = SignConflicts.count(be, factors);
            ModuleName name = ModuleName.of(module);
            List<PairInterference> pairs = new ArrayList<>();
            for (int i = 0; i < present.size(); i++) {
                for (int j = i + 1; j < present.size(); j++) {
                    int p = present.get(i);
                    int q = present.get(j);
                    ModuleSvd sp = values.get(svds.get(p));
                    ModuleSvd sq = values.get(svds.get(q));
                    pairs.add(new PairInterference(
                            p,
                            q,
                            FrobeniusInner.cosine(be, factors.get(i), factors.get(j)),
                            signs.share(i, j),
                            ModuleSubspaceSimilarity.compute(be, name, sp.u(), sq.u())
                                    .topOverlap(),
                            ModuleSubspaceSimilarity.compute(be, name, sp.v(), sq.v())
                                    .topOverlap()));
                }
            }
            out.add(new ModuleInterference(name, present, pairs, signs.share()));
        });
        if (out.isEmpty()) {
            throw new LoraException("no module is shared by two of " + labels + ": nothing can interfere");
        }
        return new MergeInterference(labels, out);
    }

    /** One module's interference. */
    public ModuleInterference module(String name) {
        return modules.stream()
                .filter(m -> m.module().equals(name))
                .findFirst()
                .orElseThrow(() -> new LoraException("no module '" + name + "' shared by two of " + labels));
    }

    /** Per module, the mean of a measure over its pairs (for two adapters: the pair's value). */
    public SortedMap<String, Double> measure(InterferenceMeasure measure) {
        SortedMap<String, Double> out = new TreeMap<>(ModuleOrder.INSTANCE);
        modules.forEach(m -> out.put(m.module(), m.mean(measure)));
        return Collections.unmodifiableSortedMap(out);
    }

    /** Per module, the N-way sign-conflict share. */
    public SortedMap<String, Double> signConflict() {
        SortedMap<String, Double> out = new TreeMap<>(ModuleOrder.INSTANCE);
        modules.forEach(m -> out.put(m.module(), m.signConflict()));
        return Collections.unmodifiableSortedMap(out);
    }

    /** {@link #measure} as a layer × module-type grid. */
    public LayerGrid grid(InterferenceMeasure measure) {
        return LayerGrid.of(measure.title(), measure(measure));
    }

    /**
     * The N×N matrix of a measure's mean over the modules each pair shares (symmetric; NaN on the diagonal and
     * for pairs that share no module).
     */
    public double[][] pairMatrix(InterferenceMeasure measure) {
        int n = labels.size();
        double[][] sum = new double[n][n];
        int[][] count = new int[n][n];
        for (ModuleInterference m : modules) {
            for (PairInterference p : m.pairs()) {
                double v = p.get(measure);
                if (Double.isFinite(v)) {
                    sum[p.first()][p.second()] += v;
                    count[p.first()][p.second()]++;
                }
            }
        }
        double[][] out = new double[n][n];
        for (double[] row : out) {
            Arrays.fill(row, Double.NaN);
        }
        for (int p = 0; p < n; p++) {
            for (int q = p + 1; q < n; q++) {
                if (count[p][q] > 0) {
                    out[p][q] = sum[p][q] / count[p][q];
                    out[q][p] = out[p][q];
                }
            }
        }
        return out;
    }

    /** Everything as JSON. */
    public String toJson() {
        ObjectNode o = ReportJson.object();
        o.put("analysis", "merge-interference");
        ArrayNode ls = o.putArray("adapters");
        labels.forEach(ls::add);
        ObjectNode summary = o.putObject("mean_by_pair");
        for (InterferenceMeasure m : InterferenceMeasure.values()) {
            ArrayNode rows = summary.putArray(m.key());
            for (double[] row : pairMatrix(m)) {
                rows.add(ReportJson.array(row));
            }
        }
        ArrayNode list = o.putArray("modules");
        for (ModuleInterference m : modules) {
            ObjectNode e = list.addObject();
            e.put("module", m.module());
            ArrayNode present = e.putArray("adapters");
            m.present().forEach(present::add);
            ReportJson.put(e, "sign_conflict", m.signConflict());
            ArrayNode pairs = e.putArray("pairs");
            for (PairInterference p : m.pairs()) {
                ObjectNode x = pairs.addObject();
                x.put("first", p.first());
                x.put("second", p.second());
                for (InterferenceMeasure measure : InterferenceMeasure.values()) {
                    ReportJson.put(x, measure.key(), p.get(measure));
                }
            }
        }
        return ReportJson.line(o);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Merge interference of " + labels + " (" + modules.size() + " modules)\n");
        sb.append(String.format(Locale.ROOT, "  %-48s %8s %8s %8s %8s%n", "module", "cos", "signs", "φ out", "φ in"));
        for (ModuleInterference m : modules) {
            sb.append(String.format(
                    Locale.ROOT,
                    "  %-48s %8.4f %8.3f %8.3f %8.3f%n",
                    m.module(),
                    m.mean(InterferenceMeasure.COSINE),
                    m.signConflict(),
                    m.mean(InterferenceMeasure.OUTPUT_OVERLAP),
                    m.mean(InterferenceMeasure.INPUT_OVERLAP)));
        }
        return sb.toString();
    }
}
