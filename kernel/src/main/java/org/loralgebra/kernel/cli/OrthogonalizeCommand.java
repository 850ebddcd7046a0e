package org.loralgebra.kernel.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.lang.LoraException;
import org.loralgebra.lang.Side;
import org.loralgebra.stdlib.orthogonalize.Orthogonalize;
import org.loralgebra.stdlib.orthogonalize.OrthogonalizeReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lora orthogonalize PATH --against OTHER[,OTHER…] [--side output|input|both] [--rank K] -o OUT}: PATH's
 * update with the top-K singular subspace of each OTHER's update removed, per module (the subspaces joined into
 * one basis, so the result is orthogonal to each); then the report of what was inside them before and after.
 */
@Command(
        name = "orthogonalize",
        sortOptions = false,
        description = {
            "Remove other adapters' singular subspaces from an adapter's update, per module.",
            "The top-K singular subspace of each OTHER's update (left singular vectors for output, right for input,",
            "both for both) is removed from PATH's update; the report shows how much of PATH's energy was inside",
            "each subspace before and after."
        })
public final class OrthogonalizeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PATH", description = "The adapter to orthogonalize.")
    Path path;

    @Option(
            names = "--against",
            paramLabel = "OTHER",
            required = true,
            split = ",",
            description = "Adapters whose subspaces are removed (comma-separated, or the option repeated).")
    List<Path> against;

    @Option(
            names = "--side",
            paramLabel = "SIDE",
            defaultValue = "output",
            description = "output (column space, default), input (row space) or both.")
    String side;

    @Option(
            names = "--rank",
            paramLabel = "K",
            description = "Remove each OTHER's top-K singular directions (default: all of them).")
    Integer rank;

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
        Side s;
        try {
            s = Side.parse(side);
        } catch (LoraException e) {
            throw new ParameterException(
                    spec.commandLine(), "--side must be output, input or both, got '" + side + "'");
        }
        OptionChecks.atLeast(spec.commandLine(), "--rank", rank, 1);
        List<Path> inputs = new ArrayList<>(against);
        inputs.add(path);
        output.check(inputs);
        Adapter adapter = reader.load(path, spec.commandLine());
        List<Adapter> bases = new ArrayList<>();
        for (Path p : against) {
            bases.add(reader.load(p, spec.commandLine()));
        }
        Orthogonalize op =
                Orthogonalize.of(adapter).against(bases).side(s).rank(rank == null ? Orthogonalize.ALL : rank);
        Lora.onProgress(ProgressBar.forTerminal(spec.commandLine().getErr()));
        OrthogonalizeReport report = op.report(output.save(op.adapter()));
        json.print(spec.commandLine().getOut(), report::toJson, out -> {
            out.println("wrote " + output.path + ": " + adapter.modules().size() + " modules, " + op);
            out.print(report);
        });
        return ExitCodes.OK;
    }
}
