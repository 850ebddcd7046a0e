package org.loralgebra.stdlib.cluster;

import java.util.Arrays;
import org.loralgebra.exec.Engine;
import org.loralgebra.stdlib.random.SplitMix64;

/**
 * k-means on the rows of a small dense matrix, seeded and deterministic, optionally on points up to sign.
 *
 * <p>Up to sign ({@code signInvariant}): x and −x are the same point, as a rank unit (b, a) and (−b, −a) are the
 * same update. The distance is d(x, c) = min(‖x − c‖², ‖x + c‖²) and a point joins its centre's mean with the
 * sign that is nearer (+ on ties). A fixed sign convention per unit cannot do this: whichever entry decides the
 * sign, noise can flip it between two copies of one unit and put them at opposite ends of the space.
 *
 * <p>Seeding: k-means++ (Arthur and Vassilvitskii, SODA 2007): the first centre is a uniform draw, each next one
 * is drawn with probability proportional to the squared distance to the nearest centre chosen so far; when every
 * point lies on a chosen centre, the remaining centres are the first points not chosen yet. Draws come from a
 * {@link SplitMix64} stream with the given key. Then Lloyd's iterations: each point goes to the nearest centre
 * (squared Euclidean distance, the lowest index on ties), each centre moves to the mean of its points (a centre
 * with none stays). They stop when an assignment repeats the previous one (a fixed point: more iterations would
 * change nothing) or after {@code maxIterations}.
 */
final class KMeans {
    private KMeans() {}

    /**
     * Centres [k, d], the last assignment of each point with the sign it joined with (always +1 unless sign
     * invariant), and the number of Lloyd iterations run.
     */
    record Result(double[][] centres, int[] labels, int[] signs, int iterations) {}

    /** Plain k-means. */
    static Result fit(double[][] x, int k, long key, int maxIterations) {
        return fit(x, k, key, maxIterations, false);
    }

