package org.loralgebra.stdlib.lab;

import com.fasterxml.jackson.databind.node.ArrayNode;
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
        String bestStatic) {
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
    public String toJson() {
        ObjectNode root = ReportJson.object();
        root.put("suite", suite);
        root.put("seeds", seeds);
        ArrayNode t = root.putArray("tasks");
        tasks.forEach(t::add);
        root.set("base", MeanSe.json(base));
        root.set("individual", MeanSe.json(individual));
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
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT, "suite %s, %d seed(s); test accuracy, mean ± se over seeds%n", suite, seeds));
        sb.append(String.format(Locale.ROOT, "%-34s", "method"));
        for (String task : tasks) {
            sb.append(String.format(Locale.ROOT, " %15s", task));
        }
        sb.append(String.format(Locale.ROOT, " %15s%n", "mean"));
        row(sb, "base", base, MeanSe.of(MergeReport.meanOfMeans(base)), false);
        row(sb, "individual (own task)", individual, MeanSe.of(MergeReport.meanOfMeans(individual)), false);
        methods.forEach((name, r) -> row(
                sb,
                name.equals(RouteExperiment.BEST_STATIC) ? name + " (" + bestStatic + ")" : name,
                r.perTask(),
                r.mean(),
                true));
        return sb.toString();
    }

    private void row(StringBuilder sb, String name, Map<String, MeanSe> perTask, MeanSe mean, boolean withSe) {
        sb.append(String.format(Locale.ROOT, "%-34s", name));
        for (String task : tasks) {
            sb.append(" ").append(cell(perTask.get(task)));
        }
        sb.append(" ")
                .append(withSe ? cell(mean) : String.format(Locale.ROOT, "%15.3f", mean.mean()))
                .append(System.lineSeparator());
    }

    private static String cell(MeanSe m) {
        return String.format(Locale.ROOT, "%15s", m.text());
    }
}
