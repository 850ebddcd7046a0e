package org.loralgebra.kernel.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.stdlib.analysis.ModuleSpectrum;
import org.loralgebra.stdlib.json.ReportJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lora spectrum PATH [--json] [--modules GLOB]}: singular values of every module's update, factored. */
@Command(
        name = "spectrum",
        sortOptions = false,
        description = {
            "Singular values of each module's update scale·B·A, descending, computed in factored form",
            "(QR of B and Aᵀ, SVD of the r×r core: never a dense out×in SVD)."
        })
public final class SpectrumCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PATH", description = "An adapter (PEFT folder or kohya .safetensors).")
    Path path;

    @Option(names = "--json", description = "Print {\"modules\": {NAME: [s1, s2, ...]}}.")
    boolean json;

    @Mixin
    ModulesOption modules;

    @Mixin
    AdapterLoadOptions load;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Adapter a = modules.select(Lora.from(load.open(path)));
        PrintWriter out = spec.commandLine().getOut();
        Lora.onProgress(ProgressBar.forTerminal(spec.commandLine().getErr()));
        SortedMap<String, double[]> values = a.spectrum().values();
        out.print(json ? json(values) : text(values));
        out.flush();
        return ExitCodes.OK;
    }

    static String json(SortedMap<String, double[]> values) {
        ObjectNode root = ReportJson.object();
        ObjectNode mods = root.putObject("modules");
        values.forEach((m, s) -> mods.set(m, ReportJson.array(s)));
        return ReportJson.line(root);
    }

    static String text(SortedMap<String, double[]> values) {
        int shown = Math.min(
                8, values.values().stream().mapToInt(s -> s.length).max().orElse(0));
        TextTable.Column[] cols = new TextTable.Column[3 + shown];
        cols[0] = TextTable.left("module");
        cols[1] = TextTable.right("rank");
        cols[2] = TextTable.right("‖ΔW‖F");
        for (int i = 0; i < shown; i++) {
            cols[3 + i] = TextTable.right("σ" + (i + 1));
        }
        TextTable t = TextTable.of(cols);
        values.forEach((m, s) -> {
            String[] row = new String[3 + shown];
            row[0] = m;
            row[1] = String.valueOf(s.length);
            row[2] = String.format(Locale.ROOT, "%.4g", ModuleSpectrum.of(m, s).frobeniusNorm());
            for (int i = 0; i < shown; i++) {
                row[3 + i] = i < s.length ? String.format(Locale.ROOT, "%.4g", s[i]) : "";
            }
            t.row(row);
        });
        return t.render("")
                + (shown
                                < values.values().stream()
                                        .mapToInt(s -> s.length)
                                        .max()
                                        .orElse(0)
                        ? "(first 8 singular values shown; --json prints all)\n"
                        : "");
    }
}
