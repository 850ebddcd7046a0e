package org.loralgebra.model;

/** The on-disk layouts LoRAlgebra reads and writes. */
public enum AdapterFormat {
    /** A Hugging Face PEFT folder: {@code adapter_config.json} and {@code adapter_model.safetensors}. */
    PEFT,
    /** A single safetensors file with kohya / diffusers keys ({@code lora_down}, {@code lora_up}, {@code alpha}). */
    KOHYA
}
