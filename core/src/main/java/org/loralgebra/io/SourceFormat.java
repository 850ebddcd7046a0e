package org.loralgebra.io;

/**
 * The on-disk format an adapter was read from, as {@code lora inspect} names it: a stable identifier
 * ({@code peft}, {@code kohya}, {@code lycoris}, {@code diffusers}, {@code diffusers_attn_procs}, {@code peft_loha},
 * {@code peft_lokr}, {@code peft_adalora}, {@code peft_vera}) and a title for people.
 */
public record SourceFormat(String id, String title) {
    /** A Hugging Face PEFT LoRA folder. */
    public static final SourceFormat PEFT = new SourceFormat("peft", "PEFT adapter folder");
    /** A kohya-ss / A1111 LoRA file ({@code lora_down} / {@code lora_up} / {@code alpha}). */
    public static final SourceFormat KOHYA = new SourceFormat("kohya", "kohya / diffusers LoRA file");
}
