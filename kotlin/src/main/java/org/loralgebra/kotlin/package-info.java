/**
 * The Kotlin layer of the language: operators ({@code a + 0.5 * b}) and builders ({@code merge(a, b) { … }},
 * {@code cluster}, {@code orthogonalize}, {@code unlearn}, {@code route}) that delegate to the Java API.
 */
package org.loralgebra.kotlin;
