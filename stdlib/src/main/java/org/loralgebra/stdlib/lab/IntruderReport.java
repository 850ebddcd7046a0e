package org.loralgebra.stdlib.lab;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import org.loralgebra.stdlib.json.ReportJson;

/**
 * What {@link IntruderExperiment} measured: per λ, the mean number of intruder dimensions found per adapter, and
 * test accuracy on the adapters' own tasks ({@code task}) and on the base's own domain ({@code base_task}), each the
 * mean over the tasks' adapters, then mean ± standard error over seeds; the base and the unreduced adapters as
 * references. Immutable.
 *
 * @param suite the suite's name
 * @param seeds how many seeds
 * @param tasks the tasks whose adapters were reduced
 * @param base the base model
 * @param adapter the adapters before reduction
 * @param rows one per λ, in grid order
 */
public record IntruderReport(
        String suite, int seeds, List<String> tasks, Reference base, Reference adapter, List<Row> rows)
        implements LabReport {
    /** Copies the lists. */
    public IntruderReport {
        tasks = List.copyOf(tasks);
        rows = List.copyOf(rows);
    }

    /**
     * A reference model's accuracies.
     *
     * @param task on the adapters' own tasks (for the base: on the same tasks)
     * @param baseTask on the base's own domain
     */
    public record Reference(MeanSe task, MeanSe baseTask) {}

    /**
     * One λ.
     *
     * @param lambda the share of each intruder direction kept
     * @param intruders intruder dimensions found per adapter (summed over modules), mean over adapters and seeds
     * @param task accuracy on the adapters' own tasks
     * @param baseTask accuracy on the base's own domain
     */
    public record Row(double lambda, double intruders, MeanSe task, MeanSe baseTask) {}

    /**
     * The JSON of {@code lora lab intruders --json}: {@code {"suite", "seeds", "tasks", "base": {"task", "base_task"},
     * "adapter": {…}, "rows": [{"lambda", "intruders", "task": {"mean", "se"}, "base_task": {"mean", "se"}}]}}.
     */
    @Override
    public String toJson() {
        ObjectNode root = ReportJson.object();
        root.put("suite", suite);
        root.put("seeds", seeds);
        ArrayNode t = root.putArray("tasks");
        tasks.forEach(t::add);
        reference(root.putObject("base"), base);
        reference(root.putObject("adapter"), adapter);
        ArrayNode rs = root.putArray("rows");
        for (Row r : rows) {
            ObjectNode o = rs.addObject();
            ReportJson.put(o, "lambda", r.lambda());
            ReportJson.put(o, "intruders", r.intruders());
            r.task().writeTo(o.putObject("task"));
            r.baseTask().writeTo(o.putObject("base_task"));
        }
        return ReportJson.line(root);
    }

    /** A readable table: the references, then one row per λ. */
    @Override
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "suite %s, %d seed(s); adapters of %s reduced (k 10, ε 0.5); test accuracy, mean ± se over seeds%n",
                suite,
                seeds,
                String.join(", ", tasks)));
        sb.append(String.format(
                Locale.ROOT, "%-26s %10s %15s %15s%n", "model", "intruders", "own task ↑", "base task ↑"));
        sb.append(String.format(
                Locale.ROOT,
                "%-26s %10s %15s %15s%n",
                "base",
                "-",
                base.task().text(),
                base.baseTask().text()));
        sb.append(String.format(
                Locale.ROOT,
                "%-26s %10s %15s %15s%n",
                "adapters (not reduced)",
                "-",
                adapter.task().text(),
                adapter.baseTask().text()));
        for (Row r : rows) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%-26s %10.2f %15s %15s%n",
                    String.format(Locale.ROOT, "λ %.2f", r.lambda()),
                    r.intruders(),
                    r.task().text(),
                    r.baseTask().text()));
        }
        return sb.toString();
    }

    private static void reference(ObjectNode o, Reference r) {
        r.task().writeTo(o.putObject("task"));
        r.baseTask().writeTo(o.putObject("base_task"));
    }
}
