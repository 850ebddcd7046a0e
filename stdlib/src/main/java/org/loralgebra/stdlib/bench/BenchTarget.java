package org.loralgebra.stdlib.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.DoublePredicate;

/**
 * One of issue 22's speed targets, checked against a benchmark report: what is measured, the goal, the measured value
 * (empty when the run did not measure it) and whether it was met.
 *
 * @param id a stable name ({@code load_vs_numpy}, {@code inspect_vs_python}, …)
 * @param goal the goal in words, with its threshold
 * @param measured the measured value, in {@code unit}
 * @param unit {@code ×} for ratios, {@code s} for seconds
 * @param met whether the measured value meets the goal; empty when not measured
 */
public record BenchTarget(String id, String goal, OptionalDouble measured, String unit, Optional<Boolean> met) {
    /**
     * Today's CPU path of {@code ties_svd} on the 7B shape when issue 22 was filed, the figure its 10× target is
     * relative to: 2,030 s, extrapolated, on the 2-core Intel Xeon (AVX-512).
     */
    public static final double TIES_SVD_BASELINE_SECONDS = 2030.0;

    /** Every target, measured by {@code report} where it ran the operation or command. */
    public static List<BenchTarget> of(BenchReport report) {
        List<BenchTarget> out = new ArrayList<>();
        out.add(endToEnd(
                report,
                "inspect",
                "inspect_vs_python",
                "lora inspect within 3× of a Python script reading the" + " same header (ours ÷ Python ≤ 3)",
                true,
                v -> v <= 3));
        out.add(endToEnd(
                report,
                "spectrum",
                "spectrum_command_vs_numpy",
                "the whole lora spectrum --json command ≥ 3×" + " faster than the numpy script",
                false,
                v -> v >= 3));
        out.add(seconds(
                report,
                "script",
                "cached_script",
                "a cached .lora.kts script in about a second (≤ 1.5 s)",
                v -> v <= 1.5));
        OptionalDouble start = ratio(report, "script_start", "inspect");
        out.add(judged(
                "script_start_vs_inspect",
                "a cached one-line .lora.kts script within 2× of lora inspect (ours ÷ inspect ≤ 2, CONTRACTS.md)",
                start,
                "×",
                v -> v <= 2));
        out.add(seconds(
                report,
                "repl",
                "repl_first_evaluation",
                "the first REPL evaluation in about a second (≤ 1.5 s," + " typed 2 s after the prompt)",
                v -> v <= 1.5));
        out.add(seconds(
                report,
                "notebook",
                "notebook_first_cell",
                "the first notebook cell that loads an adapter, kernel" + " start included, under 10 s",
                v -> v < 10));
        out.add(speedup(report, "load", "load ≥ 1.5× numpy", 1.5));
        out.add(speedup(report, "save", "save ≥ 1.5× numpy (ours syncs to disk, the peer does not)", 1.5));
        out.add(speedup(report, "project", "project ≥ 1.5× numpy", 1.5));
        out.add(speedup(report, "spectrum", "spectrum ≥ 5× numpy", 5));
        OptionalDouble ofLimit = report.ofLimit("spectrum");
        out.add(judged(
                "spectrum_of_limit",
                "spectrum within 3× of its physical limit (ours ÷ limit ≤ 3)",
                ofLimit,
                "×",
                v -> v <= 3));
        OptionalDouble ties = report.ops().stream()
                .filter(r -> r.op().equals("ties_svd") && llama7b(report))
                .mapToDouble(r -> TIES_SVD_BASELINE_SECONDS / r.ours().medianSeconds())
                .findFirst();
        out.add(judged(
                "ties_svd_vs_issue_baseline",
                String.format(
                        Locale.ROOT,
                        "ties_svd on the 7B shape ≥ 10× faster than the CPU path when the issue was filed (%.0f s on"
                                + " the 2-core Xeon; comparable on that machine only)",
                        TIES_SVD_BASELINE_SECONDS),
                ties,
                "×",
                v -> v >= 10));
        return out;
    }

    /** Whether the report's adapters are the full Llama-2-7B shape at rank 16 (the baseline's). */
    private static boolean llama7b(BenchReport report) {
        return number(report, "hidden") == 4096
                && number(report, "intermediate") == 11008
                && number(report, "layers") == 32
                && number(report, "rank") == 16;
    }

    private static long number(BenchReport report, String key) {
        return report.setup().get(key) instanceof Number n ? n.longValue() : -1;
    }

    private static BenchTarget speedup(BenchReport report, String op, String goal, double atLeast) {
        OptionalDouble v = report.ops().stream()
                .filter(r -> r.op().equals(op) && r.speedup().isPresent())
                .mapToDouble(r -> r.speedup().getAsDouble())
                .findFirst();
        return judged(op + "_vs_numpy", goal, v, "×", s -> s >= atLeast);
    }

    private static BenchTarget endToEnd(
            BenchReport report, String command, String id, String goal, boolean oursOverPeer, DoublePredicate ok) {
        OptionalDouble v = report.endToEnd().stream()
                .filter(c -> c.name().equals(command) && c.speedup().isPresent())
                .mapToDouble(c -> oursOverPeer
                        ? 1 / c.speedup().getAsDouble()
                        : c.speedup().getAsDouble())
                .findFirst();
        return judged(id, goal, v, "×", ok);
    }

    /** A target whose verdict is {@code ok} of the measured value; not measured when {@code measured} is empty. */
    private static BenchTarget judged(
            String id, String goal, OptionalDouble measured, String unit, DoublePredicate ok) {
        return new BenchTarget(
                id,
                goal,
                measured,
                unit,
                measured.isPresent() ? Optional.of(ok.test(measured.getAsDouble())) : Optional.empty());
    }

    /** Our median time of end-to-end command {@code command} over that of {@code base}, when both ran. */
    private static OptionalDouble ratio(BenchReport report, String command, String base) {
        OptionalDouble a = oursMedian(report, command);
        OptionalDouble b = oursMedian(report, base);
        return a.isPresent() && b.isPresent()
                ? OptionalDouble.of(a.getAsDouble() / b.getAsDouble())
                : OptionalDouble.empty();
    }

    private static OptionalDouble oursMedian(BenchReport report, String command) {
        return report.endToEnd().stream()
                .filter(c -> c.name().equals(command))
                .mapToDouble(c -> c.ours().medianSeconds())
                .findFirst();
    }

    private static BenchTarget seconds(BenchReport report, String command, String id, String goal, DoublePredicate ok) {
        OptionalDouble v = oursMedian(report, command);
        return judged(id, goal, v, "s", ok);
    }

    /** The measured value as the report prints it ({@code 2.41×}, {@code 0.93 s}, or {@code —}). */
    public String measuredText() {
        if (measured.isEmpty()) {
            return "—";
        }
        return unit.equals("s")
                ? String.format(Locale.ROOT, "%.2f s", measured.getAsDouble())
                : String.format(Locale.ROOT, "%.2f×", measured.getAsDouble());
    }

    /** {@code met}, {@code missed} or {@code not measured}. */
    public String verdict() {
        return met.map(m -> m ? "met" : "missed").orElse("not measured");
    }
}
