/**
 * Seeded randomness for library operations: a counter-based SplitMix64 stream whose values depend only on a
 * key and a position, so that results are byte-identical whatever the threading, and keys derived from a user
 * seed and a module name.
 */
package org.loralgebra.stdlib.random;
