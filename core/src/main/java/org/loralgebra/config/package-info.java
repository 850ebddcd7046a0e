/**
 * PEFT's {@code adapter_config.json} as an immutable value ({@link org.loralgebra.config.PeftConfig}): every key kept,
 * the LoRA keys read with PEFT's defaults and matching rules (rank and alpha patterns, target modules), the keys that
 * change the math and are not honoured refused by name, and the JSON written the way Python writes it.
 */
package org.loralgebra.config;