    /**
     * k-means++ seeding and Lloyd's iterations. The points are read twice: once for their Gram matrix
     * G = X·Xᵀ, once for the final centres. In between everything runs on G: a centre is a combination
     * c = Σᵢ wᵢxᵢ of the points (a seed, or its members' signed mean), so ‖x_j ∓ c‖² = G_jj ∓ 2(Gw)_j + wᵀGw, and
     * an iteration costs O(n²k), not O(nkd). With rank units of tens of thousands of entries and n ≤ a few hundred
     * this is what makes clustering cheap. The final centres are the signed means of their members computed from
     * the points, as a plain implementation would.
     */
    static Result fit(double[][] x, int k, long key, int maxIterations, boolean signInvariant) {
        int n = x.length;
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("k must be in [1, " + n + "], got " + k);
        }
        double[][] g = gram(x);
        int[] seeds = seedsFromGram(g, k, new SplitMix64(key), signInvariant);
        double[][] w = new double[k][n]; // centre c = Σᵢ w[c][i]·xᵢ
        for (int c = 0; c < k; c++) {
            w[c][seeds[c]] = 1.0;
        }
        int[][] assignment = {new int[n], new int[n]};
        int it = 0;
        boolean moved = false; // whether the centres are the means of the current assignment
        while (it < maxIterations) {
            int[][] next = assignFromGram(g, w, signInvariant);
            boolean same = it > 0 && Arrays.equals(next[0], assignment[0]) && Arrays.equals(next[1], assignment[1]);
            assignment = next;
            it++;
            if (same) {
                break;
            }
            w = meanWeights(assignment[0], assignment[1], w);
            moved = true;
        }
        double[][] centres = new double[k][];
        int[] counts = new int[k];
        for (int label : assignment[0]) {
            counts[label]++;
        }
        double[][] means = moved ? means(x, assignment[0], assignment[1], k) : null;
        for (int c = 0; c < k; c++) {
            centres[c] = moved && counts[c] > 0 ? means[c] : combination(x, w[c]);
        }
        return new Result(centres, assignment[0], assignment[1], it);
    }

    /**
     * G = X·Xᵀ in double precision, by the backend in force ({@code dsyrk} on the CPU): the one pass over the points'
     * entries.
     */
    static double[][] gram(double[][] x) {
        return Engine.current().backend().gramOfRows(x);
    }

    /**
     * {labels, signs} from the Gram matrix and the centres' weights: each point's nearest centre (lowest index on
     * ties) and the sign it is nearer with.
     */
    private static int[][] assignFromGram(double[][] g, double[][] w, boolean signInvariant) {
        int n = g.length;
        int k = w.length;
        double[][] gw = new double[k][n]; // (G·w_c)_j = x_j · c
        double[] cc = new double[k]; // ‖c‖² = wᵀGw
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < n; i++) {
                if (w[c][i] == 0) {
                    continue;
                }
                for (int j = 0; j < n; j++) {
                    gw[c][j] += w[c][i] * g[i][j];
                }
            }
            for (int j = 0; j < n; j++) {
                cc[c] += w[c][j] * gw[c][j];
            }
        }
        int[] labels = new int[n];
        int[] signs = new int[n];
        for (int j = 0; j < n; j++) {
            double best = Double.POSITIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                double plus = Math.max(0, g[j][j] - 2 * gw[c][j] + cc[c]);
                double minus = signInvariant ? Math.max(0, g[j][j] + 2 * gw[c][j] + cc[c]) : Double.POSITIVE_INFINITY;
                double d = Math.min(plus, minus);
                if (d < best) {
                    best = d;
                    labels[j] = c;
                    signs[j] = minus < plus ? -1 : 1;
                }
            }
        }
        return new int[][] {labels, signs};
    }

    /** Each centre's weights as its members' signed mean; a centre without members keeps its weights. */
    private static double[][] meanWeights(int[] labels, int[] signs, double[][] previous) {
        int k = previous.length;
        int n = labels.length;
        int[] counts = new int[k];
        for (int label : labels) {
            counts[label]++;
        }
        double[][] w = new double[k][];
        for (int c = 0; c < k; c++) {
            w[c] = counts[c] == 0 ? previous[c] : new double[n];
        }
        for (int i = 0; i < n; i++) {
            int c = labels[i];
            w[c][i] = (double) signs[i] / counts[c];
        }
        return w;
    }

    private static double[] combination(double[][] x, double[] w) {
        double[] c = new double[x[0].length];
        for (int i = 0; i < x.length; i++) {
            if (w[i] == 0) {
                continue;
            }
            if (w[i] == 1.0) {
                for (int j = 0; j < c.length; j++) {
                    c[j] += x[i][j];
                }
                continue;
            }
            for (int j = 0; j < c.length; j++) {
                c[j] += w[i] * x[i][j];
            }
        }
        return c;
    }

    static int[] plusPlus(double[][] x, int k, SplitMix64 rnd) {
        return plusPlus(x, k, rnd, false);
    }

    static int[] plusPlus(double[][] x, int k, SplitMix64 rnd, boolean signInvariant) {
        return seedsFromGram(gram(x), k, rnd, signInvariant);
    }

    /** k-means++ on points given by their Gram matrix: ‖xᵢ ∓ xⱼ‖² = Gᵢᵢ + Gⱼⱼ ∓ 2Gᵢⱼ. */
    private static int[] seedsFromGram(double[][] g, int k, SplitMix64 rnd, boolean signInvariant) {
        int n = g.length;
        int[] chosen = new int[k];
        boolean[] taken = new boolean[n];
        chosen[0] = rnd.nextInt(n);
        taken[chosen[0]] = true;
        double[] d2 = new double[n];
        for (int i = 0; i < n; i++) {
            d2[i] = gramDistance(g, i, chosen[0], signInvariant);
        }
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (double v : d2) {
                total += v;
            }
            int pick = -1;
            if (total > 0) {
                double target = rnd.nextDouble() * total;
                double cumulative = 0;
                for (int i = 0; i < n; i++) {
                    cumulative += d2[i];
                    if (d2[i] > 0 && cumulative > target) {
                        pick = i;
                        break;
                    }
                }
                if (pick < 0) { // rounding at the very end of the cumulative sum
                    for (int i = n - 1; i >= 0 && pick < 0; i--) {
                        pick = d2[i] > 0 ? i : -1;
                    }
                }
            } else {
                for (int i = 0; i < n && pick < 0; i++) {
                    pick = taken[i] ? -1 : i;
                }
            }
            chosen[c] = pick;
            taken[pick] = true;
            for (int i = 0; i < n; i++) {
                d2[i] = Math.min(d2[i], gramDistance(g, i, pick, signInvariant));
            }
        }
        return chosen;
    }

    /**
     * ‖xᵢ − xⱼ‖² (the nearer of ∓ when sign invariant) from the Gram matrix; a point is at distance 0 from itself
     * exactly, and round-off never makes a distance negative.
     */
    private static double gramDistance(double[][] g, int i, int j, boolean signInvariant) {
        if (i == j) {
            return 0;
        }
        double plus = Math.max(0, g[i][i] + g[j][j] - 2 * g[i][j]);
        return signInvariant ? Math.min(plus, Math.max(0, g[i][i] + g[j][j] + 2 * g[i][j])) : plus;
    }

    /**
     * Nearest-centre labels computed from the points themselves (lowest index on ties): the direct computation
     * that {@link #assignFromGram} replaces, kept as the reference the tests compare with.
     */
    static int[] assign(double[][] x, double[][] centres) {
        int[] labels = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            double best = Double.POSITIVE_INFINITY;
            for (int c = 0; c < centres.length; c++) {
                double d = distance2(x[i], centres[c]);
                if (d < best) {
                    best = d;
                    labels[i] = c;
                }
            }
        }
        return labels;
    }

    /** Each centre's signed mean of its members, from the points (rows of centres without members are null). */
    private static double[][] means(double[][] x, int[] labels, int[] signs, int k) {
        int d = x[0].length;
        double[][] sums = new double[k][];
        int[] counts = new int[k];
        for (int i = 0; i < x.length; i++) {
            int c = labels[i];
            counts[c]++;
            if (sums[c] == null) {
                sums[c] = new double[d];
            }
            double[] s = sums[c];
            for (int j = 0; j < d; j++) {
                s[j] += signs[i] * x[i][j];
            }
        }
        for (int c = 0; c < k; c++) {
            if (counts[c] > 0) {
                for (int j = 0; j < d; j++) {
                    sums[c][j] /= counts[c];
                }
            }
        }
        return sums;
    }

    /** ‖p − q‖². */
    static double distance2(double[] p, double[] q) {
        double s = 0;
        for (int j = 0; j < p.length; j++) {
            double t = p[j] - q[j];
            s += t * t;
        }
        return s;
    }
}
