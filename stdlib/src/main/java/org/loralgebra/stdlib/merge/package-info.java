/**
 * Merging adapters: Hugging Face PEFT's {@code add_weighted_adapter} combination types by name and with its
 * semantics, mergekit's task-arithmetic family on the update itself, and the 2025 methods computed factored in the
 * span of the inputs (Core Space, TSV-Merge, Iso-C/Iso-CTS, KnOTS; mergekit's model_stock, Karcher and NuSLERP on
 * the updates). Entry point: {@link org.loralgebra.stdlib.merge.Merge}; the methods and which of them need dense
 * work: {@link org.loralgebra.stdlib.merge.Method}.
 */
package org.loralgebra.stdlib.merge;
