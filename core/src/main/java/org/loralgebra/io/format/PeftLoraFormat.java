package org.loralgebra.io.format;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;
import org.loralgebra.io.AdapterSink;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.peft.PeftFolder;
import org.loralgebra.io.peft.PeftFolderWriter;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.AdapterSource;

/**
 * A PEFT LoRA folder ({@code peft_type} {@code LORA}, or no config): any folder, or a file named
 * {@code adapter_model.safetensors}, that no more specific PEFT format claimed. Read by {@link PeftFolder}, written
 * by {@link PeftFolderWriter}.
 */
final class PeftLoraFormat implements Format {
    @Override
    public String name() {
        return "a PEFT LoRA adapter folder";
    }

    @Override
    public String signature() {
        return "a PEFT adapter folder (" + PeftFolder.CONFIG + " + " + PeftFolder.WEIGHTS + ")";
    }

    @Override
    public boolean recognises(Probe probe) {
        return probe.folder().isPresent();
    }

    @Override
    public AdapterSource read(Probe probe, LoadOptions options) {
        return PeftFolder.read(probe.folder().orElseThrow(), options);
    }

    @Override
    public Optional<AdapterFormat> writes() {
        return Optional.of(AdapterFormat.PEFT);
    }

    @Override
    public AdapterSink sink(AdapterMeta template, Collection<Path> inputs) {
        return PeftFolderWriter.create(template, inputs);
    }
}
