package org.loralgebra.hub;

import org.loralgebra.lang.LoraException;
import org.loralgebra.model.AdapterType;

/**
 * Settings of {@code lora hub similarity}.
 *
 * @param blockSize     adapters per block, 0 for the default ({@link #blockSize(int)}): each task compares two blocks
 * @param topK          neighbours listed per adapter
 * @param threshold     the cosine at or above which two adapters are near-duplicates
 * @param minPairCosine the cosine at or above which a pair gets a row in the pairs table, or −∞ for every pair
 *                      (those that do not compare included); neighbours and groups still see every pair
 * @param baseModel     the base model every adapter is read as, whatever its config records, or null to compare only
 *                      adapters whose configs name the same model ({@link AdapterType#sameBaseModel})
 */
public record SimilarityOptions(int blockSize, int topK, double threshold, double minPairCosine, String baseModel) {
    public SimilarityOptions {
        if (baseModel != null && baseModel.isBlank()) {
            throw new LoraException("similarity: the base model must name a model, got '" + baseModel + "'");
        }
        if (blockSize < 0) {
            throw new LoraException("similarity: the block size must be ≥ 1 (or 0 for the default), got " + blockSize);
        }
        if (topK < 0) {
            throw new LoraException("similarity: top-k must be ≥ 0, got " + topK);
        }
        if (!(threshold >= -1 && threshold <= 1)) {
            throw new LoraException("similarity: the duplicate threshold is a cosine in [-1, 1], got " + threshold);
        }
        if (!(minPairCosine == Double.NEGATIVE_INFINITY || (minPairCosine >= -1 && minPairCosine <= 1))) {
            throw new LoraException(
                    "similarity: the smallest cosine of a written pair is a cosine in [-1, 1], got " + minPairCosine);
        }
    }

    /** Default block size, 10 neighbours, duplicates at cosine ≥ 0.95, every pair written, base models as recorded. */
    public static SimilarityOptions defaults() {
        return new SimilarityOptions(0, 10, 0.95, Double.NEGATIVE_INFINITY, null);
    }

    /** With adapters per block (0: the default). */
    public SimilarityOptions withBlockSize(int b) {
        return new SimilarityOptions(b, topK, threshold, minPairCosine, baseModel);
    }

    /** With k neighbours per adapter. */
    public SimilarityOptions withTopK(int k) {
        return new SimilarityOptions(blockSize, k, threshold, minPairCosine, baseModel);
    }

    /** With the near-duplicate threshold. */
    public SimilarityOptions withThreshold(double t) {
        return new SimilarityOptions(blockSize, topK, t, minPairCosine, baseModel);
    }

    /**
     * Writing only the pairs that compare with a cosine of at least {@code c} ({@link PairScore#listed}): at hub
     * scale the pairs table of every pair is the largest output (n(n−1)/2 rows, 8.9 GB for 10,000 adapters).
     */
    public SimilarityOptions withMinPairCosine(double c) {
        return new SimilarityOptions(blockSize, topK, threshold, c, baseModel);
    }

    /**
     * Reading every adapter as one of base model {@code name}: pairs are compared whatever model their configs name
     * (one model under several names: a hub id, a re-upload, a local path); null compares only same-named ones.
     */
    public SimilarityOptions withBaseModel(String name) {
        return new SimilarityOptions(blockSize, topK, threshold, minPairCosine, name);
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
