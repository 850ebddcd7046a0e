package org.loralgebra.io.format;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;
import org.loralgebra.io.AdapterSink;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.diffusers.DiffusersFile;
import org.loralgebra.io.diffusers.DiffusersFileWriter;
import org.loralgebra.io.kohya.KohyaFile;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.AdapterSource;

/**
 * diffusers' current single-file LoRA: a {@code .safetensors} file with PEFT keys ({@code <module>.lora_A.weight}) that
 * do not start with {@code base_model.model.} (a PEFT folder's weights without their folder are the kohya format's to
 * refuse). Read by {@link DiffusersFile}, written by {@link DiffusersFileWriter}.
 */
final class DiffusersFormat implements Format {
    @Override
    public String name() {
        return "a diffusers LoRA file";
    }

    @Override
    public String signature() {
        return "a diffusers LoRA file (" + KohyaFile.SUFFIX + " with <module>.lora_A.weight / .lora_B.weight keys, the "
                + "config in __metadata__ lora_adapter_metadata)";
    }

    @Override
    public boolean recognises(Probe probe) {
        return probe.isFileEndingIn(KohyaFile.SUFFIX) && probe.anyKey(DiffusersFile::isDiffusersKey);
    }

    @Override
    public AdapterSource read(Probe probe, LoadOptions options) {
        return DiffusersFile.read(probe.weights().orElseThrow(), options);
    }

    @Override
    public Optional<AdapterFormat> writes() {
        return Optional.of(AdapterFormat.DIFFUSERS);
    }

    @Override
    public AdapterSink sink(AdapterMeta template, Collection<Path> inputs) {
        return DiffusersFileWriter.create(template, inputs);
    }
}
