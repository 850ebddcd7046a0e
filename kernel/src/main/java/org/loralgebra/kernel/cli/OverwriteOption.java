package org.loralgebra.kernel.cli;

import java.nio.file.Path;
import java.util.Collection;
import org.loralgebra.SaveOptions;
import org.loralgebra.io.files.OutputPaths;
import org.loralgebra.model.AdapterFormat;
import picocli.CommandLine.Option;

/**
 * {@code --overwrite}: whether a verb may replace an existing output (an adapter, a model folder, a file). Every
 * writing verb mixes it in (directly, or through {@link AdapterOutput}, {@link JsonOutput} or {@link PlotOutput}) and
 * checks its output with it before reading or computing anything, so that a refused output costs nothing and changes
 * nothing (exit 2, the existing output untouched).
 */
public final class OverwriteOption {
    @Option(
            names = "--overwrite",
            description =
                    "Replace the output if it exists; without it an existing output is an error and is left untouched.")
    boolean overwrite;

    /**
     * Checks an adapter output: a single {@code .safetensors} file when the name says so (kohya, LyCORIS and diffusers
     * inputs are written back as one file), else a PEFT folder. See {@link OutputPaths#checkAdapterTarget}.
     */
    public void checkAdapter(Path output, Collection<Path> inputs) {
        AdapterFormat format =
                output.getFileName() != null && output.getFileName().toString().endsWith(OutputPaths.SAFETENSORS)
                        ? AdapterFormat.KOHYA
                        : AdapterFormat.PEFT;
        OutputPaths.checkAdapterTarget(format, output, inputs, overwrite);
    }

    /** Checks a model folder output (any files): see {@link OutputPaths#checkModelFolderTarget}. */
    public void checkModelFolder(Path output, Collection<Path> inputs) {
        OutputPaths.checkModelFolderTarget(output, inputs, overwrite);
    }

    /** Checks a single-file output named {@code *suffix}: see {@link OutputPaths#checkFileTarget}. */
    public void checkFile(Path output, String suffix, Collection<Path> inputs) {
        OutputPaths.checkFileTarget(output, suffix, inputs, overwrite);
    }

    /** {@link SaveOptions#defaults()} with this overwrite setting. */
    public SaveOptions saveOptions() {
        return SaveOptions.defaults().withOverwrite(overwrite);
    }
}
