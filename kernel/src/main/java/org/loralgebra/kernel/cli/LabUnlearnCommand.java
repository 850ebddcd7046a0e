package org.loralgebra.kernel.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.loralgebra.exec.ProgressListener;
import org.loralgebra.lang.LoraException;
import org.loralgebra.stdlib.lab.FashionMnist;
import org.loralgebra.stdlib.lab.FashionMnistSuite;
import org.loralgebra.stdlib.lab.ForgettingReport;
import org.loralgebra.stdlib.lab.LabCache;
import org.loralgebra.stdlib.lab.LabeledImages;
import org.loralgebra.stdlib.lab.UnlearnExperiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
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
    @Option(
            names = "--suite",
            paramLabel = "SUITE",
            required = true,
            description = "The task suite: fmnist (Fashion-MNIST domains; text is a later slice).")
    String suite;

    @Option(names = "--forget", paramLabel = "TASK", description = "The task to forget (default: the first, rotated).")
    String forget;

    @Option(names = "--seeds", paramLabel = "N", defaultValue = "3", description = "Seeds 0..N-1 (default 3).")
    int seeds;

    @Option(
            names = "--quick",
            description = "The reduced suite of the tests (a small MLP, a few hundred images per task): seconds.")
    boolean quick;

    @Option(names = "--lambdas", split = ",", paramLabel = "L", description = "The λ grid (default 0.5,1,2,3).")
    List<Double> lambdas;

    @Option(
            names = "--protect-ranks",
            split = ",",
            paramLabel = "K",
            description = "The protect ranks (0: plain negation; default 0, r and the retain adapter's whole rank).")
    List<Integer> protectRanks;

    @Option(
            names = "--cache",
            paramLabel = "DIR",
            description = "Where trained models and adapters are kept (default: $XDG_CACHE_HOME/loralgebra/lab, "
                    + "else ~/.cache/loralgebra/lab).")
    Path cache;

    @Mixin
    JsonReportOption json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!"fmnist".equals(suite)) {
            throw "text".equals(suite)
                    ? new LoraException("lab unlearn: the text suite (MiniLM) is not built yet; use --suite fmnist")
                    : new ParameterException(spec.commandLine(), "--suite: expected fmnist, got " + suite);
        }
        if (seeds < 1) {
            throw new ParameterException(spec.commandLine(), "--seeds must be at least 1, got " + seeds);
        }
        if (forget != null && FashionMnistSuite.DOMAINS.stream().noneMatch(d -> d.id().equals(forget))) {
            throw new LoraException("lab unlearn: no task '" + forget + "' in suite fmnist (its tasks: "
                    + FashionMnistSuite.DOMAINS.stream().map(d -> d.id()).toList() + ")");
        }
        PrintWriter err = spec.commandLine().getErr();
        ProgressListener bar = ProgressBar.forTerminal(err);
        FashionMnistSuite s = FashionMnistSuite.of(
                quick ? FashionMnistSuite.Settings.quick() : FashionMnistSuite.Settings.full(),
                FashionMnist.installed(),
                cache != null ? LabCache.at(cache) : LabCache.user(),
                (done, total) -> bar.progressed(done, total, "epochs"));
        bar.finished();
        UnlearnExperiment<LabeledImages> experiment =
                UnlearnExperiment.of(s).seeds(seeds).progress((done, total) -> bar.progressed(done, total, "steps"));
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
