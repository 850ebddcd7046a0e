package org.loralgebra.kernel.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.lang.Rank;
import org.loralgebra.lang.Split;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lora squeeze PATH (--rank K | --energy E) -o OUT}: LoRA-Squeeze, the best lower-rank adapter per module
 * (Eckart–Young), saved with rank_pattern/alpha_pattern so PEFT reloads the same update.
 */
@Command(
        name = "squeeze",
        sortOptions = false,
        description = {
            "Re-rank an adapter: the best rank-K (or energy-E) approximation of each module's update,",
            "computed in factored form and saved with the input's scale (rank_pattern/alpha_pattern where ranks differ)."
        })
public final class SqueezeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PATH", description = "The adapter to squeeze.")
    Path path;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    /** --rank or --energy. */
    static final class Target {
        @Option(names = "--rank", paramLabel = "K", description = "Keep K singular directions per module.")
        Integer rank;

        @Option(
                names = "--energy",
                paramLabel = "E",
                description =
                        "Keep the fewest directions holding fraction E of " + "each module's energy (Σσ²), 0 < E ≤ 1.")
        Double energy;
    }

    @Mixin
    AdapterOutput output;

    @Mixin
    JsonReportOption json;

    @Option(
            names = "--split",
            paramLabel = "HOW",
            defaultValue = "balanced",
            description = "How S is shared: balanced (B = U√S, A = √S·Vᵀ, default) or all-on-b (B = U·S, A = Vᵀ).")
    String split;

    @Mixin
    AlphaOption alpha;

    @Mixin
    InputAdapters reader;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Rank rank;
        if (target.rank != null) {
            OptionChecks.atLeast(spec.commandLine(), "--rank", target.rank, 1);
            rank = Rank.of(target.rank);
        } else {
            OptionChecks.fraction(spec.commandLine(), "--energy", target.energy);
            rank = Rank.energy(target.energy);
        }
        Split how = switch (split.toLowerCase(Locale.ROOT)) {
            case "balanced" -> Split.BALANCED;
            case "all-on-b", "all_on_b" -> Split.ALL_ON_B;
            default ->
                throw new ParameterException(spec.commandLine(), "--split must be balanced or all-on-b, got " + split);
        };
        output.check(List.of(path));
        Adapter squeezed = reader.load(
                        path, alpha.applyTo(LoadOptions.defaults(), spec.commandLine()), spec.commandLine())
                .truncate(rank, how);
        Lora.onProgress(ProgressBar.forTerminal(spec.commandLine().getErr()));
        Adapter written = output.save(squeezed);
        json.print(
                spec.commandLine().getOut(),
                () -> WrittenAdapterJson.of("squeeze", null, 1, output.path, written),
                out -> out.println("wrote " + output.path + ": "
                        + written.modules().size() + " modules, " + AdapterOutput.ranks(written)));
        return ExitCodes.OK;
    }
}
