/**
 * The adapter formats people publish, each behind one small interface ({@link org.loralgebra.io.format.Format}:
 * recognise, read, write), asked in order by {@link org.loralgebra.io.format.Formats#open}. A format recognises a
 * path cheaply (its kind, file name, safetensors header keys or {@code peft_type}); reading checks headers and
 * configs and defers tensors; formats that are not additive low-rank updates are recognised in order to be refused
 * with the reason.
 */
package org.loralgebra.io.format;
