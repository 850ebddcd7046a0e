package org.loralgebra.stdlib.lab;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import org.loralgebra.stdlib.json.ReportJson;

/**
 * What {@link UnlearnExperiment} measured: for the base, the joint model and every (λ, protect rank, pruning) row,
 * test accuracy on the forgotten task, the mean over the retained tasks and on the control (fractions in [0, 1]),
 * mean ± standard error over seeds. Immutable.
 *
 * @param suite the suite's name
 * @param seeds how many seeds (0 … seeds − 1)
 * @param forget the forgotten task
 * @param retain the retained tasks
 * @param base the base model
 * @param joint the model with the joint adapter, before unlearning
 * @param rows the grid, λ outermost, then protect rank, then pruning
 */
public record ForgettingReport(
        String suite, int seeds, String forget, List<String> retain, Accuracies base, Accuracies joint, List<Row> rows)
        implements LabReport {
    /** Copies the lists. */
    public ForgettingReport {
        retain = List.copyOf(retain);
        rows = List.copyOf(rows);
    }

    /**
     * Forget, retain and control accuracy of one model over seeds.
     *
     * @param forget on the forgotten task (lower is better)
     * @param retain the mean over the retained tasks
     * @param control on the base's own domain
     */
    public record Accuracies(MeanSe forget, MeanSe retain, MeanSe control) {
        /** From per-seed values {@code [forget, retain, control][seed]}. */
        static Accuracies of(double[][] values) {
            return new Accuracies(MeanSe.of(values[0]), MeanSe.of(values[1]), MeanSe.of(values[2]));
        }
    }

    /**
     * One grid point.
     *
     * @param lambda the unlearning strength λ
     * @param protectRank how many retain directions are protected (0: plain negation)
     * @param pruneRank how many directions of the forget update are negated
     * @param pruning which ones ({@code none}: all of them, {@code energy}, {@code least-overlap})
     * @param accuracies what the model measured after unlearning
     */
    public record Row(double lambda, int protectRank, int pruneRank, String pruning, Accuracies accuracies) {}

    /**
     * The JSON of {@code lora lab unlearn --json}: {@code {"suite", "seeds", "forget", "retain": [..], "base": {…},
     * "joint": {…}, "rows": [{"lambda", "protect_rank", "prune_rank", "pruning", "forget", "retain", "control",
     * "forget_se", "retain_se", "control_se"}]}} (accuracies as numbers, standard errors beside them, as CONTRACTS
     * says). The same seeds give the same bytes.
     */
    @Override
    public String toJson() {
        ObjectNode root = ReportJson.object();
        root.put("suite", suite);
        root.put("seeds", seeds);
        root.put("forget", forget);
        ArrayNode r = root.putArray("retain");
        retain.forEach(r::add);
        accuracies(root.putObject("base"), base);
        accuracies(root.putObject("joint"), joint);
        ArrayNode rs = root.putArray("rows");
        for (Row row : rows) {
            ObjectNode o = rs.addObject();
            ReportJson.put(o, "lambda", row.lambda());
            o.put("protect_rank", row.protectRank());
            o.put("prune_rank", row.pruneRank());
            o.put("pruning", row.pruning());
            accuracies(o, row.accuracies());
        }
        return ReportJson.line(root);
    }

    /** A readable table: the references, then one row per grid point. */
    @Override
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "suite %s, %d seed(s); forget %s, retain %s; test accuracy, mean ± se over seeds%n",
                suite,
                seeds,
                forget,
                String.join(", ", retain)));
        sb.append(String.format(Locale.ROOT, "%-40s %15s %15s %15s%n", "model", "forget ↓", "retain ↑", "control ↑"));
        line(sb, "base", base);
        line(sb, "joint adapter (before unlearning)", joint);
        for (Row row : rows) {
            line(
                    sb,
                    String.format(
                            Locale.ROOT,
                            "λ %.2g, protect %d, prune %d %s",
                            row.lambda(),
                            row.protectRank(),
                            row.pruneRank(),
                            row.pruning()),
                    row.accuracies());
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String name, Accuracies a) {
        sb.append(String.format(
                Locale.ROOT,
                "%-40s %15s %15s %15s%n",
                name,
                a.forget().text(),
                a.retain().text(),
                a.control().text()));
    }

    private static void accuracies(ObjectNode o, Accuracies a) {
        ReportJson.put(o, "forget", a.forget().mean());
        ReportJson.put(o, "retain", a.retain().mean());
        ReportJson.put(o, "control", a.control().mean());
        ReportJson.put(o, "forget_se", a.forget().se());
        ReportJson.put(o, "retain_se", a.retain().se());
        ReportJson.put(o, "control_se", a.control().se());
    }
}
