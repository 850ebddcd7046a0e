package org.loralgebra.stdlib.unlearn;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Engine;
import org.loralgebra.exec.Factored;
import org.loralgebra.exec.Matrix;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.exec.Root;
import org.loralgebra.exec.Roots;
import org.loralgebra.lang.Side;
import org.loralgebra.model.ModuleOrder;
import org.loralgebra.stdlib.json.ReportJson;
import org.loralgebra.stdlib.orthogonalize.SubspaceBasis;

/**
 * What an unlearning recipe removes, per module. Energies are squared Frobenius norms: of the forget update, of
 * what pruning keeps of it, and of what is finally removed (the protected, pruned forget update; the unlearning
 * update is −λ times it, so its energy is λ² times that). Overlaps are the fraction of an update's energy inside
 * the retain adapter's top-K output subspace (K: the protect rank, or all of it without protection), for the
 * forget update, the pruned one and the final one (≈ 0 when protection is on); NaN without a retain adapter or
 * where it lacks the module.
 */
public record UnlearnReport(
        String forget,
        String retain,
        double lambda,
        String protectRank,
        String pruneRank,
        String pruning,
        List<Row> rows) {
    /** One module. */
    public record Row(
            String module,
            double forgetEnergy,
            double prunedEnergy,
            double removedEnergy,
            double overlapForget,
            double overlapPruned,
            double overlapRemoved) {
        /** removedEnergy / forgetEnergy. */
        public double removedFraction() {
            return forgetEnergy == 0 ? 0 : removedEnergy / forgetEnergy;
        }
    }

    public UnlearnReport {
        rows = List.copyOf(rows);
    }

    static UnlearnReport of(Unlearn u) {
        Backend be = Engine.current().backend();
        Roots roots = new Roots();
        Root<ModuleFactors> forget = roots.factors(u.forgetAdapter().node());
        Root<ModuleFactors> pruned = roots.factors(u.pruned().node());
        Root<ModuleFactors> protectedForget = roots.factors(u.protectedForget().node());
        Optional<Adapter> retain = u.retainAdapter();
        Optional<Root<ModuleFactors>> retained = retain.map(r -> roots.factors(r.node()));
        int k = u.retainRankForMeasures();
        SortedMap<String, Row> rows = Collections.synchronizedSortedMap(new TreeMap<>(ModuleOrder.INSTANCE));
        SortedSet<String> modules = new TreeSet<>(ModuleOrder.INSTANCE);
        modules.addAll(u.forgetAdapter().modules());
        Lora.evaluate(roots, modules, (module, values) -> {
            ModuleFactors f = values.get(forget);
            ModuleFactors p = values.get(pruned);
            ModuleFactors r = values.get(protectedForget);
            Optional<ModuleFactors> kept = retained.flatMap(values::find);
            Matrix q = kept.flatMap(x -> SubspaceBasis.top(be, Factored.svd(be, x), Side.OUTPUT, k))
                    .orElse(null);
            boolean measured = kept.isPresent();
            rows.put(
                    module,
                    new Row(
                            module,
                            energy(be, f, null),
                            energy(be, p, null),
                            energy(be, r, null),
                            measured ? fraction(be, f, q) : Double.NaN,
                            measured ? fraction(be, p, q) : Double.NaN,
                            measured ? fraction(be, r, q) : Double.NaN));
        });
        return new UnlearnReport(
                u.forgetAdapter().label(),
                retain.map(Adapter::label).orElse(""),
                u.lambda(),
                Unlearn.rankText(u.protectRank()),
                Unlearn.rankText(u.pruneRank()),
                u.pruning().describe(),
                new ArrayList<>(new TreeMap<>(rows).values()));
    }

    /** ‖QᵀΔW‖² (or ‖ΔW‖² when q is null) of {@code ΔW = s·B·A}, from the r×r Gram matrices: s²·Σ (BᵀQQᵀB) ∘ (AAᵀ). */
    static double energy(Backend be, ModuleFactors f, Matrix q) {
        Matrix left = q == null ? f.b() : be.matmul(q, true, f.b(), false);
        double[] gb = be.toRowMajor(be.matmul(left, true, left, false));
        double[] ga = be.toRowMajor(be.matmul(f.a(), false, f.a(), true));
        double sum = 0;
        for (int i = 0; i < gb.length; i++) {
            sum += gb[i] * ga[i];
        }
        return Math.max(0, sum) * f.scale() * f.scale();
    }

    private static double fraction(Backend be, ModuleFactors f, Matrix q) {
        double total = energy(be, f, null);
        if (q == null || total == 0) {
            return 0;
        }
        return energy(be, f, q) / total;
    }

    /** Σ removed energy / Σ forget energy over all modules. */
    public double removedFraction() {
        double removed = rows.stream().mapToDouble(Row::removedEnergy).sum();
        double total = rows.stream().mapToDouble(Row::forgetEnergy).sum();
        return total == 0 ? 0 : removed / total;
    }

    /** The largest overlap of the removed update with the retain subspace (≈ 0 with protection). */
    public double maxOverlapRemoved() {
        return rows.stream()
                .mapToDouble(Row::overlapRemoved)
                .filter(Double::isFinite)
                .max()
                .orElse(0);
    }

    /** As JSON. */
    public String toJson() {
        ObjectNode o = ReportJson.object();
        o.put("forget", forget);
        o.put("retain", retain);
        o.put("lambda", lambda);
        o.put("protect_rank", protectRank);
        o.put("prune_rank", pruneRank);
        o.put("pruning", pruning);
        ReportJson.put(o, "removed_fraction", removedFraction());
        ArrayNode arr = o.putArray("modules");
        for (Row r : rows) {
            ObjectNode n = arr.addObject();
            n.put("module", r.module());
            ReportJson.put(n, "forget_energy", r.forgetEnergy());
            ReportJson.put(n, "pruned_energy", r.prunedEnergy());
            ReportJson.put(n, "removed_energy", r.removedEnergy());
            ReportJson.put(n, "removed_fraction", r.removedFraction());
            ReportJson.put(n, "overlap_forget", r.overlapForget());
            ReportJson.put(n, "overlap_pruned", r.overlapPruned());
            ReportJson.put(n, "overlap_removed", r.overlapRemoved());
        }
        return ReportJson.text(o);
    }

    @Override
    public String toString() {
        int w = Math.max(
                6, rows.stream().mapToInt(r -> r.module().length()).max().orElse(6));
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "Unlearn %s%s: λ = %s, protect rank %s, prune rank %s by %s; %.2f%% of the forget energy removed%n",
                forget,
                retain.isEmpty() ? "" : " (protecting " + retain + ")",
                lambda,
                protectRank,
                pruneRank,
                pruning,
                100 * removedFraction()));
        sb.append(String.format(
                Locale.ROOT,
                "%-" + w + "s  %12s  %9s  %s%n",
                "module",
                "‖ΔW_f‖²",
                "removed",
                "overlap with retain subspace: forget → pruned → removed"));
        for (Row r : rows) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%-" + w + "s  %12.5g  %8.2f%%  %8.4f → %8.4f → %10.3g%n",
                    r.module(),
                    r.forgetEnergy(),
                    100 * r.removedFraction(),
                    r.overlapForget(),
                    r.overlapPruned(),
                    r.overlapRemoved()));
        }
        return sb.toString();
    }
}
