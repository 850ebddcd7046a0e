/**
 * LyCORIS modules — LoHa ({@code hada_*}), LoKr ({@code lokr_*}) and LoCon with a Tucker core ({@code lora_mid}) —
 * read into their exact LoRA forms: from LyCORIS / kohya single files ({@link org.loralgebra.io.lycoris.LycorisFile})
 * and, through {@link org.loralgebra.io.lycoris.LycorisModules}, from PEFT's LoHa and LoKr folders.
 */
package org.loralgebra.io.lycoris;
