package org.loralgebra.graph;

import java.util.List;
import java.util.stream.Collectors;
import org.loralgebra.model.AdapterTypeException;
import org.loralgebra.model.ModuleSpec;

/**
 * Refuses operations that cannot honour DoRA magnitude vectors or LoRA biases, instead of dropping them
 * silently. DoRA's update {@code m ⊙ (W + ΔW)/‖W + ΔW‖ − W} is not linear in ΔW, so neither sums nor scalings
 * nor truncations of the low-rank part give the DoRA update of the result.
 */
final class DoraGuard {
    private DoraGuard() {}

    static void check(String operation, Node input) {
        List<String> modules = input.type().modules().values().stream()
                .filter(ModuleSpec::hasExtraState)
                .map(ModuleSpec::name)
                .collect(Collectors.toList());
        if (!modules.isEmpty()) {
            String shown = modules.size() <= 3
                    ? String.join(", ", modules)
                    : String.join(", ", modules.subList(0, 3)) + " and " + (modules.size() - 3) + " more";
            throw new AdapterTypeException("'" + input.label() + "' carries DoRA magnitude vectors or LoRA biases ("
                    + shown + "); " + operation + " cannot honour them (DoRA's update is not linear in B·A). "
                    + "Call withoutDora() (on the command line: --without-dora) to drop them explicitly and work on the"
                    + " low-rank update B·A alone");
        }
    }
}
