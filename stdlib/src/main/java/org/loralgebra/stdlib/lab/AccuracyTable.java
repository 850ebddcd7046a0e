package org.loralgebra.stdlib.lab;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.loralgebra.stdlib.json.ReportJson;

/**
 * The table a lab experiment reports its test accuracies in, per task: a title, a header of task names, the base and
 * individual-adapter reference rows, then one row per method; each cell mean ± se over seeds. What a report adds per
 * row (MergeReport's λ) it appends after {@link #row}.
 *
 * @param suite the suite's name
 * @param seeds how many seeds
 * @param tasks the task names, in column order
 * @param nameWidth the width of the first column
 */
record AccuracyTable(String suite, int seeds, List<String> tasks, int nameWidth) {
    /** Copies the task names. */
    AccuracyTable {
        tasks = List.copyOf(tasks);
    }

    /** {@code {"suite", "seeds", "tasks", "base": {TASK: {"mean", "se"}}, "individual": {…}}}. */
    ObjectNode json(Map<String, MeanSe> base, Map<String, MeanSe> individual) {
        ObjectNode root = ReportJson.object();
        root.put("suite", suite);
        root.put("seeds", seeds);
        ArrayNode t = root.putArray("tasks");
        tasks.forEach(t::add);
        root.set("base", MeanSe.json(base));
        root.set("individual", MeanSe.json(individual));
        return root;
    }

    /** The title line, then "method" and the task names, each column 15 wide, ended by {@code tail}. */
    StringBuilder header(String tail) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT, "suite %s, %d seed(s); test accuracy, mean ± se over seeds%n", suite, seeds));
        sb.append(String.format(Locale.ROOT, "%-" + nameWidth + "s", "method"));
        for (String task : tasks) {
            sb.append(String.format(Locale.ROOT, " %15s", task));
        }
        return sb.append(tail);
    }

    /**
     * One row without its line end: the name, mean ± se per task, and the overall mean, with its se where
     * {@code withSe} (the references' overall mean is a mean of means, with no spread over seeds to show).
     */
    void row(StringBuilder sb, String name, Map<String, MeanSe> perTask, MeanSe mean, boolean withSe) {
        sb.append(String.format(Locale.ROOT, "%-" + nameWidth + "s", name));
        for (String task : tasks) {
            sb.append(" ").append(cell(perTask.get(task)));
        }
        sb.append(" ").append(withSe ? cell(mean) : String.format(Locale.ROOT, "%15.3f", mean.mean()));
    }

    /** A reference row (base, individual) without its line end: the overall mean is the mean of the task means. */
    void reference(StringBuilder sb, String name, Map<String, MeanSe> perTask) {
        row(sb, name, perTask, MeanSe.of(meanOfMeans(perTask)), false);
    }

    /** The mean over tasks of the given per-task means. */
    static double meanOfMeans(Map<String, MeanSe> perTask) {
        return perTask.values().stream().mapToDouble(MeanSe::mean).average().orElse(Double.NaN);
    }

    private static String cell(MeanSe m) {
        return String.format(Locale.ROOT, "%15s", m.text());
    }
}
