package org.loralgebra.kernel.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.loralgebra.exec.ProgressListener;
import org.loralgebra.stdlib.route.Activations;
import org.loralgebra.stdlib.route.ArrowGate;
import org.loralgebra.stdlib.route.Execution;
import org.loralgebra.stdlib.route.Gate;
import org.loralgebra.stdlib.route.Route;
import org.loralgebra.stdlib.route.Routing;
import org.loralgebra.stdlib.route.Weighting;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lora route (--adapters A,B,… | --ranks A) --gate fly|arrow|proto:FILE|linear:FILE --top-k K
 * --activations X.safetensors --module NAME -o Y.safetensors}: a mixture of LoRA experts applied to a batch of
 * activations of one module; writes the routed update's contribution {@code output [tokens, out]} and
 * {@code expert_load [experts]}, and prints the routing statistics. With {@code --gate arrow}: {@code [--temperature T]
 * [--gks G,…] [--power-iterations N --seed S]}.
 */
@Command(
        name = "route",
        sortOptions = false,
        description = {
            "Route a batch of activations X [tokens, in] of one module through a mixture",
            "of LoRA experts, y = Σ_{i ∈ topk(g(x))} g_i(x)·s_i·B_i·A_i·x: each adapter an expert",
            "(--adapters), or each rank of one adapter (--ranks; SMoRA, FlyLoRA).",
            "Writes output [tokens, out] (F32) and expert_load [experts] (I64) to a",
            "safetensors file and prints load, entropy and balance."
        })
