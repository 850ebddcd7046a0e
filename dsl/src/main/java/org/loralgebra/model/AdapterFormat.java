package org.loralgebra.model;

/** The on-disk layouts LoRAlgebra reads and writes. */
public enum AdapterFormat {
    /** A Hugging Face PEFT folder: {@code adapter_config.json} and {@code adapter_model.safetensors}. */
    PEFT,
    /** A single safetensors file with kohya / diffusers keys ({@code lora_down}, {@code lora_up}, {@code alpha}). */
    KOHYA,
    /**
     * A diffusers single file ({@code pytorch_lora_weights.safetensors}): PEFT keys without {@code base_model.model.} and
     * the PEFT config in the {@code __metadata__} entry {@code lora_adapter_metadata}.
     */
    DIFFUSERS
}
