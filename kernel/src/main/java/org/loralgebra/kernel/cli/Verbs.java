package org.loralgebra.kernel.cli;

import java.util.List;

/**
 * Every verb of {@code lora}, in the order {@code lora --help} lists them. A new verb is one class annotated with
 * {@code @Command(name = ...)} implementing {@code Callable<Integer>}, plus one line here.
 */
final class Verbs {
    static final List<Class<?>> ALL = List.of(
            InspectCommand.class,
            SpectrumCommand.class,
            SqueezeCommand.class,
            MergeCommand.class,
            ClusterCommand.class,
            BakeCommand.class,
            OrthogonalizeCommand.class,
            UnlearnCommand.class,
            ReduceIntrudersCommand.class,
            RouteCommand.class,
            LabCommand.class,
            BenchCommand.class,
            SelfCheckCommand.class,
            AnalyzeCommand.class,
            PlotCommand.class,
            RunCommand.class,
            ReplCommand.class,
            JupyterCommand.class);

    private Verbs() {}
}
