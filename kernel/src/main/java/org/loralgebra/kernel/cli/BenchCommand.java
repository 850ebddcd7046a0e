package org.loralgebra.kernel.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.loralgebra.stdlib.bench.Bench;
import org.loralgebra.stdlib.bench.BenchOps;
import org.loralgebra.stdlib.bench.BenchReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lora bench [--json] [--quick] [--peer]}: times the operations on synthetic Llama-2-7B-shaped adapters
 * (generated once and cached), with the numpy peer on the same files in the same run when asked.
 */
@Command(name = "bench", sortOptions = false,
        description = {"Benchmark: load, spectrum, plus+truncate, ties_svd, cluster, project, route and save on synthetic",
                "Llama-2-7B-shaped adapters (224 modules, rank 16), median of repetitions after warm-up, peak RSS;",
                "--peer runs bench/peer_numpy.py on the same files and prints speed-ups (peer time / our time)."})
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print one JSON object (machine, backend, jvm, ops {OP: {ours_s, peer_s, speedup}}).")
    boolean json;

    @Option(names = "--quick", description = "2 layers (14 modules), 3 repetitions, no scaling sweeps.")
    boolean quick;

    @Option(names = "--peer", description = "Also run the numpy peer (python3 + numpy) and report speed-ups.")
    boolean peer;

    @Option(names = "--no-scaling", description = "Skip the scaling sweeps over rank and number of adapters.")
    boolean noScaling;

    @Option(names = "--ops", split = ",", paramLabel = "OP", description = "Only these operations (default: all).")
    List<String> ops;

    @Option(names = "--cache", paramLabel = "DIR", description = "Where synthetic adapters are kept "
            + "(default: .lora-cache/bench in the repository).")
    Path cache;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Path dir = cache != null ? cache : Path.of(System.getProperty("lora.home", "."), ".lora-cache", "bench");
        Bench.Options options = Bench.Options.of(quick, dir).withPeer(peer);
        if (noScaling) {
            options = options.withScaling(false);
        }
        PrintWriter err = spec.commandLine().getErr();
        BenchReport report = Bench.run(options, BenchOps.select(ops), line -> {
            err.println("bench: " + line);
            err.flush();
        });
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? report.toJson() + "\n" : report.toTable());
        out.flush();
        return ExitCodes.OK;
    }
}
