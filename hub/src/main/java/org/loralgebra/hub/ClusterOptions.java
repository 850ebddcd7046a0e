package org.loralgebra.hub;

import org.loralgebra.lang.LoraException;

/**
 * Settings of {@code lora hub cluster}.
 *
 * @param k          clusters of rank units per module (as {@code lora cluster --k})
 * @param adapterK   clusters of whole adapters
 * @param seed       the k-means++ seed (as {@code lora cluster --seed})
 * @param iterations the most Lloyd iterations
 */
public record ClusterOptions(int k, int adapterK, long seed, int iterations) {
    public ClusterOptions {
        if (k < 1 || adapterK < 1 || iterations < 1) {
            throw new LoraException("cluster: k, the adapter clusters and the iterations must be ≥ 1, got " + k + ", "
                    + adapterK + " and " + iterations);
        }
    }

    /** k unit clusters and k adapter clusters, seed 0, 100 iterations (lora cluster's defaults). */
    public static ClusterOptions of(int k) {
        return new ClusterOptions(k, k, 0, 100);
    }

    /** With this many clusters of whole adapters. */
    public ClusterOptions withAdapterK(int n) {
        return new ClusterOptions(k, n, seed, iterations);
    }

    /** With this seed. */
    public ClusterOptions withSeed(long s) {
        return new ClusterOptions(k, adapterK, s, iterations);
    }

    /** With at most this many Lloyd iterations. */
    public ClusterOptions withIterations(int n) {
        return new ClusterOptions(k, adapterK, seed, n);
    }
}
