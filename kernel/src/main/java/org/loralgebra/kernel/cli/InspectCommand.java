package org.loralgebra.kernel.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lora inspect PATH [--json]}: what an adapter holds, read from its headers and config only. */
@Command(
        name = "inspect",
        sortOptions = false,
        description = {
            "Show an adapter's modules (shape, rank, alpha, scale, dtype, DoRA), its extra tensors and totals.",
            "Reads the config and the safetensors header only, never the weights. LoHa, LoKr, AdaLoRA, VeRA and Tucker",
            "modules show the rank of their exact LoRA form and the form they are stored in; 'saves as' says what",
            "save writes."
        })
public final class InspectCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            paramLabel = "PATH",
            description = "A PEFT adapter folder (LoRA, LoHa, LoKr, AdaLoRA, VeRA), "
                    + "or a kohya, LyCORIS or diffusers .safetensors file.")
    Path path;

    @Option(names = "--json", description = "Print one JSON object instead of tables.")
    boolean json;

    @Mixin
    AdapterLoadOptions load;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AdapterInspection inspection = AdapterInspection.of(load.open(path));
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? InspectionJson.render(inspection) : InspectionText.render(inspection));
        out.flush();
        return ExitCodes.OK;
    }
}
