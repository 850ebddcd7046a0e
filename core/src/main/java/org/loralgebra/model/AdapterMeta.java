package org.loralgebra.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.loralgebra.config.PeftConfig;

/**
 * What an adapter carries besides its low-rank factors, and what a writer needs to save it as it came:
 * the on-disk format, the PEFT config (unknown keys included; for kohya files a synthesized one), the prefix
 * of its tensor keys ({@code "base_model.model."} for PEFT), its extra tensors by full key (classifier heads
 * saved through {@code modules_to_save}, biases) and the safetensors {@code __metadata__}.
 */
public record AdapterMeta(
        AdapterFormat format,
        PeftConfig config,
        String keyPrefix,
        Map<String, TensorRef> extras,
        Map<String, String> fileMetadata) {
    public AdapterMeta {
        extras = Collections.unmodifiableMap(new LinkedHashMap<>(extras));
        fileMetadata = Collections.unmodifiableMap(new LinkedHashMap<>(fileMetadata));
    }

    /** The same meta with other extras. */
    public AdapterMeta withExtras(Map<String, TensorRef> newExtras) {
        return new AdapterMeta(format, config, keyPrefix, newExtras, fileMetadata);
    }

    /** The same meta with another config. */
    public AdapterMeta withConfig(PeftConfig newConfig) {
        return new AdapterMeta(format, newConfig, keyPrefix, extras, fileMetadata);
    }
}