public final class RouteCommand implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Experts experts;

    /** --adapters or --ranks. */
    static final class Experts {
        @Option(names = "--adapters", split = ",", paramLabel = "A", description = "Adapters, each one expert.")
        List<Path> adapters;

        @Option(names = "--ranks", paramLabel = "A", description = "One adapter, each of its ranks an expert.")
        Path ranks;
    }

    @Option(
            names = "--gate",
            paramLabel = "GATE",
            defaultValue = "fly",
            description = {
                "fly: FlyLoRA's implicit router (|a_jᵀx| per rank, ‖A_i x‖ per adapter; default);",
                "arrow: Arrow (|x·p_e|, p_e the top right singular vector of expert e's B·A; softmax);",
                "proto:FILE: cosine to per-expert centroids [experts, in] in FILE;",
                "linear:FILE: a router W [experts, in] (tensor 'weight', optional 'bias') in FILE."
            })
    String gate;

    @Option(
            names = "--temperature",
            paramLabel = "T",
            description =
                    "Arrow: the scores are divided by T before the softmax (PEFT's router_temperature; default 1).")
    Double temperature;

    @Option(
            names = "--gks",
            split = ",",
            paramLabel = "G",
            description = "Arrow with GenKnowSub: general adapters whose mean factors are subtracted from every expert "
                    + "(B_i − B̄, A_i − Ā); all of the same rank and shapes as the experts.")
    List<Path> gks;

    @Option(
            names = "--power-iterations",
            paramLabel = "N",
            description = "Arrow: prototypes by N power iterations from a seeded Gaussian start, as PEFT computes them "
                    + "(15), instead of exactly.")
    Integer powerIterations;

    /** The seed of Arrow's power-iteration start vector (with --power-iterations). */
    @Mixin
    SeedOption seed;

    @Option(
            names = {"-k", "--top-k"},
            paramLabel = "K",
            required = true,
            description = "Experts per token.")
    int topK;

    @Option(
            names = "--activations",
            paramLabel = "X",
            required = true,
            description = "A safetensors file holding one tensor [tokens, in] (any name; see --tensor).")
    Path activations;

    @Option(names = "--tensor", paramLabel = "NAME", description = "The tensor of X to use when it holds several.")
    String tensor;

    @Option(
            names = {"-m", "--module"},
            paramLabel = "NAME",
            required = true,
            description = "The module, as "
                    + "'lora inspect' lists it (e.g. distilbert.transformer.layer.0.attention.q_lin).")
    String module;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "Y",
            required = true,
            description = "The safetensors file to write.")
    Path output;

    @Option(
            names = "--weights",
            paramLabel = "W",
            description = "How selected experts are weighed: softmax, sigmoid "
                    + "(SMoRA: k·σ_i/Σσ) or ones (default: softmax for a linear gate over adapters and for arrow, sigmoid "
                    + "over ranks, ones for fly and proto).")
    String weights;

    @Option(
            names = "--execution",
            paramLabel = "HOW",
            description = "auto (default: masked products unless experts "
                    + "are very many), grouped (tokens grouped by expert, as S-LoRA/Punica), masked, or dense (materialized "
                    + "updates, for checks).")
    String execution;

    @Mixin
    JsonReportOption json;

    @Mixin
    OverwriteOption overwrite;

    @Mixin
    InputAdapters reader;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        OptionChecks.atLeast(spec.commandLine(), "--top-k", topK, 1);
        List<Path> inputs = new ArrayList<>(experts.ranks != null ? List.of(experts.ranks) : experts.adapters);
        inputs.add(activations);
        if (gks != null) {
            inputs.addAll(gks);
        }
        Gate parsed;
        try {
            parsed = Gate.parse(gate);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--gate: " + e.getMessage());
        }
        checkArrowOptions(parsed);
        overwrite.checkFile(output, "", inputs);
        Route route = experts.ranks != null
                ? Route.ofRanks(reader.load(experts.ranks, spec.commandLine()))
                : Route.of(experts.adapters.stream()
                        .map(p -> reader.load(p, spec.commandLine()))
                        .toList());
        route = route.gate(parsed instanceof ArrowGate arrow ? arrowGate(arrow) : parsed);
        if (weights != null) {
            try {
                route = route.weighting(Weighting.parse(weights));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--weights: " + e.getMessage());
            }
        }
        if (execution != null) {
            route = route.execution(parseExecution(execution));
        }
        // one module routed in one batch: the bar shows the time going (from the first second) until it is written
        ProgressListener bar = ProgressBar.forTerminal(spec.commandLine().getErr());
        bar.started(1, "modules");
        Routing routed;
        try {
            Activations x = tensor == null ? Activations.read(activations) : Activations.read(activations, tensor);
            routed = route.topK(topK).apply(module, x);
            routed.save(output);
            bar.progressed(1, 1, module);
        } finally {
            bar.finished();
        }
        json.print(spec.commandLine().getOut(), routed::toJson, out -> {
            out.print(routed);
            out.println("wrote " + output + ": output [" + routed.tokens() + ", " + routed.out() + "], expert_load ["
                    + routed.stats().load().length + "]");
        });
        return ExitCodes.OK;
    }

    /** --temperature, --gks and --power-iterations belong to --gate arrow; arrow routes adapters, not ranks. */
    private void checkArrowOptions(Gate parsed) {
        boolean arrow = parsed instanceof ArrowGate;
        onlyForArrow("--temperature", temperature, arrow);
        onlyForArrow("--gks", gks, arrow);
        onlyForArrow("--power-iterations", powerIterations, arrow);
        if (arrow && experts.ranks != null) {
            throw new ParameterException(
                    spec.commandLine(), "--gate arrow routes adapters (--adapters), not the ranks of one (--ranks)");
        }
        if (temperature != null && !(temperature > 0 && Double.isFinite(temperature))) {
            throw new ParameterException(
                    spec.commandLine(), "--temperature must be a positive number, got " + temperature);
        }
        if (powerIterations != null) {
            OptionChecks.atLeast(spec.commandLine(), "--power-iterations", powerIterations, 1);
        }
    }

    private void onlyForArrow(String option, Object value, boolean arrow) {
        if (value != null && !arrow) {
            throw new ParameterException(
                    spec.commandLine(), option + " applies to --gate arrow, not to --gate " + gate);
        }
    }

    private ArrowGate arrowGate(ArrowGate arrow) {
        ArrowGate g = arrow;
        if (temperature != null) {
            g = g.temperature(temperature);
        }
        if (powerIterations != null) {
            g = g.powerIterations(powerIterations, seed.value);
        }
        if (gks != null) {
            g = g.gks(gks.stream()
                    .map(p -> reader.baseModel.load(p, spec.commandLine()))
                    .toList());
        }
        return g;
    }

    private Execution parseExecution(String name) {
        for (Execution e : Execution.values()) {
            if (e.name().equalsIgnoreCase(name.trim())) {
                return e;
            }
        }
        throw new ParameterException(
                spec.commandLine(), "--execution must be auto, grouped, masked or dense, got " + name);
    }
}
