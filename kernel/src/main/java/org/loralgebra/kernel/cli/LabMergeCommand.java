package org.loralgebra.kernel.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.loralgebra.exec.ProgressListener;
import org.loralgebra.lang.LoraException;
import org.loralgebra.stdlib.lab.FashionMnist;
import org.loralgebra.stdlib.lab.FashionMnistSuite;
import org.loralgebra.stdlib.lab.LabCache;
import org.loralgebra.stdlib.lab.LabeledImages;
import org.loralgebra.stdlib.lab.MergeExperiment;
import org.loralgebra.stdlib.lab.MergeReport;
import org.loralgebra.stdlib.merge.Method;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lora lab merge --suite fmnist [--seeds N] [--quick] [--json]}: every merge method on the suite's adapters
 * (λ chosen on a validation split), routing, the base and the individual adapters, as test accuracy per task, mean ±
 * standard error over seeds.
 */
@Command(
        name = "merge",
        sortOptions = false,
        description = {
            "Merge the suite's task adapters with every merge method (λ chosen on a validation split) and with",
            "per-example routing; report test accuracy per task, mean ± se over seeds, with the base and each",
            "adapter on its own task as references. Models and adapters are trained in-process and cached."
        })
public final class LabMergeCommand implements Callable<Integer> {
    @Option(
            names = "--suite",
            paramLabel = "SUITE",
            required = true,
            description = "The task suite: fmnist (Fashion-MNIST domains; text is a later slice).")
    String suite;

    @Option(names = "--seeds", paramLabel = "N", defaultValue = "3", description = "Seeds 0..N-1 (default 3).")
    int seeds;

    @Option(
            names = "--quick",
            description = "The reduced suite of the tests (a small MLP, a few hundred images per task): seconds.")
    boolean quick;

    @Option(
            names = "--methods",
            split = ",",
            paramLabel = "METHOD",
            description = "Only these merge methods (lora merge --method names; default: all).")
    List<String> methods;

    @Option(names = "--no-routing", description = "Skip routing.")
    boolean noRouting;

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
                    ? new LoraException("lab merge: the text suite (MiniLM) is not built yet; use --suite fmnist")
                    : new ParameterException(spec.commandLine(), "--suite: expected fmnist, got " + suite);
        }
        if (seeds < 1) {
            throw new ParameterException(spec.commandLine(), "--seeds must be at least 1, got " + seeds);
        }
        Method[] chosen = methods == null
                ? Method.values()
                : methods.stream().map(Method::parse).toArray(Method[]::new);
        PrintWriter err = spec.commandLine().getErr();
        ProgressListener bar = ProgressBar.forTerminal(err);
        FashionMnistSuite s = FashionMnistSuite.of(
                quick ? FashionMnistSuite.Settings.quick() : FashionMnistSuite.Settings.full(),
                FashionMnist.installed(),
                cache != null ? LabCache.at(cache) : LabCache.user(),
                (done, total) -> bar.progressed(done, total, "epochs"));
        bar.finished();
        MergeExperiment<LabeledImages> experiment = MergeExperiment.of(s)
                .seeds(seeds)
                .methods(chosen)
                .routing(!noRouting)
                .progress((done, total) -> bar.progressed(done, total, "steps"));
        MergeReport report = experiment.report();
        bar.finished();
        json.print(spec.commandLine().getOut(), () -> report.toJson().strip(), out -> out.print(report.toText()));
        return ExitCodes.OK;
    }
}
