package org.loralgebra.stdlib.lab;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.loralgebra.stdlib.json.ReportJson;

/**
 * What {@link RouteExperiment} measured: test accuracies (fractions in [0, 1]) over seeds, as mean ± standard error,
 * of the base, of each task's own adapter, and of every routing method (per task and their mean), with the best
 * static merge (chosen on the validation split) as the reference a router has to beat. Immutable.
 *
 * @param suite the suite's name
 * @param seeds how many seeds (0 … seeds − 1)
 * @param tasks the task names, in order
 * @param base the base model's accuracy per task
 * @param individual each task's adapter on its own task
 * @param methods per routing method name, and {@link RouteExperiment#BEST_STATIC}, in run order
 * @param bestStatic the merge method {@link RouteExperiment#BEST_STATIC} stands for ({@code lora merge --method}
 *     name), or empty when the experiment ran without it
 */
public record RouteReport(
        String suite,
        int seeds,
        List<String> tasks,
        Map<String, MeanSe> base,
        Map<String, MeanSe> individual,
        Map<String, MethodResult> methods,
        String bestStatic)
        implements LabReport {
    /** Copies the collections. */
    public RouteReport {
        tasks = List.copyOf(tasks);
        base = Collections.unmodifiableMap(new LinkedHashMap<>(base));
        individual = Collections.unmodifiableMap(new LinkedHashMap<>(individual));
        methods = Collections.unmodifiableMap(new LinkedHashMap<>(methods));
    }

    /**
     * One method's results.
     *
     * @param perTask accuracy per task
     * @param mean the mean over tasks, then over seeds
     */
    public record MethodResult(Map<String, MeanSe> perTask, MeanSe mean) {
        /** Copies the map. */
        public MethodResult {
            perTask = Collections.unmodifiableMap(new LinkedHashMap<>(perTask));
        }
    }

    /**
     * The JSON of {@code lora lab route --json}: {@code {"suite", "seeds", "tasks", "base": {TASK: {"mean", "se"}},
     * "individual": {…}, "methods": {NAME: {"per_task": {TASK: {"mean", "se"}}, "mean", "se"}}}}, the
     * {@code best_static} entry carrying a {@code "method"} field. The same seeds give the same bytes.
     */
    @Override
    public String toJson() {
        ObjectNode root = table().json(base, individual);
        ObjectNode ms = root.putObject("methods");
        methods.forEach((name, r) -> {
            ObjectNode m = ms.putObject(name);
            if (name.equals(RouteExperiment.BEST_STATIC)) {
                m.put("method", bestStatic);
            }
            m.set("per_task", MeanSe.json(r.perTask()));
            ReportJson.put(m, "mean", r.mean().mean());
            ReportJson.put(m, "se", r.mean().se());
        });
        return ReportJson.line(root);
    }

    /** A readable table: one row per reference and method, mean ± se per task and overall. */
    @Override
    public String toText() {
        AccuracyTable table = table();
        StringBuilder sb = table.header(String.format(Locale.ROOT, " %15s%n", "mean"));
        table.reference(sb, "base", base);
        sb.append(System.lineSeparator());
        table.reference(sb, "individual (own task)", individual);
        sb.append(System.lineSeparator());
        methods.forEach((name, r) -> {
            String shown = name.equals(RouteExperiment.BEST_STATIC) ? name + " (" + bestStatic + ")" : name;
            table.row(sb, shown, r.perTask(), r.mean(), true);
            sb.append(System.lineSeparator());
        });
        return sb.toString();
    }

    private AccuracyTable table() {
        return new AccuracyTable(suite, seeds, tasks, 34);
    }
}
