package org.loralgebra.kernel.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.loralgebra.lang.LoraException;
import org.loralgebra.stdlib.lab.Examples;
import org.loralgebra.stdlib.lab.ForgettingReport;
import org.loralgebra.stdlib.lab.Progress;
import org.loralgebra.stdlib.lab.Suite;
import org.loralgebra.stdlib.lab.UnlearnExperiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lora lab unlearn --suite fmnist|text [--forget TASK] [--seeds N] [--quick] [--json]}: one task forgotten from the
 * joint adapter over λ × protect rank × pruning; forget, retain and control accuracy, mean ± se over seeds.
 */
@Command(
        name = "unlearn",
        sortOptions = false,
        description = {
            "Forget one task from a model whose adapter learned them all (lora unlearn: the task's adapter negated,",
            "the others' subspace protected) over λ × protect rank × pruning; report accuracy on the forgotten task,",
            "the retained tasks and the base's own domain (control), mean ± se over seeds."
        })
public final class LabUnlearnCommand implements Callable<Integer> {
    @Mixin
    LabSuiteOptions lab;

    @Option(
            names = "--forget",
            paramLabel = "TASK",
            description = "The task to forget (default: the first: rotated, or spam).")
    String forget;

    @Option(names = "--lambdas", split = ",", paramLabel = "L", description = "The λ grid (default 0.5,1,2,3).")
    List<Double> lambdas;

    @Option(
            names = "--protect-ranks",
            split = ",",
            paramLabel = "K",
            description = "The protect ranks (0: plain negation; default 0, r and the retain adapter's whole rank).")
    List<Integer> protectRanks;

    @Mixin
    JsonReportOption json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        lab.check(spec, "lab unlearn", null);
        if (forget != null && !lab.taskNames().contains(forget)) {
            throw new LoraException("lab unlearn: no task '" + forget + "' in suite " + lab.suite + " (its tasks: "
                    + lab.taskNames() + ")");
        }
        return lab.report(spec, json, this::run);
    }

    private <D extends Examples> ForgettingReport run(Suite<D> s, Progress steps) {
        UnlearnExperiment<D> experiment =
                UnlearnExperiment.of(s).seeds(lab.seeds()).progress(steps);
        if (forget != null) {
            experiment = experiment.forget(forget);
        }
        if (lambdas != null) {
            experiment = experiment.lambdas(
                    lambdas.stream().mapToDouble(Double::doubleValue).toArray());
        }
        if (protectRanks != null) {
            experiment = experiment.protectRanks(
                    protectRanks.stream().mapToInt(Integer::intValue).toArray());
        }
        return experiment.report();
    }
}
