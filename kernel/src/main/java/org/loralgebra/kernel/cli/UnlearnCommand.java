package org.loralgebra.kernel.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.lang.LoraException;
import org.loralgebra.stdlib.unlearn.Pruning;
import org.loralgebra.stdlib.unlearn.Unlearn;
import org.loralgebra.stdlib.unlearn.UnlearnReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lora unlearn --forget F --retain R [--lambda L] [--protect-rank K] [--prune-rank P] [--onto ADAPTER] -o OUT}:
 * writes the unlearning update {@code −λ·(forget update after pruning, with R's top-K output subspace removed)},
 * or, with {@code --onto}, ADAPTER plus that update; then prints the report (energy removed, overlap with R's
 * subspace before and after, per module).
 */
@Command(
        name = "unlearn",
        sortOptions = false,
        description = {
            "Targeted unlearning in weight space: −λ·(F's update, pruned, off R's subspace).",
            "MAAT's weight-space phases: keep P singular directions of F's update (rank-dimension pruning), remove",
            "R's top-K output subspace from them (retain protection), negate and scale by λ. Writes that update, or",
            "ADAPTER + update with --onto. Gradient-based phases (ascent on forget data, retain repair) need a model",
            "and data and are not run."
        })
public final class UnlearnCommand implements Callable<Integer> {
    @Option(names = "--forget", paramLabel = "F", required = true, description = "The adapter whose task is unlearned.")
    Path forget;

    @Option(names = "--retain", paramLabel = "R", required = true, description = "The adapter whose task is kept.")
    Path retain;

    @Option(names = "--lambda", paramLabel = "L", defaultValue = "1.0", description = "Strength λ > 0 (default 1).")
    double lambda;

    @Option(
            names = "--protect-rank",
            paramLabel = "K",
            description = "Protect R's top-K output directions (default: all of them; 0: no protection).")
    Integer protectRank;

    @Option(
            names = "--prune-rank",
            paramLabel = "P",
            description = "Negate only P singular directions of F's update (default: all of them).")
    Integer pruneRank;

    @Option(
            names = "--pruning",
            paramLabel = "HOW",
            defaultValue = "energy",
            description = "Which P directions: energy (largest singular values, default) or least-overlap (least "
                    + "overlap with R's top-K output subspace).")
    String pruning;

    @Option(
            names = "--onto",
            paramLabel = "ADAPTER",
            description = "Write ADAPTER plus the update instead of the update.")
    Path onto;

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
        OptionChecks.positive(spec.commandLine(), "--lambda", lambda);
        OptionChecks.atLeast(spec.commandLine(), "--protect-rank", protectRank, 0);
        OptionChecks.atLeast(spec.commandLine(), "--prune-rank", pruneRank, 1);
        Pruning how;
        try {
            how = Pruning.parse(pruning);
        } catch (LoraException e) {
            throw new ParameterException(
                    spec.commandLine(), "--pruning must be energy or least-overlap, got '" + pruning + "'");
        }
        List<Path> inputs = new ArrayList<>(List.of(forget, retain));
        if (onto != null) {
            inputs.add(onto);
        }
        output.check(inputs);
        Unlearn u = Unlearn.of(reader.load(forget, spec.commandLine()))
                .retain(reader.load(retain, spec.commandLine()))
                .lambda(lambda)
                .protectRank(protectRank == null ? Unlearn.ALL : protectRank)
                .pruning(how);
        if (pruneRank != null) {
            u = u.pruneRank(pruneRank);
        }
        if (onto != null) {
            u = u.onto(reader.load(onto, spec.commandLine()));
        }
        Lora.onProgress(ProgressBar.forTerminal(spec.commandLine().getErr()));
        Adapter result = u.adapter();
        output.save(result);
        UnlearnReport report = u.report();
        json.print(spec.commandLine().getOut(), report::toJson, out -> {
            out.println("wrote " + output.path + ": "
                    + (onto == null ? "the unlearning update" : onto + " plus the unlearning update") + ", "
                    + result.modules().size() + " modules");
            out.print(report);
        });
        return ExitCodes.OK;
    }
}
