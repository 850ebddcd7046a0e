/**
 * The language: adapters are values ({@link org.loralgebra.Adapter}, made by {@link org.loralgebra.Lora#load}), combined
 * by exact, factored operations ({@code plus}, {@code times}, {@code truncate}, {@code project}, …) into lazy expressions
 * that are typed when built, planned, and computed only when a result is asked for ({@link org.loralgebra.Spectrum},
 * {@link org.loralgebra.Decomposition}, {@code save}, {@code eval}). The top layer of the core: it may use every package
 * below it, and none of them uses it.
 */
package org.loralgebra;
