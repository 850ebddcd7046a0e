package org.loralgebra.kernel.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.loralgebra.lang.LoraException;
import org.loralgebra.stdlib.lab.FashionMnistSuite;
import org.loralgebra.stdlib.lab.LabeledImages;
import org.loralgebra.stdlib.lab.RouteExperiment;
import org.loralgebra.stdlib.merge.Method;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lora lab route --suite fmnist [--seeds N] [--quick] [--json]}: the suite's task adapters routed inside the
 * model by each router (fitted gate, prototypes, FlyLoRA, rank experts, per-example router), next to the best static
 * merge chosen on validation, as test accuracy per task, mean ± standard error over seeds.
 */
@Command(
        name = "route",
        sortOptions = false,
        description = {
            "Route the suite's task adapters inside the model, module by module (fitted gate, prototypes, Arrow,",
            "Arrow after GenKnowSub, FlyLoRA, rank experts) and per example; report test accuracy per task, mean ± se",
            "over seeds, next to the base,",
            "each adapter on its own task, and the best static merge (method and λ chosen on a validation split)."
        })
public final class LabRouteCommand implements Callable<Integer> {
    @Mixin
    LabSuiteOptions lab;

    @Option(
            names = "--routers",
            split = ",",
            paramLabel = "NAME",
            description = "Only these routers (fitted_gate, prototypes, arrow, arrow_gks, flylora, rank_experts, "
                    + "example_router).")
    List<String> routers;

    @Option(
            names = "--static-methods",
            split = ",",
            paramLabel = "METHOD",
            description = "The merge methods best_static chooses among (lora merge --method names; default: all).")
    List<String> staticMethods;

    @Option(names = "--no-static", description = "Skip the best static merge.")
    boolean noStatic;

    @Mixin
    JsonReportOption json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        lab.check(
                spec,
                "lab route",
                "does not support routing inside the model yet (its modules read one row per token, not one per example)");
        if (routers != null) {
            for (String r : routers) {
                if (!RouteExperiment.ROUTERS.contains(r)) {
                    throw new LoraException(
                            "lab route: unknown router '" + r + "', expected one of " + RouteExperiment.ROUTERS);
                }
            }
        }
        Method[] statics = noStatic
                ? new Method[0]
                : staticMethods == null
                        ? Method.values()
                        : staticMethods.stream().map(Method::parse).toArray(Method[]::new);
        return lab.report(spec, json, (s, steps) -> {
            RouteExperiment<LabeledImages> experiment = RouteExperiment.of((FashionMnistSuite) s)
                    .seeds(lab.seeds())
                    .staticMethods(statics)
                    .progress(steps);
            if (routers != null) {
                experiment = experiment.routers(routers.toArray(String[]::new));
            }
            return experiment.report();
        });
    }
}
