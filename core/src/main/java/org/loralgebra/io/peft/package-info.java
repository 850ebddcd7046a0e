/**
 * Hugging Face PEFT adapter folders: the key grammar ({@link org.loralgebra.io.peft.PeftKeys}), the config and
 * its per-module rank/alpha rules ({@link org.loralgebra.config.PeftConfig}), the LoRA reader
 * ({@link org.loralgebra.io.peft.PeftFolder}) and writer ({@link org.loralgebra.io.peft.PeftFolderWriter}), the
 * config saved with a set of modules ({@link org.loralgebra.io.peft.ConfigFit}), and JSON printed as PEFT prints
 * it ({@link org.loralgebra.config.PythonJson}). The other additive types are read into exact LoRA forms:
 * LoHa and LoKr ({@code io.lycoris.PeftLycorisFolder}, beside the LyCORIS modules it reads), AdaLoRA
 * ({@link org.loralgebra.io.peft.PeftAdaloraFolder}) and VeRA ({@link org.loralgebra.io.peft.PeftVeraFolder});
 * {@link org.loralgebra.io.peft.PeftTypes} says which {@code peft_type}s are read and why the others are not.
 */
package org.loralgebra.io.peft;
