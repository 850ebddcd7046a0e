package org.loralgebra.io.format;

import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.diffusers.DiffusersProcessorsFile;
import org.loralgebra.io.kohya.KohyaFile;
import org.loralgebra.model.AdapterSource;

/**
 * diffusers' legacy attention-processor LoRA file: a {@code .safetensors} file with
 * {@code <attention>.processor.to_q_lora.down.weight} keys. Read by {@link DiffusersProcessorsFile}; saved in the
 * current diffusers format.
 */
final class DiffusersProcessorsFormat implements Format {
    @Override
    public String name() {
        return "a diffusers attention-processor LoRA file";
    }

    @Override
    public String signature() {
        return "a legacy diffusers attention-processor file (" + KohyaFile.SUFFIX
                + " with <attention>.processor.to_q_lora.down.weight keys)";
    }

    @Override
    public boolean recognises(Probe probe) {
        return probe.isFileEndingIn(KohyaFile.SUFFIX) && probe.anyKey(DiffusersProcessorsFile::isProcessorKey);
    }

    @Override
    public AdapterSource read(Probe probe, LoadOptions options) {
        return DiffusersProcessorsFile.read(probe.weights().orElseThrow(), options);
    }
}
