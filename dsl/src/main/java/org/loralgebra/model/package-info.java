/**
 * What an adapter is, independent of where it is stored: its modules' names, kinds, shapes, ranks and dtypes
 * ({@link org.loralgebra.model.ModuleSpec}, {@link org.loralgebra.model.AdapterType}, checked when expressions are
 * built), its metadata for saving ({@link org.loralgebra.model.AdapterMeta}), and where its tensors come from
 * ({@link org.loralgebra.model.AdapterSource}).
 */
package org.loralgebra.model;
