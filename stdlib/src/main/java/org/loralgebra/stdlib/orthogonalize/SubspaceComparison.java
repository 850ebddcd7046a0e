package org.loralgebra.stdlib.orthogonalize;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Engine;
import org.loralgebra.exec.Matrix;
import org.loralgebra.exec.ModuleSvd;
import org.loralgebra.exec.Root;
import org.loralgebra.exec.Roots;
import org.loralgebra.lang.LoraException;
import org.loralgebra.lang.Side;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.ModuleOrder;
import org.loralgebra.stdlib.json.ReportJson;

/**
 * Principal angles, module by module, between the top-{@code rankFirst} singular subspace of one adapter's
 * update and the top-{@code rankSecond} subspace of another's, on one side (left singular vectors for
 * {@link Side#OUTPUT}, right for {@link Side#INPUT}); modules both adapters have, in module order. Singular
 * values that are numerically zero do not span a direction ({@link SubspaceBasis}). Computed in factored form:
 * no dense update is formed.
 */
public record SubspaceComparison(
        String first, String second, Side side, int rankFirst, int rankSecond, List<PrincipalAngles> modules) {
    /** Every direction of the update (its whole column or row space). */
    public static final int ALL = Integer.MAX_VALUE;

    public SubspaceComparison {
        modules = List.copyOf(modules);
    }

    /** Both adapters' top-{@code rank} subspaces ({@link #ALL}: every direction). */
    public static SubspaceComparison of(Adapter a, Adapter b, Side side, int rank) {
        return of(a, b, side, rank, rank);
    }

    /** The top-{@code rankA} subspace of {@code a} against the top-{@code rankB} subspace of {@code b}. */
    public static SubspaceComparison of(Adapter a, Adapter b, Side side, int rankA, int rankB) {
        if (side == null || side == Side.BOTH) {
            throw new LoraException("subspace comparison: side must be output or input, got " + side);
        }
        if (rankA < 1 || rankB < 1) {
            throw new LoraException("subspace comparison: ranks must be ≥ 1, got " + rankA + " and " + rankB);
        }
        // Same base model and same shape for every shared module, or an error naming both adapters and the module.
        AdapterType.union(
                List.of(new AdapterType.Operand(a.label(), a.type()), new AdapterType.Operand(b.label(), b.type())),
                specs -> specs.get(0).rank());
        SortedSet<String> common = new TreeSet<>(ModuleOrder.INSTANCE);
        common.addAll(a.modules());
        common.retainAll(b.modules());
        if (common.isEmpty()) {
            throw new LoraException("subspace comparison: '" + a.label() + "' and '" + b.label() + "' share no module");
        }
        Backend be = Engine.current().backend();
        Map<String, PrincipalAngles> out = Collections.synchronizedMap(new TreeMap<>(ModuleOrder.INSTANCE));
        Roots roots = new Roots();
        Root<ModuleSvd> svdA = roots.svd(a.decompose().node());
        Root<ModuleSvd> svdB = roots.svd(b.decompose().node());
        Lora.evaluate(roots, common, (module, values) -> {
            Matrix ua = SubspaceBasis.top(be, values.get(svdA), side, rankA).orElse(null);
            Matrix ub = SubspaceBasis.top(be, values.get(svdB), side, rankB).orElse(null);
            out.put(module, PrincipalAngles.between(be, module, ua, ub));
        });
        return new SubspaceComparison(
                a.label(), b.label(), side, rankA, rankB, new ArrayList<>(new TreeMap<>(out).values()));
    }

    /** One module's angles. */
    public Optional<PrincipalAngles> module(String name) {
        return modules.stream().filter(m -> m.module().equals(name)).findFirst();
    }

    /** The mean of the modules' overlaps φ. */
    public double meanOverlap() {
        return modules.stream().mapToDouble(PrincipalAngles::overlap).average().orElse(0);
    }

    /** As JSON: the adapters, side, ranks, and per module cosines, degrees and overlap. */
    public String toJson() {
        return ReportJson.text(toJsonNode());
    }

    ObjectNode toJsonNode() {
        ObjectNode o = ReportJson.object();
        o.put("first", first);
        o.put("second", second);
        o.put("side", side.name().toLowerCase(Locale.ROOT));
        o.put("rank_first", rankText(rankFirst));
        o.put("rank_second", rankText(rankSecond));
        ReportJson.put(o, "mean_overlap", meanOverlap());
        ArrayNode rows = o.putArray("modules");
        modules.forEach(m -> rows.add(m.toJsonNode()));
        return o;
    }

    static String rankText(int k) {
        return k == ALL ? "all" : String.valueOf(k);
    }

    @Override
    public String toString() {
        int w = Math.max(
                6, modules.stream().mapToInt(m -> m.module().length()).max().orElse(6));
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "Principal angles (%s side) between top-%s of %s and top-%s of %s; mean overlap %.4f%n",
                side.name().toLowerCase(Locale.ROOT),
                rankText(rankFirst),
                first,
                rankText(rankSecond),
                second,
                meanOverlap()));
        sb.append(String.format(
                Locale.ROOT, "%-" + w + "s  %7s  %s%n", "module", "overlap", "angles (degrees, smallest first)"));
        for (PrincipalAngles m : modules) {
            sb.append(String.format(Locale.ROOT, "%-" + w + "s  %7.4f ", m.module(), m.overlap()));
            double[] d = m.degrees();
            for (int i = 0; i < Math.min(d.length, 8); i++) {
                sb.append(String.format(Locale.ROOT, " %5.1f", d[i]));
            }
            sb.append(d.length > 8 ? " …" : "").append('\n');
        }
        return sb.toString();
    }
}
