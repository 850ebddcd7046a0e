package org.loralgebra.kernel.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;
import org.loralgebra.exec.ProgressListener;
import org.loralgebra.lang.LoraException;
import org.loralgebra.stdlib.lab.Examples;
import org.loralgebra.stdlib.lab.FashionMnist;
import org.loralgebra.stdlib.lab.FashionMnistSuite;
import org.loralgebra.stdlib.lab.ImageDomain;
import org.loralgebra.stdlib.lab.LabCache;
import org.loralgebra.stdlib.lab.LabReport;
import org.loralgebra.stdlib.lab.Progress;
import org.loralgebra.stdlib.lab.Suite;
import org.loralgebra.stdlib.lab.TextSuite;
import org.loralgebra.stdlib.lab.text.TextCorpora;
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
            description = "The task suite: fmnist (Fashion-MNIST domains) or text (MiniLM on spam, fortune topics and "
                    + "WordNet supersenses).")
    String suite;

    @Option(names = "--seeds", paramLabel = "N", defaultValue = "3", description = "Seeds 0..N-1 (default 3).")
    int seeds;

    @Option(
            names = "--quick",
            description = "The reduced suite of the tests (fmnist: a small MLP, a few hundred images per task; text: "
                    + "128 texts per task, 24 tokens): seconds to a minute.")
    boolean quick;

    @Option(
            names = "--cache",
            paramLabel = "DIR",
            description = "Where trained models and adapters are kept (default: $XDG_CACHE_HOME/loralgebra/lab, "
                    + "else ~/.cache/loralgebra/lab).")
    Path cache;

    /**
     * Refuses what no experiment can run: another suite than fmnist or text (usage error), the text suite where the
     * experiment needs what its model lacks ({@code textSupport} null when it is supported, else the reason: an input
     * error), and fewer than one seed.
     */
    void check(CommandSpec spec, String experiment, String textSupport) {
        if (!"fmnist".equals(suite) && !"text".equals(suite)) {
            throw new ParameterException(spec.commandLine(), "--suite: expected fmnist or text, got " + suite);
        }
        if ("text".equals(suite) && textSupport != null) {
            throw new LoraException(experiment + ": the text suite " + textSupport + "; use --suite fmnist");
        }
        if (seeds < 1) {
            throw new ParameterException(spec.commandLine(), "--seeds must be at least 1, got " + seeds);
        }
    }

    /** The names of the chosen suite's tasks, known before it is opened. */
    List<String> taskNames() {
        return "text".equals(suite)
                ? TextSuite.TASKS
                : FashionMnistSuite.DOMAINS.stream().map(ImageDomain::id).toList();
    }

    /** The number of seeds. */
    int seeds() {
        return seeds;
    }

    /**
     * The suite (its base trained, or read from the cache; for text, its texts encoded by MiniLM's frozen layers, or
     * read from the cache), what it computes drawn on {@code bar}.
     */
    Suite<? extends Examples> open(ProgressListener bar) {
        LabCache store = cache != null ? LabCache.at(cache) : LabCache.user();
        Suite<? extends Examples> s = "text".equals(suite)
                ? TextSuite.of(
                        quick ? TextSuite.Settings.quick() : TextSuite.Settings.full(),
                        TextCorpora.installed(),
                        store,
                        (done, total) -> bar.progressed(done, total, "texts and epochs"))
                : FashionMnistSuite.of(
                        quick ? FashionMnistSuite.Settings.quick() : FashionMnistSuite.Settings.full(),
                        FashionMnist.installed(),
                        store,
                        (done, total) -> bar.progressed(done, total, "epochs"));
        bar.finished();
        return s;
    }

    /**
     * Runs one experiment and prints what it measured: opens the suite ({@link #open}), hands it to
     * {@code experiment} with a progress callback for its steps, all drawn on standard error, then prints the
     * report on standard output, its JSON with {@code --json}, else its table.
     */
    int report(
            CommandSpec spec,
            JsonReportOption json,
            BiFunction<Suite<? extends Examples>, Progress, ? extends LabReport> experiment) {
        ProgressListener bar = ProgressBar.forTerminal(spec.commandLine().getErr());
        LabReport report = experiment.apply(open(bar), (done, total) -> bar.progressed(done, total, "steps"));
        bar.finished();
        json.print(spec.commandLine().getOut(), () -> report.toJson().strip(), out -> out.print(report.toText()));
        return ExitCodes.OK;
    }
}
