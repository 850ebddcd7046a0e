package org.loralgebra.stdlib.orthogonalize;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Matrix;
import org.loralgebra.exec.ModuleSvd;
import org.loralgebra.lang.LoraException;
import org.loralgebra.lang.Precision;
import org.loralgebra.lang.Side;

/**
 * Orthonormal bases of singular subspaces of one module's update, and of unions of such subspaces.
 *
 * <p>A singular value counts as zero when it is at most {@link #tolerance(Backend)} times the largest one: its
 * singular vectors are then an arbitrary choice of the SVD routine, not a direction of the update, and are
 * never part of a basis. This is where these bases differ from {@code Adapter.project}, which takes the top k
 * vectors whatever their singular values (the same thing on updates of full rank).
 */
public final class SubspaceBasis {
    private SubspaceBasis() {}

    /** Relative tolerance below which a singular value is zero: 1000 machine epsilons of the backend's precision. */
    public static double tolerance(Backend backend) {
        return 1e3 * (backend.precision() == Precision.F64 ? Math.ulp(1.0) : Math.ulp(1.0f));
    }

    /**
     * Absolute tolerance below which a singular value of joined orthonormal bases ({@code cols} unit columns) is
     * zero: {@code 10·√cols} machine epsilons, the size round-off gives the singular values of exactly dependent
     * columns. It is deliberately tight: a direction dropped at singular value σ leaves up to σ of an input basis
     * vector outside the union (two 4-dimensional subspaces of real adapters meet at angles near 2·10⁻⁴, which
     * a looser tolerance would drop, leaving that much of the update inside one of them).
     */
    public static double unionTolerance(Backend backend, int cols) {
        double eps = backend.precision() == Precision.F64 ? Math.ulp(1.0) : Math.ulp(1.0f);
        return 10 * Math.sqrt(Math.max(1, cols)) * eps;
    }

    /** How many of the first {@code k} singular values (descending) are above {@code tolerance·s[0]}. */
    public static int numericalRank(double[] s, int k, double tolerance) {
        int limit = Math.min(k, s.length);
        if (limit == 0 || !(s[0] > 0)) {
            return 0;
        }
        int n = 0;
        while (n < limit && s[n] > tolerance * s[0]) {
            n++;
        }
        return n;
    }

    /**
     * The top-{@code k} singular vectors of one side of an update (left: {@link Side#OUTPUT}, right:
     * {@link Side#INPUT}), zero singular values left out; empty when none is left.
     */
    public static Optional<Matrix> top(Backend backend, ModuleSvd svd, Side side, int k) {
        if (side == Side.BOTH) {
            throw new LoraException("a basis is of one side: output or input, not both");
        }
        if (!svd.hasVectors()) {
            throw new IllegalArgumentException("module '" + svd.spec().name() + "': a basis needs singular vectors");
        }
        int n = numericalRank(svd.s(), k, tolerance(backend));
        if (n == 0) {
            return Optional.empty();
        }
        Matrix vectors = side == Side.OUTPUT ? svd.u() : svd.v();
        return Optional.of(n == vectors.cols() ? vectors : backend.columns(vectors, 0, n));
    }

    /**
     * An orthonormal basis of the sum of subspaces given by orthonormal bases (same number of rows): the left
     * singular vectors of their concatenation whose singular values exceed {@link #unionTolerance}. Projecting off it
     * removes every component inside any of the subspaces, whether they overlap or not. One basis is returned
     * as it is; empty when there is none.
     */
    public static Optional<Matrix> union(Backend backend, List<Matrix> bases) {
        List<Matrix> parts = new ArrayList<>();
        for (Matrix b : bases) {
            if (b.cols() > 0) {
                parts.add(b);
            }
        }
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        if (parts.size() == 1) {
            return Optional.of(parts.get(0));
        }
        Matrix joined = backend.hcat(parts);
        Backend.Svd svd = backend.svd(joined);
        double tol = unionTolerance(backend, joined.cols());
        int n = 0;
        double[] s = svd.s();
        while (n < s.length && s[n] > tol) {
            n++;
        }
        return n == 0 ? Optional.empty() : Optional.of(backend.columns(svd.u(), 0, n));
    }
}
