package org.loralgebra.kernel.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code lora lab EXPERIMENT …}: the evaluation lab's experiments on real models and data. */
@Command(
        name = "lab",
        sortOptions = false,
        description = "Run an evaluation-lab experiment: real models trained in-process, real data, several seeds.",
        subcommands = {LabMergeCommand.class, LabRouteCommand.class, LabUnlearnCommand.class, LabIntrudersCommand.class
        })
public final class LabCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(
                spec.commandLine(),
                "expected an experiment: "
                        + String.join(", ", spec.subcommands().keySet()));
    }
}
