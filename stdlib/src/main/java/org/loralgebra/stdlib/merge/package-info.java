/**
 * Merging adapters: Hugging Face PEFT's {@code add_weighted_adapter} combination types by name and with its
 * semantics, and mergekit's task-arithmetic family on the update itself. Entry point: {@link
 * org.loralgebra.stdlib.merge.Merge}; the methods and which of them need dense work: {@link
 * org.loralgebra.stdlib.merge.Method}.
 */
package org.loralgebra.stdlib.merge;
