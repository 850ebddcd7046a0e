package org.loralgebra.stdlib.analysis;

import org.loralgebra.lang.LoraException;

/**
 * Parameters of the intruder-dimension analysis ({@link IntruderDimensions}).
 *
 * @param topK      how many top singular vectors of {@code W + ΔW} are examined (PEFT default 10)
 * @param epsilon   a vector is an intruder when its largest |cosine| with the base singular vectors is below this
 *                  (PEFT default 0.5)
 * @param baseRank  how many top singular vectors of W it is compared with; the definition uses all of them, so
 *                  the result is exact when this reaches min(out, in) and otherwise bounded (see
 *                  {@link ModuleIntruders}); default 10·topK
 * @param svd       oversampling and power iterations of the randomized SVDs
 * @param seed      the seed of the randomized SVDs (each module derives its own from it)
 */
public record IntruderOptions(int topK, double epsilon, int baseRank, RandomizedSvd svd, long seed) {
    /** PEFT's {@code top_k}. */
    public static final int DEFAULT_TOP_K = 10;
    /** PEFT's {@code threshold_epsilon}. */
    public static final double DEFAULT_EPSILON = 0.5;

    public IntruderOptions {
        if (topK < 1) {
            throw new LoraException("intruders: topK must be ≥ 1, got " + topK);
        }
        if (!(epsilon > 0 && epsilon <= 1)) {
            throw new LoraException("intruders: epsilon must be in (0, 1], got " + epsilon);
        }
        if (baseRank < 1) {
            throw new LoraException("intruders: baseRank must be ≥ 1, got " + baseRank);
        }
    }

    /** top_k = 10, ε = 0.5 (PEFT's defaults), 100 base vectors, p = 10, q = 4, seed 0. */
    public static IntruderOptions defaults() {
        return new IntruderOptions(DEFAULT_TOP_K, DEFAULT_EPSILON, 10 * DEFAULT_TOP_K, RandomizedSvd.defaults(), 0);
    }

    /** With another top_k (the base rank follows as 10·topK unless set after). */
    public IntruderOptions withTopK(int k) {
        return new IntruderOptions(k, epsilon, 10 * k, svd, seed);
    }

    /** With another ε. */
    public IntruderOptions withEpsilon(double e) {
        return new IntruderOptions(topK, e, baseRank, svd, seed);
    }

    /** Compared with this many base singular vectors ({@code Integer.MAX_VALUE}: all of them, exact). */
    public IntruderOptions withBaseRank(int k) {
        return new IntruderOptions(topK, epsilon, k, svd, seed);
    }

    /** With other randomized-SVD parameters. */
    public IntruderOptions withSvd(RandomizedSvd s) {
        return new IntruderOptions(topK, epsilon, baseRank, s, seed);
    }

    /** With another seed. */
    public IntruderOptions withSeed(long s) {
        return new IntruderOptions(topK, epsilon, baseRank, svd, s);
    }
}
