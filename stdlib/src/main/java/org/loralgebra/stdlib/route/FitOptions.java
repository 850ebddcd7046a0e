package org.loralgebra.stdlib.route;

/**
 * Options of {@link Gate#fit}: the seed of the power iteration that sets the step size, the most full-batch
 * iterations, the L2 penalty on the weights ({@code (λ/2)·‖W‖²}, bias unpenalized, on standardized inputs), and
 * the gradient norm at which to stop.
 */
public record FitOptions(long seed, int maxIterations, double l2, double tolerance) {
    public FitOptions {
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be at least 1, got " + maxIterations);
        }
        if (!(l2 >= 0) || !(tolerance >= 0)) {
            throw new IllegalArgumentException(
                    "l2 and tolerance must be non-negative, got " + l2 + " and " + tolerance);
        }
    }

    /** Seed 0, 500 iterations, λ = 1e-4, tolerance 1e-6. */
    public static FitOptions defaults() {
        return new FitOptions(0, 500, 1e-4, 1e-6);
    }

    /** The same options with another seed. */
    public FitOptions withSeed(long s) {
        return new FitOptions(s, maxIterations, l2, tolerance);
    }

    /** The same options with another iteration limit. */
    public FitOptions withMaxIterations(int n) {
        return new FitOptions(seed, n, l2, tolerance);
    }

    /** The same options with another L2 penalty. */
    public FitOptions withL2(double lambda) {
        return new FitOptions(seed, maxIterations, lambda, tolerance);
    }

    /** The same options with another stopping tolerance. */
    public FitOptions withTolerance(double t) {
        return new FitOptions(seed, maxIterations, l2, t);
    }
}
