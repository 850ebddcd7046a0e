package org.loralgebra.hub;

import org.loralgebra.lang.LoraException;

/**
 * Settings of {@code lora hub similarity}.
 *
 * @param blockSize adapters per block, 0 for the default ({@link #blockSize(int)}): each task compares two blocks
 * @param topK      neighbours listed per adapter
 * @param threshold the cosine at or above which two adapters are near-duplicates
 */
public record SimilarityOptions(int blockSize, int topK, double threshold) {
    public SimilarityOptions {
        if (blockSize < 0) {
            throw new LoraException("similarity: the block size must be ≥ 1 (or 0 for the default), got " + blockSize);
        }
        if (topK < 0) {
            throw new LoraException("similarity: top-k must be ≥ 0, got " + topK);
        }
        if (!(threshold >= -1 && threshold <= 1)) {
            throw new LoraException("similarity: the duplicate threshold is a cosine in [-1, 1], got " + threshold);
        }
    }

    /** Default block size, 10 neighbours, duplicates at cosine ≥ 0.95. */
    public static SimilarityOptions defaults() {
        return new SimilarityOptions(0, 10, 0.95);
    }

    /** With adapters per block (0: the default). */
    public SimilarityOptions withBlockSize(int b) {
        return new SimilarityOptions(b, topK, threshold);
    }

    /** With k neighbours per adapter. */
    public SimilarityOptions withTopK(int k) {
        return new SimilarityOptions(blockSize, k, threshold);
    }

    /** With the near-duplicate threshold. */
    public SimilarityOptions withThreshold(double t) {
        return new SimilarityOptions(blockSize, topK, t);
    }

    /**
     * The block size used for n adapters: the one set, or ⌈n/8⌉ clamped to [16, 256] — a function of n alone, so
     * that every engine cuts the same blocks (and computes the same products), with about 36 block pairs to share
     * out and no task holding more than 512 adapters.
     */
    public int blockSize(int n) {
        if (blockSize > 0) {
            return blockSize;
        }
        return Math.max(16, Math.min(256, (n + 7) / 8));
    }
}
