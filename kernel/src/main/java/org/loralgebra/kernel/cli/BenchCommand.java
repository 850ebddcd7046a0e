package org.loralgebra.kernel.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.loralgebra.lang.LoraException;
import org.loralgebra.stdlib.bench.Bench;
import org.loralgebra.stdlib.bench.BenchOps;
import org.loralgebra.stdlib.bench.BenchReport;
import org.loralgebra.stdlib.bench.EndToEnd;
import org.loralgebra.stdlib.bench.MethodBench;
import org.loralgebra.stdlib.bench.MethodBenchReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lora bench [--json] [--quick] [--peer] [--methods]}: times the operations on synthetic Llama-2-7B-shaped
 * adapters (generated once and cached), with the numpy peer on the same files in the same run when asked; with
 * {@code --methods}, the 2025 merging methods on one module instead ({@link MethodBench}).
 */
@Command(
        name = "bench",
        sortOptions = false,
        description = {
            "Benchmark: load, spectrum, plus+truncate, ties_svd, cluster, project, route and save on synthetic",
            "Llama-2-7B-shaped adapters (224 modules, rank 16), median of repetitions after warm-up, peak RSS;",
            "--peer runs bench/peer_numpy.py on the same files and prints speed-ups (peer time / our time).",
            "--methods times the 2025 merging methods (core_space … nuslerp) on one 4096×4096 module instead, the",
            "peer computing each the way its reference code does (dense updates)."
        })
public final class BenchCommand implements Callable<Integer> {
    @Option(
            names = "--json",
            description = "Print one JSON object (machine, backend, jvm, ops {OP: {ours_s, peer_s, speedup}}).")
    boolean json;

    @Option(names = "--markdown", description = "Print a Markdown section (what the README's performance section is).")
    boolean markdown;

    @Option(
            names = "--render",
            paramLabel = "FILE",
            description = "Run nothing: print the report saved by an earlier "
                    + "--json run (as a table, or Markdown with --markdown; a --methods run as its Markdown table).")
    Path render;

    @Option(
            names = "--quick",
            description = "Smoke run in seconds: 2 layers of a Llama one eighth as wide (hidden 512, MLP "
                    + "1376; 14 modules), 3 repetitions, no scaling sweeps.")
    boolean quick;

    @Option(
            names = "--rank",
            paramLabel = "R",
            description =
                    "Rank of the synthetic adapters (default 16; results are " + "truncated to 16 whatever it is).")
    Integer rank;

    @Option(names = "--peer", description = "Also run the numpy peer (python3 + numpy) and report speed-ups.")
    boolean peer;

    @Option(names = "--no-scaling", description = "Skip the scaling sweeps over rank and number of adapters.")
    boolean noScaling;

    @Option(
            names = "--ops",
            split = ",",
            paramLabel = "OP",
            description = "Only these operations (with --methods: these merge methods) (default: all).")
    List<String> ops;

    @Option(
            names = "--e2e",
            split = ",",
            paramLabel = "CMD",
            description = "The end-to-end section's whole commands, each run in a fresh process against the peer's "
                    + "whole script: inspect, spectrum, script, script_start, repl, notebook (default: all; --quick:"
                    + " inspect,spectrum).")
    List<String> endToEnd;

    @Option(names = "--no-e2e", description = "Skip the end-to-end section (whole commands).")
    boolean noEndToEnd;

    @Option(
            names = "--methods",
            description = "Time the 2025 merging methods on one square module of the adapters (per module, with the "
                    + "peer when --peer is given), instead of the operations.")
    boolean methods;

    @Option(
            names = "--cache",
            paramLabel = "DIR",
            description = "Where synthetic adapters are kept " + "(default: .lora-cache/bench in the repository).")
    Path cache;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (render != null) {
            String text;
            try {
                text = Files.readString(render);
            } catch (IOException e) {
                throw new LoraException("cannot read the bench report " + render + ": " + e.getMessage(), e);
            }
            if (MethodBenchReport.isMethodReport(text)) {
                MethodBenchReport saved = MethodBenchReport.fromJson(text);
                out.print(json ? saved.toJson() + "\n" : saved.toMarkdown());
                out.flush();
                return ExitCodes.OK;
            }
            BenchReport saved = BenchReport.fromJson(text);
            out.print(markdown ? saved.toMarkdown() : json ? saved.toJson() + "\n" : saved.toTable());
            out.flush();
            return ExitCodes.OK;
        }
        Path dir = cache != null ? cache : Path.of(System.getProperty("lora.home", "."), ".lora-cache", "bench");
        Bench.Options options = Bench.Options.of(quick, dir).withPeer(peer);
        if (rank != null) {
            if (rank < 1) {
                throw new ParameterException(spec.commandLine(), "--rank must be ≥ 1, got " + rank);
            }
            options = options.withRank(rank);
        }
        if (noScaling) {
            options = options.withScaling(false);
        }
        if (endToEnd != null) {
            List<String> unknown = endToEnd.stream()
                    .filter(c -> !EndToEnd.COMMANDS.contains(c))
                    .toList();
            if (!unknown.isEmpty()) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--e2e: unknown command(s) " + unknown + "; known: " + String.join(", ", EndToEnd.COMMANDS));
            }
            options = options.withEndToEnd(endToEnd);
        }
        if (noEndToEnd) {
            options = options.withEndToEnd(List.of());
        }
        PrintWriter err = spec.commandLine().getErr();
        if (methods) {
            MethodBenchReport report = MethodBench.run(options, ops, line -> {
                err.println("bench: " + line);
                err.flush();
            });
            out.print(json ? report.toJson() + "\n" : report.toMarkdown());
            out.flush();
            return ExitCodes.OK;
        }
        BenchReport report = Bench.run(options, BenchOps.select(ops), line -> {
            err.println("bench: " + line);
            err.flush();
        });
        out.print(json ? report.toJson() + "\n" : markdown ? report.toMarkdown() : report.toTable());
        out.flush();
        return ExitCodes.OK;
    }
}
