package org.loralgebra.kernel.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.loralgebra.stdlib.lab.Examples;
import org.loralgebra.stdlib.lab.MergeExperiment;
import org.loralgebra.stdlib.lab.MergeReport;
import org.loralgebra.stdlib.lab.Progress;
import org.loralgebra.stdlib.lab.Suite;
import org.loralgebra.stdlib.merge.Method;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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
    @Mixin
    LabSuiteOptions lab;

    @Option(
            names = "--methods",
            split = ",",
            paramLabel = "METHOD",
            description = "Only these merge methods (lora merge --method names) and orthogonalize-then-merge entries "
                    + "(opcm, orthogonal_sum) (default: all).")
    List<String> methods;

    @Option(names = "--no-routing", description = "Skip routing.")
    boolean noRouting;

    @Mixin
    JsonReportOption json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        lab.check(spec, "lab merge", null);
        Method[] chosen = methods == null
                ? Method.values()
                : methods.stream()
                        .filter(n -> !MergeExperiment.ORTHOGONAL.contains(n))
                        .map(Method::parse)
                        .toArray(Method[]::new);
        String[] orthogonal = methods == null
                ? MergeExperiment.ORTHOGONAL.toArray(String[]::new)
                : methods.stream().filter(MergeExperiment.ORTHOGONAL::contains).toArray(String[]::new);
        return lab.report(spec, json, (s, steps) -> run(s, chosen, orthogonal, steps));
    }

    private <D extends Examples> MergeReport run(Suite<D> s, Method[] chosen, String[] orthogonal, Progress steps) {
        return MergeExperiment.of(s)
                .seeds(lab.seeds())
                .methods(chosen)
                .orthogonal(orthogonal)
                .routing(!noRouting)
                .progress(steps)
                .report();
    }
}
