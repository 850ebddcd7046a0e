package org.loralgebra.kernel.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.loralgebra.Lora;
import org.loralgebra.stdlib.analysis.IntruderReduction;
import org.loralgebra.stdlib.analysis.ReduceIntruders;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lora reduce-intruders BASE ADAPTER -o OUT [--top-k K] [--epsilon E] [--lambda L] [--json]}: PEFT's
 * {@code reduce_intruder_dimension}, exact; writes a PEFT adapter folder with the input's r and alpha and prints,
 * per module, the intruders found, their σ and best cosines, and {@code ‖ΔW' − ΔW‖/‖ΔW‖}.
 */
@Command(
        name = "reduce-intruders",
        sortOptions = false,
        description = {
            "Reduce intruder dimensions (Shuttleworth et al. 2024; PEFT's reduce_intruder_dimension).",
            "Per module: the top-K left singular vectors of W + ΔW whose best |cosine| with every left singular",
            "vector of W is below E are intruders; ΔW' = best rank-r approximation of",
            "ΔW + (L − 1)·Σ σ_i u_i v_iᵀ over them, written with the adapter's own r and alpha.",
            "Modules without intruders are copied unchanged. Exact SVDs of W and W + ΔW (the cost)."
        })
public final class ReduceIntrudersCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            paramLabel = "BASE",
            description =
                    "The base model: a .safetensors file, a sharded checkpoint's index .json, or a folder with either.")
    Path base;

    @Parameters(index = "1", paramLabel = "ADAPTER", description = "The adapter (PEFT folder).")
    Path adapter;

    @Option(
            names = "--top-k",
            paramLabel = "K",
            defaultValue = "10",
            description = "Top singular vectors of W + ΔW examined (PEFT's top_k); default ${DEFAULT-VALUE}.")
    int topK;

    @Option(
            names = "--epsilon",
            paramLabel = "E",
            defaultValue = "0.5",
            description = "Intruder when the best |cosine| with W's left singular vectors is below E "
                    + "(PEFT's threshold_epsilon); default ${DEFAULT-VALUE}.")
    double epsilon;

    @Option(
            names = "--lambda",
            paramLabel = "L",
            defaultValue = "0.75",
            description = "Share of each intruder direction kept (PEFT's mitigation_lambda; 0 removes it); "
                    + "default ${DEFAULT-VALUE}.")
    double lambda;

    @Mixin
    InputAdapters reader;

    @Mixin
    AdapterOutput output;

    @Mixin
    JsonReportOption json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        OptionChecks.atLeast(spec.commandLine(), "--top-k", topK, 1);
        if (!(epsilon > 0 && epsilon <= 1)) {
            throw new ParameterException(spec.commandLine(), "--epsilon must be in (0, 1], got " + epsilon);
        }
        if (!Double.isFinite(lambda)) {
            throw new ParameterException(spec.commandLine(), "--lambda must be a finite number, got " + lambda);
        }
        output.check(List.of(base, adapter));
        ReduceIntruders op = ReduceIntruders.of(base, reader.load(adapter, spec.commandLine()))
                .topK(topK)
                .epsilon(epsilon)
                .lambda(lambda);
        Lora.onProgress(ProgressBar.forTerminal(spec.commandLine().getErr()));
        IntruderReduction report = op.save(output.path, output.overwrite.saveOptions());
        json.print(spec.commandLine().getOut(), report::toJson, out -> {
            out.print(report);
            out.println("wrote " + output.path + ": " + report.changed() + " of "
                    + report.modules().size() + " modules changed, the others copied unchanged");
        });
        return ExitCodes.OK;
    }
}
