/**
 * Single-file kohya-ss / diffusers LoRAs (Stable Diffusion and similar): {@code lora_down} / {@code lora_up} /
 * {@code alpha} keys ({@link org.loralgebra.io.kohya.KohyaKeys}), read by {@link org.loralgebra.io.kohya.KohyaFile}
 * and written by {@link org.loralgebra.io.kohya.KohyaFileWriter}.
 */
package org.loralgebra.io.kohya;
