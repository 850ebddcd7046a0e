/**
 * diffusers' single-file LoRAs: the current spelling ({@link org.loralgebra.io.diffusers.DiffusersFile}, PEFT keys and
 * the config in {@code __metadata__}), written by {@link org.loralgebra.io.diffusers.DiffusersFileWriter}, and the
 * legacy attention-processor spelling ({@link org.loralgebra.io.diffusers.DiffusersProcessorsFile}).
 */
package org.loralgebra.io.diffusers;
