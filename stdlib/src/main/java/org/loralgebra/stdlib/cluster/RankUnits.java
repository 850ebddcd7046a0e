package org.loralgebra.stdlib.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * The minimal semantic units of a module (LoRA-LEGO's MSUs): rank j of an update s·B·A is the pair (b_j, a_j),
 * column j of B and row j of A, and s·B·A = Σ_j s·b_j·a_jᵀ. Two properties follow, which the paper builds on:
 * permuting the units (columns of B with the rows of A) leaves the update unchanged, and concatenating the units
 * of two adapters, [B₁ B₂]·[A₁; A₂] = B₁A₁ + B₂A₂, sums their updates.
 *
 * <p>The vector clustered for unit j is {@code u = [√μ·sign(s)·b_j/‖b_j‖, √μ·a_j/‖a_j‖]} of length out + in,
 * with magnitude μ = |s|·‖b_j‖·‖a_j‖ = ‖s·b_j·a_jᵀ‖_F. The adapter's scale is baked in and split evenly between
 * the halves, so that the outer product of the halves is exactly s·b_j·a_jᵀ, and units compare alike whatever
 * rescaling (c·b, a/c) or alpha an adapter was trained with. Units are not normalized to unit length: a large
 * unit weighs more in its cluster. (u) and (−u) give the same update: clustering treats them as one point
 * ({@link KMeans} up to sign); for a definite representation each unit is also flipped so that the
 * largest-magnitude entry of its b half is positive (the first such entry on ties). A unit with a zero half is
 * the zero vector. These are our choices: the paper does not publish the exact vector, and this one makes
 * clustering invariant to the factorization's gauge.
 */
final class RankUnits {
    private RankUnits() {}

    /**
     * The units of one module's factors (B [out, r] and A [r, in] row-major, scale s), one row per rank. B is read
     * row by row (all ranks of a row at once), never down a column: a column walk touches every cache line of B
     * once per rank.
     */
    static double[][] of(double[] b, double[] a, int out, int rank, int in, double scale) {
        double[][] units = new double[rank][out + in];
        double[] nb = new double[rank];
        for (int i = 0; i < out; i++) {
            for (int j = 0; j < rank; j++) {
                double v = b[i * rank + j];
                nb[j] += v * v;
            }
        }
        double[] fb = new double[rank];
        double[] fa = new double[rank];
        for (int j = 0; j < rank; j++) {
            double na = 0;
            for (int c = 0; c < in; c++) {
                na += a[j * in + c] * a[j * in + c];
            }
            double normB = Math.sqrt(nb[j]);
            na = Math.sqrt(na);
            if (normB == 0 || na == 0) {
                continue; // a zero unit
            }
            double root = Math.sqrt(Math.abs(scale) * normB * na);
            fb[j] = (scale < 0 ? -root : root) / normB;
            fa[j] = root / na;
        }
        int[] arg = new int[rank];
        double[] largest = new double[rank]; // |units[j][arg[j]]|, kept here rather than read back
        for (int i = 0; i < out; i++) {
            for (int j = 0; j < rank; j++) {
                double v = b[i * rank + j] * fb[j];
                units[j][i] = v;
                double m = Math.abs(v);
                if (m > largest[j]) {
                    largest[j] = m;
                    arg[j] = i;
                }
            }
        }
        for (int j = 0; j < rank; j++) {
            if (fa[j] == 0) {
                Arrays.fill(units[j], 0, out, 0.0);
                continue;
            }
            double[] u = units[j];
            for (int c = 0; c < in; c++) {
                u[out + c] = a[j * in + c] * fa[j];
            }
            if (u[arg[j]] < 0) {
                for (int i = 0; i < u.length; i++) {
                    u[i] = -u[i];
                }
            }
        }
        return units;
    }

    /**
     * The units in a canonical order, whatever the order of inputs and ranks: by norm, largest first, then by
     * their entries. Clustering the sorted pool makes the result a function of the set of units.
     */
    static double[][] canonicalOrder(List<double[][]> perInput) {
        List<double[]> all = new ArrayList<>();
        perInput.forEach(u -> all.addAll(Arrays.asList(u)));
        // each norm computed once, not at every comparison
        IdentityHashMap<double[], Double> norms = new IdentityHashMap<>();
        all.forEach(u -> norms.put(u, squaredNorm(u)));
        all.sort(Comparator.comparingDouble((double[] u) -> norms.get(u))
                .reversed()
                .thenComparing(RankUnits::compareEntries));
        return all.toArray(double[][]::new);
    }

    /**
     * The positions of {@code all} in the canonical order of {@link #canonicalOrder}: {@code all[order[i]]} is the
     * i-th unit there. The same comparator and the same stable sort, so equal units keep their input order.
     */
    static int[] canonicalIndices(double[][] all) {
        double[] norms = new double[all.length];
        for (int i = 0; i < all.length; i++) {
            norms[i] = squaredNorm(all[i]);
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < all.length; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> norms[i])
                .reversed()
                .thenComparing((Integer i, Integer j) -> compareEntries(all[i], all[j])));
        return order.stream().mapToInt(Integer::intValue).toArray();
    }

    static double squaredNorm(double[] u) {
        double s = 0;
        for (double x : u) {
            s += x * x;
        }
        return s;
    }

    private static int compareEntries(double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            int c = Double.compare(x[i], y[i]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
