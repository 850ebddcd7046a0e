package org.loralgebra.kernel.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.loralgebra.Lora;
import org.loralgebra.stdlib.bake.Bake;
import org.loralgebra.stdlib.bake.BakeReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lora bake BASE_MODEL_DIR ADAPTER -o OUT}: W + ΔW into a base model's safetensors ({@link Bake}). */
@Command(
        name = "bake",
        sortOptions = false,
        description = {
            "Bake an adapter into a base model: each updated weight becomes W + ΔW (ΔWᵀ where the base stores",
            "it transposed), written as shards of the same layout with a correct index; other files are copied."
        })
public final class BakeCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            paramLabel = "BASE_MODEL_DIR",
            description = "Folder with model.safetensors, or shards and model.safetensors.index.json.")
    Path base;

    @Parameters(index = "1", paramLabel = "ADAPTER", description = "The adapter (PEFT folder or kohya .safetensors).")
    Path adapter;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "OUT",
            required = true,
            description = "Output model folder.")
    Path output;

    @Mixin
    JsonReportOption json;

    @Mixin
    AdapterLoadOptions load;

    @Mixin
    OverwriteOption overwrite;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        overwrite.checkModelFolder(output, List.of(base, adapter));
        Lora.onProgress(ProgressBar.forTerminal(spec.commandLine().getErr()));
        Bake bake = Bake.of(base, Lora.from(load.open(adapter)));
        BakeReport report = bake.save(output, overwrite.overwrite);
        json.print(spec.commandLine().getOut(), report::toJson, out -> out.println(report));
        return ExitCodes.OK;
    }
}
