package org.loralgebra.io.format;

import java.util.regex.Pattern;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.kohya.KohyaFile;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.model.AdapterSource;

/**
 * cloneofsimo's {@code lora} format ({@code text_encoder:0:down}, {@code unet:12:up}): recognised and refused, because
 * its keys are indices into the order in which that library walked the model's modules — which depends on the
 * diffusers and transformers versions it ran with — and the file stores no module names to check them against.
 */
final class CloneofsimoRefusal implements Format {
    private static final Pattern KEY = Pattern.compile("^[A-Za-z_0-9]+:\\d+:(up|down)$");

    @Override
    public String name() {
        return "a cloneofsimo LoRA file";
    }

    @Override
    public String signature() {
        return "";
    }

    @Override
    public boolean recognises(Probe probe) {
        return probe.isFileEndingIn(KohyaFile.SUFFIX)
                && probe.anyKey(k -> KEY.matcher(k).matches());
    }

    @Override
    public AdapterSource read(Probe probe, LoadOptions options) {
        String example = probe.keys().stream()
                .filter(k -> KEY.matcher(k).matches())
                .sorted()
                .findFirst()
                .orElseThrow();
        throw new AdapterFormatException(
                probe.path(),
                "a cloneofsimo LoRA file (keys such as '" + example + "'): its modules "
                        + "are numbered in the order that library walked the model, which depends on the diffusers / transformers "
                        + "versions it ran with, and their names are not stored, so which layer each update belongs to cannot be "
                        + "known from the file. Convert it with the library that wrote it (lora_diffusion) into a diffusers or "
                        + "kohya LoRA");
    }
}
