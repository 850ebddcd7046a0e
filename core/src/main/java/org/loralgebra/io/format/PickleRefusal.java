package org.loralgebra.io.format;

import java.util.List;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.model.AdapterSource;

/** A PyTorch pickle checkpoint ({@code .bin}, {@code .pt}, {@code .pth}, {@code .ckpt}): refused, never unpickled. */
final class PickleRefusal implements Format {
    private static final List<String> SUFFIXES = List.of(".bin", ".pt", ".pth", ".ckpt");

    @Override
    public String name() {
        return "a PyTorch pickle checkpoint";
    }

    @Override
    public String signature() {
        return "";
    }

    @Override
    public boolean recognises(Probe probe) {
        return probe.folder().isEmpty() && SUFFIXES.stream().anyMatch(probe.fileName()::endsWith);
    }

    @Override
    public AdapterSource read(Probe probe, LoadOptions options) {
        throw new AdapterFormatException(
                probe.path(),
                "a PyTorch pickle checkpoint, which LoRAlgebra does not unpickle (it "
                        + "can run code); save it as safetensors first (PEFT: save_pretrained(out, safe_serialization=True))");
    }
}
