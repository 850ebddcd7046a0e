package org.loralgebra.stdlib.lab;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import org.loralgebra.stdlib.json.ReportJson;

/**
 * What {@link MergeExperiment} measured: test accuracies (fractions in [0, 1]) over seeds, as mean ± standard
 * error, of the base, of each task's own adapter, and of every merge method (per task and their mean), plus the
 * merge weight λ each method chose on the validation split. Immutable.
 *
 * @param suite the suite's name
 * @param seeds how many seeds (0 … seeds − 1)
 * @param tasks the task names, in order
 * @param base the base model's accuracy per task
 * @param individual each task's adapter on its own task
 * @param methods per method name ({@code lora merge --method} names, and {@code routing}), in run order
 */
public record MergeReport(
        String suite,
        int seeds,
        List<String> tasks,
        Map<String, MeanSe> base,
        Map<String, MeanSe> individual,
        Map<String, MethodResult> methods)
        implements LabReport {
    /** Copies the collections. */
    public MergeReport {
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
     * @param lambdas the λ chosen with each seed (empty for routing, which has none)
     */
    public record MethodResult(Map<String, MeanSe> perTask, MeanSe mean, List<Double> lambdas) {
        /** Copies the collections. */
        public MethodResult {
            perTask = Collections.unmodifiableMap(new LinkedHashMap<>(perTask));
            lambdas = List.copyOf(lambdas);
        }

        /** The mean of the chosen λ over seeds, if the method has one. */
        public OptionalDouble lambda() {
            return lambdas.stream().mapToDouble(Double::doubleValue).average();
        }
    }

    /** The mean over tasks of the given per-task means (for the base and individual rows). */
    public static double meanOfMeans(Map<String, MeanSe> perTask) {
        return AccuracyTable.meanOfMeans(perTask);
    }

    /**
     * The JSON of {@code lora lab merge --json}: {@code {"suite", "seeds", "tasks", "base": {TASK: {"mean", "se"}},
     * "individual": {…}, "methods": {METHOD: {"per_task": {…}, "mean", "se", "lambda", "lambdas"}}}}; {@code lambda}
     * is the mean chosen λ (null for routing). The same seeds give the same bytes.
     */
    @Override
    public String toJson() {
        ObjectNode root = table().json(base, individual);
        ObjectNode ms = root.putObject("methods");
        methods.forEach((name, r) -> {
            ObjectNode m = ms.putObject(name);
            m.set("per_task", MeanSe.json(r.perTask()));
            ReportJson.put(m, "mean", r.mean().mean());
            ReportJson.put(m, "se", r.mean().se());
            if (r.lambda().isPresent()) {
                ReportJson.put(m, "lambda", r.lambda().getAsDouble());
            } else {
                m.putNull("lambda");
            }
            ArrayNode l = m.putArray("lambdas");
            r.lambdas().forEach(l::add);
        });
        return ReportJson.line(root);
    }

    /** A readable table: one row per reference and method, mean ± se per task and overall. */
    @Override
    public String toText() {
        AccuracyTable table = table();
        StringBuilder sb = table.header(String.format(Locale.ROOT, " %15s %6s%n", "mean", "λ"));
        table.reference(sb, "base", base);
        endRow(sb, OptionalDouble.empty());
        table.reference(sb, "individual (own task)", individual);
        endRow(sb, OptionalDouble.empty());
        methods.forEach((name, r) -> {
            table.row(sb, name, r.perTask(), r.mean(), true);
            endRow(sb, r.lambda());
        });
        return sb.toString();
    }

    private AccuracyTable table() {
        return new AccuracyTable(suite, seeds, tasks, 22);
    }

    /** The λ column, then the line end. */
    private static void endRow(StringBuilder sb, OptionalDouble lambda) {
        sb.append(lambda.isPresent() ? String.format(Locale.ROOT, " %6.2f", lambda.getAsDouble()) : "      -");
        sb.append(System.lineSeparator());
    }
}
