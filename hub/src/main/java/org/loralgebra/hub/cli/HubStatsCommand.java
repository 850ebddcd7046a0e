package org.loralgebra.hub.cli;

import java.util.concurrent.Callable;
import org.loralgebra.hub.HubAnalysis;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code lora hub stats PATHS… -o OUT}: per adapter and module, shapes, norms, spectra and flags. */
@Command(
        name = "stats",
        description = {
            "Per adapter × module: shape, rank, scale, norms, singular values, effective/stable/energy rank",
            "(OUT/modules); per adapter: totals and flags (all-zero B, non-finite, collapsed spectrum) or an",
            "error row (OUT/adapters)."
        })
final class HubStatsCommand implements Callable<Integer> {
    @Mixin
    HubInput input;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return HubRun.run(
                input, spec.commandLine().getErr(), "stats", HubAnalysis::stats, (hub, paths) -> hub.stats(paths));
    }
}
