package org.loralgebra.kernel.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.loralgebra.exec.ProgressListener;
import org.loralgebra.lang.LoraException;
import org.loralgebra.stdlib.lab.FashionMnistSuite;
import org.loralgebra.stdlib.lab.ForgettingReport;
import org.loralgebra.stdlib.lab.LabeledImages;
import org.loralgebra.stdlib.lab.UnlearnExperiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lora lab unlearn --suite fmnist [--forget TASK] [--seeds N] [--quick] [--json]}: one task forgotten from the
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

    @Option(names = "--forget", paramLabel = "TASK", description = "The task to forget (default: the first, rotated).")
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
        lab.check(spec, "lab unlearn");
        if (forget != null && FashionMnistSuite.DOMAINS.stream().noneMatch(d -> d.id().equals(forget))) {
            throw new LoraException("lab unlearn: no task '" + forget + "' in suite fmnist (its tasks: "
                    + FashionMnistSuite.DOMAINS.stream().map(d -> d.id()).toList() + ")");
        }
        PrintWriter err = spec.commandLine().getErr();
        ProgressListener bar = ProgressBar.forTerminal(err);
        FashionMnistSuite s = lab.open(bar);
        UnlearnExperiment<LabeledImages> experiment = UnlearnExperiment.of(s)
                .seeds(lab.seeds())
                .progress((done, total) -> bar.progressed(done, total, "steps"));
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
        ForgettingReport report = experiment.report();
        bar.finished();
        json.print(spec.commandLine().getOut(), () -> report.toJson().strip(), out -> out.print(report.toText()));
        return ExitCodes.OK;
    }
}
