/**
 * A base model's weights on disk, as Hugging Face saves them in safetensors: one file, or shards listed by a
 * {@code *.safetensors.index.json} ({@link org.loralgebra.io.checkpoint.Checkpoint}, headers read up front, values
 * read lazily by positional reads). An adapter's module names are resolved to the checkpoint's tensor names
 * ({@link org.loralgebra.io.checkpoint.TensorNames}: a wrapper prefix added or dropped, never a layer index, an
 * ambiguity always an error), and a module's base weight is checked against the update's shape and read in the
 * update's orientation ({@link org.loralgebra.io.checkpoint.ModuleWeight}). Baking an adapter into the model and
 * measuring its intruder dimensions both read base models through this package.
 */
package org.loralgebra.io.checkpoint;
