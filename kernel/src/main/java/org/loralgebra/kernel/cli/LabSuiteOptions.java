package org.loralgebra.kernel.cli;

import java.nio.file.Path;
import org.loralgebra.exec.ProgressListener;
import org.loralgebra.lang.LoraException;
import org.loralgebra.stdlib.lab.FashionMnist;
import org.loralgebra.stdlib.lab.FashionMnistSuite;
import org.loralgebra.stdlib.lab.LabCache;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options every {@code lora lab} experiment shares ({@code --suite}, {@code --seeds}, {@code --quick},
 * {@code --cache}) and the suite they open. A picocli mixin.
 */
public final class LabSuiteOptions {
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
            names = "--cache",
            paramLabel = "DIR",
            description = "Where trained models and adapters are kept (default: $XDG_CACHE_HOME/loralgebra/lab, "
                    + "else ~/.cache/loralgebra/lab).")
    Path cache;

    /**
     * Refuses what no experiment can run: another suite than fmnist (usage error; the text suite is an input error
     * saying it is not built yet) and fewer than one seed.
     */
    void check(CommandSpec spec, String experiment) {
        if (!"fmnist".equals(suite)) {
            throw "text".equals(suite)
                    ? new LoraException(experiment + ": the text suite (MiniLM) is not built yet; use --suite fmnist")
                    : new ParameterException(spec.commandLine(), "--suite: expected fmnist, got " + suite);
        }
        if (seeds < 1) {
            throw new ParameterException(spec.commandLine(), "--seeds must be at least 1, got " + seeds);
        }
    }

    /** The number of seeds. */
    int seeds() {
        return seeds;
    }

    /** The suite (its base trained, or read from the cache), training epochs drawn on {@code bar}. */
    FashionMnistSuite open(ProgressListener bar) {
        FashionMnistSuite s = FashionMnistSuite.of(
                quick ? FashionMnistSuite.Settings.quick() : FashionMnistSuite.Settings.full(),
                FashionMnist.installed(),
                cache != null ? LabCache.at(cache) : LabCache.user(),
                (done, total) -> bar.progressed(done, total, "epochs"));
        bar.finished();
        return s;
    }
}
