/**
 * Adapters and modules as types: a module's shape, kind and rank ({@link org.loralgebra.model.ModuleSpec}), an
 * adapter's modules and base model ({@link org.loralgebra.model.AdapterType}), its format, config and extra
 * tensors ({@link org.loralgebra.model.AdapterMeta}), and where its weights come from
 * ({@link org.loralgebra.model.AdapterSource}: in memory, {@link org.loralgebra.model.InMemoryAdapter}, or read
 * lazily from a file; both hold their modules as a {@link org.loralgebra.model.ModuleMapSource}).
 */
package org.loralgebra.model;
