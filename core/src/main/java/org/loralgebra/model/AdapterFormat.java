package org.loralgebra.model;

/** The on-disk layouts LoRAlgebra reads and writes, and whether each is written as a folder or as one file. */
public enum AdapterFormat {
    /** A Hugging Face PEFT folder: {@code adapter_config.json} and {@code adapter_model.safetensors}. */
    PEFT(true),
    /** A single safetensors file with kohya / diffusers keys ({@code lora_down}, {@code lora_up}, {@code alpha}). */
    KOHYA(false),
    /**
     * A diffusers single file ({@code pytorch_lora_weights.safetensors}): PEFT keys without {@code base_model.model.} and
     * the PEFT config in the {@code __metadata__} entry {@code lora_adapter_metadata}.
     */
    DIFFUSERS(false);

    private final boolean folder;

    AdapterFormat(boolean folder) {
        this.folder = folder;
    }

    /** Whether the format is written as a folder (else as one {@code .safetensors} file). */
    public boolean folder() {
        return folder;
    }
}
