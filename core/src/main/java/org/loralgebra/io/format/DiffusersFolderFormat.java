package org.loralgebra.io.format;

import java.nio.file.Files;
import java.nio.file.Path;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.diffusers.DiffusersFile;
import org.loralgebra.io.peft.PeftFolder;
import org.loralgebra.model.AdapterSource;

/**
 * A folder as diffusers saves LoRA weights into ({@code save_lora_weights(folder)}): it holds
 * {@code pytorch_lora_weights.safetensors} and no PEFT files. The file is opened as whatever format its keys are.
 */
final class DiffusersFolderFormat implements Format {
    @Override
    public String name() {
        return "a folder holding " + DiffusersFile.WEIGHTS;
    }

    @Override
    public String signature() {
        return "a folder holding " + DiffusersFile.WEIGHTS;
    }

    @Override
    public boolean recognises(Probe probe) {
        return probe.folder()
                .filter(f -> probe.path().equals(f)
                        && Files.isRegularFile(f.resolve(DiffusersFile.WEIGHTS))
                        && !Files.exists(f.resolve(PeftFolder.WEIGHTS))
                        && !Files.exists(f.resolve(PeftFolder.CONFIG)))
                .isPresent();
    }

    @Override
    public AdapterSource read(Probe probe, LoadOptions options) {
        Path file = probe.folder().orElseThrow().resolve(DiffusersFile.WEIGHTS);
        return Formats.open(file, options);
    }
}
