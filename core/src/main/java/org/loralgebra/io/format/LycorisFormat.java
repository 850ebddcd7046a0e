package org.loralgebra.io.format;

import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.kohya.KohyaFile;
import org.loralgebra.io.lycoris.LycorisFile;
import org.loralgebra.model.AdapterSource;

/**
 * A LyCORIS file: a {@code .safetensors} file with LoHa ({@code .hada_w1_a} …), LoKr ({@code .lokr_w1} …), LoCon Tucker
 * ({@code .lora_mid.weight}) or DoRA ({@code .dora_scale}) keys. Read by {@link LycorisFile} into exact LoRA forms;
 * saved as a plain kohya LoRA file (the kohya format's writer).
 */
final class LycorisFormat implements Format {
    @Override
    public String name() {
        return "a LyCORIS file";
    }

    @Override
    public String signature() {
        return "a LyCORIS / kohya LoHa or LoKr file (" + KohyaFile.SUFFIX + " with <module>.hada_w1_a … or .lokr_w1 …)";
    }

    @Override
    public boolean recognises(Probe probe) {
        return probe.isFileEndingIn(KohyaFile.SUFFIX) && probe.anyKey(LycorisFile::isLycorisKey);
    }

    @Override
    public AdapterSource read(Probe probe, LoadOptions options) {
        return LycorisFile.read(probe.weights().orElseThrow(), options);
    }
}
