package org.loralgebra.stdlib.route;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.loralgebra.model.StoredModule;

/**
 * The routed mixture computed the slow, obvious way, independently of the library: double precision, one token
 * at a time, every score, sort and product an explicit loop. Nothing here shares code with {@code route}.
 */
final class LoopReference {
    /** One expert: A [r, in], B [out, r] row-major, scale. */
    record Expert(int r, int in, int out, double[] a, double[] b, double scale) {
        static Expert of(StoredModule m) {
            return new Expert(
                    m.spec().rank(),
                    m.spec().in(),
                    m.spec().out(),
                    m.aMatrix().toDoubleArray(),
                    m.bMatrix().toDoubleArray(),
                    m.scale());
        }

        /** A x [r]. */
        double[] project(double[] x) {
            double[] z = new double[r];
            for (int j = 0; j < r; j++) {
                for (int i = 0; i < in; i++) {
                    z[j] += a[j * in + i] * x[i];
                }
            }
            return z;
        }

        /** The rank-1 experts of this module: rank j is (a_j, b_j, scale). */
        List<Expert> ranks() {
            List<Expert> out1 = new ArrayList<>();
            for (int j = 0; j < r; j++) {
                double[] aj = Arrays.copyOfRange(a, j * in, (j + 1) * in);
                double[] bj = new double[out];
                for (int o = 0; o < out; o++) {
                    bj[o] = b[o * r + j];
                }
                out1.add(new Expert(1, in, out, aj, bj, scale));
            }
            return out1;
        }
    }

    /** How the reference scores a token. */
    interface Scorer {
        double score(double[] x, int expert);
    }

    static Scorer linear(double[] w, double[] bias, int in) {
        return (x, e) -> {
            double s = bias == null ? 0 : bias[e];
            for (int i = 0; i < in; i++) {
                s += w[e * in + i] * x[i];
            }
            return s;
        };
    }

    /** ‖A_e x‖ (for rank-1 experts, |a_eᵀx|). */
    static Scorer fly(List<Expert> experts) {
        return (x, e) -> {
            double[] z = experts.get(e).project(x);
            double s = 0;
            for (double v : z) {
                s += v * v;
            }
            return Math.sqrt(s);
        };
    }

    static Scorer cosine(double[] c, int in) {
        return (x, e) -> {
            double dot = 0;
            double nx = 0;
            double nc = 0;
            for (int i = 0; i < in; i++) {
                dot += x[i] * c[e * in + i];
                nx += x[i] * x[i];
                nc += c[e * in + i] * c[e * in + i];
            }
            return dot / Math.sqrt(nx * nc);
        };
    }

    /** Result: output [T, out], chosen experts [T][k] by descending score, smallest score gap at the cut. */
    record Result(double[] y, int[][] chosen, double minGap) {}

    static Result route(
            double[] x, int tokens, int in, List<Expert> experts, Scorer scorer, int k, Weighting weighting) {
        int out = experts.get(0).out();
        double[] y = new double[tokens * out];
        int[][] chosen = new int[tokens][];
        double minGap = Double.POSITIVE_INFINITY;
        for (int t = 0; t < tokens; t++) {
            double[] xt = Arrays.copyOfRange(x, t * in, (t + 1) * in);
            double[] scores = new double[experts.size()];
            for (int e = 0; e < experts.size(); e++) {
                scores[e] = scorer.score(xt, e);
            }
            Integer[] order = new Integer[experts.size()];
            for (int e = 0; e < order.length; e++) {
                order[e] = e;
            }
            Arrays.sort(
                    order, Comparator.comparingDouble((Integer e) -> -scores[e]).thenComparingInt(e -> e));
            if (k < experts.size()) {
                minGap = Math.min(
                        minGap, (scores[order[k - 1]] - scores[order[k]]) / (1 + Math.abs(scores[order[k - 1]])));
            }
            double[] w = weights(scores, order, k, weighting);
            chosen[t] = new int[k];
            for (int i = 0; i < k; i++) {
                int e = order[i];
                chosen[t][i] = e;
                Expert ex = experts.get(e);
                double[] z = ex.project(xt);
                for (int o = 0; o < out; o++) {
                    double v = 0;
                    for (int j = 0; j < ex.r(); j++) {
                        v += ex.b()[o * ex.r() + j] * z[j];
                    }
                    y[t * out + o] += w[i] * ex.scale() * v;
                }
            }
        }
        return new Result(y, chosen, minGap);
    }

    private static double[] weights(double[] scores, Integer[] order, int k, Weighting weighting) {
        double[] w = new double[k];
        switch (weighting) {
            case ONES -> Arrays.fill(w, 1);
            case SOFTMAX -> {
                double sum = 0;
                for (int i = 0; i < k; i++) {
                    w[i] = Math.exp(scores[order[i]]);
                    sum += w[i];
                }
                for (int i = 0; i < k; i++) {
                    w[i] /= sum;
                }
            }
            case SIGMOID -> {
                double sum = 0;
                for (int i = 0; i < k; i++) {
                    w[i] = 1 / (1 + Math.exp(-scores[order[i]]));
                    sum += w[i];
                }
                for (int i = 0; i < k; i++) {
                    w[i] = k * w[i] / sum;
                }
            }
            default -> throw new IllegalStateException();
        }
        return w;
    }

    /** ‖a − b‖_F / ‖b‖_F. */
    static double relativeError(float[] a, double[] b) {
        double[] wide = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            wide[i] = a[i];
        }
        return relativeError(wide, b);
    }

    /** ‖a − b‖_F / ‖b‖_F. */
    static double relativeError(double[] a, double[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < b.length; i++) {
            num += (a[i] - b[i]) * (a[i] - b[i]);
            den += b[i] * b[i];
        }
        return Math.sqrt(num / den);
    }

    private LoopReference() {}
}
