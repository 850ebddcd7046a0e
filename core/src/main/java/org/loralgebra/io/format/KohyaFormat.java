package org.loralgebra.io.format;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;
import org.loralgebra.io.AdapterSink;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.kohya.KohyaFile;
import org.loralgebra.io.kohya.KohyaFileWriter;
import org.loralgebra.io.kohya.KohyaKeys;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.AdapterSource;

/**
 * A kohya-ss / A1111 LoRA file: a {@code .safetensors} file with {@code <module>.lora_down.weight} /
 * {@code .lora_up.weight} / {@code .alpha} keys (or diffusers' older {@code .lora.down} / {@code .lora_linear_layer.down}
 * spellings). It also claims files whose keys it knows to refuse (a PEFT folder's weights without the folder, OFT), so
 * that they get its message. Read by {@link KohyaFile}, written by {@link KohyaFileWriter}.
 */
final class KohyaFormat implements Format {
    @Override
    public String name() {
        return "a kohya LoRA file";
    }

    @Override
    public String signature() {
        return "a kohya / A1111 LoRA file (" + KohyaFile.SUFFIX
                + " with <module>.lora_down.weight, .lora_up.weight, .alpha)";
    }

    @Override
    public boolean recognises(Probe probe) {
        return probe.isFileEndingIn(KohyaFile.SUFFIX)
                && probe.anyKey(k -> KohyaKeys.parse(k).isPresent()
                        || KohyaKeys.unsupportedFragment(k).isPresent());
    }

    @Override
    public AdapterSource read(Probe probe, LoadOptions options) {
        return KohyaFile.read(probe.weights().orElseThrow(), options);
    }

    @Override
    public Optional<AdapterFormat> writes() {
        return Optional.of(AdapterFormat.KOHYA);
    }

    @Override
    public AdapterSink sink(AdapterMeta template, Collection<Path> inputs) {
        return KohyaFileWriter.create(template, inputs);
    }
}
