package org.loralgebra.stdlib.analysis;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.loralgebra.lang.LoraException;
import org.loralgebra.model.ModuleOrder;
import org.loralgebra.stdlib.json.ReportJson;

/**
 * What {@link ReduceIntruders} did, per module in module order: the intruders found, their σ and best cosines,
 * and {@code ‖ΔW' − ΔW‖/‖ΔW‖}.
 *
 * @param adapter   the adapter's label
 * @param baseModel where the base weights came from
 * @param topK      k
 * @param epsilon   ε
 * @param lambda    λ
 * @param modules   per module
 */
public record IntruderReduction(
        String adapter, String baseModel, int topK, double epsilon, double lambda, List<ModuleReduction> modules) {
    public IntruderReduction {
        List<ModuleReduction> sorted = new ArrayList<>(modules);
        sorted.sort((a, b) -> ModuleOrder.INSTANCE.compare(a.module(), b.module()));
        modules = List.copyOf(sorted);
    }

    /** One module's result. */
    public ModuleReduction module(String name) {
        return modules.stream()
                .filter(m -> m.module().equals(name))
                .findFirst()
                .orElseThrow(() ->
                        new LoraException("intruder reduction of '" + adapter + "' has no module '" + name + "'"));
    }

    /** Intruders over all modules. */
    public int total() {
        return modules.stream().mapToInt(ModuleReduction::count).sum();
    }

    /** Modules changed (those with intruders). */
    public long changed() {
        return modules.stream().filter(m -> m.count() > 0).count();
    }

    /** Everything as one line of JSON. */
    public String toJson() {
        ObjectNode o = ReportJson.object();
        o.put("operation", "reduce-intruders");
        o.put("adapter", adapter);
        o.put("base_model", baseModel);
        o.put("top_k", topK);
        o.put("epsilon", epsilon);
        o.put("lambda", lambda);
        o.put("total", total());
        o.put("modules_changed", changed());
        ArrayNode list = o.putArray("modules");
        for (ModuleReduction m : modules) {
            ObjectNode e = list.addObject();
            e.put("module", m.module());
            e.put("rank", m.rank());
            e.put("intruders", m.count());
            ArrayNode at = e.putArray("positions");
            for (int i : m.intruders()) {
                at.add(i);
            }
            e.set("singular_values", ReportJson.array(m.singularValues()));
            e.set("max_cosine", ReportJson.array(m.maxCosine()));
            ReportJson.put(e, "relative_change", m.relativeChange());
        }
        return ReportJson.line(o);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "Intruder reduction of %s against %s (top %d, ε = %s, λ = %s): %d intruders in %d of %d modules%n",
                adapter,
                baseModel,
                topK,
                epsilon,
                lambda,
                total(),
                changed(),
                modules.size()));
        for (ModuleReduction m : modules) {
            sb.append("  ").append(m).append('\n');
        }
        return sb.toString();
    }
}
