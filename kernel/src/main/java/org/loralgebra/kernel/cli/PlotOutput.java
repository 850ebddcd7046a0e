package org.loralgebra.kernel.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jetbrains.letsPlot.Figure;
import org.loralgebra.plot.PlotExport;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code -o FILE.(svg|png|html)}: where a {@code lora plot} verb writes its figure, in the format the extension names. */
public final class PlotOutput {
    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            required = true,
            description =
                    "The figure to write: .svg, .png or .html (self-contained, works offline). Written atomically.")
    Path output;

    @Mixin
    OverwriteOption overwrite;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** Checks the extension before anything is computed. */
    void check() {
        String name = output.getFileName() == null ? "" : output.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        if (!PlotExport.FORMATS.contains(ext)) {
            throw new ParameterException(
                    spec.commandLine(),
                    "-o " + output + ": expected a file name ending in .svg, .png " + "or .html, found "
                            + (ext.isEmpty() ? "no extension" : "." + ext));
        }
        overwrite.checkFile(output, "." + ext, List.of());
    }

    /** Writes the figure and says where. */
    int save(Figure figure) {
        PlotExport.save(figure, output);
        spec.commandLine().getOut().println("wrote " + output);
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
