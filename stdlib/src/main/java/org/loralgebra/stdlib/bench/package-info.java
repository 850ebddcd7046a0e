/**
 * {@code lora bench}: synthetic Llama-2-7B-shaped adapters, each operation timed (median after warm-up) with its memory
 * measured in a fresh JVM, and the numpy peer ({@code bench/peer_numpy.py}) run on the same files in the same run.
 */
package org.loralgebra.stdlib.bench;
