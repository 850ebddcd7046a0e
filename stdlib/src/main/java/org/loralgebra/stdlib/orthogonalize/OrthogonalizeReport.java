package org.loralgebra.stdlib.orthogonalize;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Engine;
import org.loralgebra.exec.Matrix;
import org.loralgebra.exec.ModuleSvd;
import org.loralgebra.exec.Root;
import org.loralgebra.exec.Roots;
import org.loralgebra.lang.Side;
import org.loralgebra.model.ModuleOrder;
import org.loralgebra.stdlib.json.ReportJson;

/**
 * What an orthogonalization did, per base, module and side: the fraction of the update's energy (‖ΔW‖²_F)
 * that lies in the base's top-k subspace, and the principal angles between the update's whole subspace and
 * that one, before and after. After a projection the fraction is ≈ 0 and every angle ≈ 90°.
 */
public record OrthogonalizeReport(String adapter, Side side, int rank, List<Row> rows) {
    /** One base, module and side. */
    public record Row(
            String base,
            String module,
            Side side,
            double energyBefore,
            double energyAfter,
            PrincipalAngles anglesBefore,
            PrincipalAngles anglesAfter) {}

    public OrthogonalizeReport {
        rows = List.copyOf(rows);
    }

    static OrthogonalizeReport of(Orthogonalize op, Adapter before, Adapter after) {
        Backend be = Engine.current().backend();
        Roots roots = new Roots();
        Root<ModuleSvd> beforeSvd = roots.svd(before.decompose().node());
        Root<ModuleSvd> afterSvd = roots.svd(after.decompose().node());
        List<Root<ModuleSvd>> baseSvds =
                op.bases().stream().map(b -> roots.svd(b.decompose().node())).toList();
        List<Side> sides = op.side() == Side.BOTH ? List.of(Side.OUTPUT, Side.INPUT) : List.of(op.side());
        List<Row> rows = Collections.synchronizedList(new ArrayList<>());
        SortedSet<String> modules = new TreeSet<>(ModuleOrder.INSTANCE);
        modules.addAll(before.modules());
        Lora.evaluate(roots, modules, (module, values) -> {
            ModuleSvd x = values.get(beforeSvd);
            ModuleSvd y = values.get(afterSvd);
            for (int i = 0; i < op.bases().size(); i++) {
                ModuleSvd base = values.get(baseSvds.get(i));
                if (base == null) {
                    continue;
                }
                for (Side s : sides) {
                    Matrix q = SubspaceBasis.top(be, base, s, op.rank()).orElse(null);
                    rows.add(new Row(
                            op.bases().get(i).label(),
                            module,
                            s,
                            energyInside(be, x, s, q),
                            energyInside(be, y, s, q),
                            angles(be, module, x, s, q),
                            angles(be, module, y, s, q)));
                }
            }
        });
        List<String> labels = op.bases().stream().map(Adapter::label).toList();
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing((Row r) -> r.module(), ModuleOrder.INSTANCE)
                .thenComparingInt(r -> labels.indexOf(r.base()))
                .thenComparing(Row::side));
        return new OrthogonalizeReport(before.label(), op.side(), op.rank(), sorted);
    }

    private static PrincipalAngles angles(Backend be, String module, ModuleSvd x, Side s, Matrix q) {
        return PrincipalAngles.between(
                be, module, SubspaceBasis.top(be, x, s, Orthogonalize.ALL).orElse(null), q);
    }

    /** ‖QᵀU·S‖²/‖S‖² (output side) or ‖QᵀV·S‖²/‖S‖² (input side): the energy fraction of U·S·Vᵀ inside span(Q). */
    static double energyInside(Backend be, ModuleSvd x, Side s, Matrix q) {
        double[] sv = x.s();
        double total = 0;
        for (double v : sv) {
            total += v * v;
        }
        if (q == null || total == 0 || sv.length == 0) {
            return 0;
        }
        Matrix vectors = s == Side.OUTPUT ? x.u() : x.v();
        Matrix weighted = be.scaleColumns(be.matmul(q, true, vectors, false), sv);
        double inside = 0;
        for (double v : be.toRowMajor(weighted)) {
            inside += v * v;
        }
        return inside / total;
    }

    /** The largest energy fraction left inside a base's subspace after the projection (≈ 0 when it worked). */
    public double maxEnergyAfter() {
        return rows.stream().mapToDouble(Row::energyAfter).max().orElse(0);
    }

    /** As JSON. */
    public String toJson() {
        ObjectNode o = ReportJson.object();
        o.put("adapter", adapter);
        o.put("side", side.name().toLowerCase(Locale.ROOT));
        o.put("rank", SubspaceComparison.rankText(rank));
        ReportJson.put(o, "max_energy_after", maxEnergyAfter());
        ArrayNode arr = o.putArray("rows");
        for (Row r : rows) {
            ObjectNode n = arr.addObject();
            n.put("base", r.base());
            n.put("module", r.module());
            n.put("side", r.side().name().toLowerCase(Locale.ROOT));
            ReportJson.put(n, "energy_before", r.energyBefore());
            ReportJson.put(n, "energy_after", r.energyAfter());
            ReportJson.put(n, "overlap_before", r.anglesBefore().overlap());
            ReportJson.put(n, "overlap_after", r.anglesAfter().overlap());
            n.set("degrees_before", ReportJson.array(r.anglesBefore().degrees()));
            n.set("degrees_after", ReportJson.array(r.anglesAfter().degrees()));
        }
        return ReportJson.text(o);
    }

    @Override
    public String toString() {
        int w = Math.max(
                6, rows.stream().mapToInt(r -> r.module().length()).max().orElse(6));
        int wb =
                Math.max(4, rows.stream().mapToInt(r -> r.base().length()).max().orElse(4));
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "Orthogonalized %s (%s side, top-%s of each base); energy = fraction of ‖ΔW‖² inside the base's subspace%n",
                adapter,
                side.name().toLowerCase(Locale.ROOT),
                SubspaceComparison.rankText(rank)));
        sb.append(String.format(
                Locale.ROOT,
                "%-" + wb + "s  %-" + w + "s  %-6s  %13s  %13s  %14s  %14s%n",
                "base",
                "module",
                "side",
                "energy before",
                "energy after",
                "min ∠ before",
                "min ∠ after"));
        for (Row r : rows) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%-" + wb + "s  %-" + w + "s  %-6s  %13.4g  %13.4g  %13.2f°  %13.2f°%n",
                    r.base(),
                    r.module(),
                    r.side().name().toLowerCase(Locale.ROOT),
                    r.energyBefore(),
                    r.energyAfter(),
                    r.anglesBefore().smallestDegrees(),
                    r.anglesAfter().smallestDegrees()));
        }
        return sb.toString();
    }
}
