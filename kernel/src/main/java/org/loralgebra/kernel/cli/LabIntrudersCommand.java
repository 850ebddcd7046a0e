package org.loralgebra.kernel.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.loralgebra.stdlib.lab.FashionMnistSuite;
import org.loralgebra.stdlib.lab.IntruderExperiment;
import org.loralgebra.stdlib.lab.LabeledImages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lora lab intruders --suite fmnist [--seeds N] [--quick] [--lambdas L,..] [--json]}: every task adapter
 * reduced with {@code lora reduce-intruders} over a λ grid; intruders found, accuracy on the adapters' own tasks and on
 * the base's own domain, mean ± se over seeds.
 */
@Command(
        name = "intruders",
        sortOptions = false,
        description = {
            "Reduce the intruder dimensions of every task adapter (lora reduce-intruders, PEFT's k 10 and ε 0.5) over",
            "a λ grid; report the intruders found, accuracy on each adapter's own task and on the base's own domain",
            "(the forgetting the reduction is meant to recover), mean ± se over seeds."
        })
public final class LabIntrudersCommand implements Callable<Integer> {
    @Mixin
    LabSuiteOptions lab;

    @Option(
            names = "--lambdas",
            split = ",",
            paramLabel = "L",
            description = "The λ grid (default 1,0.75,0.5,0.25,0; 1 keeps the intruders, 0 removes them).")
    List<Double> lambdas;

    @Mixin
    JsonReportOption json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        lab.check(
                spec,
                "lab intruders",
                "has no base checkpoint for lora analyze intruders yet (its base is MiniLM with a head, not an MLP)");
        if (lambdas != null && lambdas.stream().anyMatch(l -> !Double.isFinite(l))) {
            throw new ParameterException(spec.commandLine(), "--lambdas must be finite numbers, got " + lambdas);
        }
        return lab.report(spec, json, (s, steps) -> {
            IntruderExperiment<LabeledImages> experiment = IntruderExperiment.of((FashionMnistSuite) s)
                    .seeds(lab.seeds())
                    .progress(steps);
            if (lambdas != null) {
                experiment = experiment.lambdas(
                        lambdas.stream().mapToDouble(Double::doubleValue).toArray());
            }
            return experiment.report();
        });
    }
}
