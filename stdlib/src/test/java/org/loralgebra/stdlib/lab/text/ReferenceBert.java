package org.loralgebra.stdlib.lab.text;

/**
 * An independent BERT forward pass in plain double-precision loops (no ND4J), for tests: the formulas of
 * {@link MiniLm}'s documentation written out element by element from the weights by name.
 */
final class ReferenceBert {
    private ReferenceBert() {}

    /** The normalised mean-pooled embedding of one sequence. */
    static double[] embed(MiniLmWeights w, int[] ids) {
        double[][] x = hidden(w, ids, MiniLm.LAYERS);
        int d = MiniLm.HIDDEN;
        double[] mean = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / x.length;
            }
        }
        double norm = 0;
        for (double v : mean) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        for (int j = 0; j < d; j++) {
            mean[j] /= norm;
        }
        return mean;
    }

    /** The hidden states after {@code layers} layers. */
    static double[][] hidden(MiniLmWeights w, int[] ids, int layers) {
        int n = ids.length;
        int d = MiniLm.HIDDEN;
        float[] word = w.values("embeddings.word_embeddings.weight");
        float[] pos = w.values("embeddings.position_embeddings.weight");
        float[] type = w.values("embeddings.token_type_embeddings.weight");
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = (double) word[ids[i] * d + j] + pos[i * d + j] + type[j];
            }
        }
        x = norm(x, w, "embeddings.LayerNorm");
        for (int l = 0; l < layers; l++) {
            String p = "encoder.layer." + l + ".";
            double[][] q = linear(x, w, p + "attention.self.query");
            double[][] k = linear(x, w, p + "attention.self.key");
            double[][] v = linear(x, w, p + "attention.self.value");
            int hd = d / MiniLm.HEADS;
            double[][] ctx = new double[n][d];
            for (int h = 0; h < MiniLm.HEADS; h++) {
                for (int i = 0; i < n; i++) {
                    double[] s = new double[n];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < n; j++) {
                        for (int c = h * hd; c < (h + 1) * hd; c++) {
                            s[j] += q[i][c] * k[j][c];
                        }
                        s[j] /= Math.sqrt(hd);
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < n; j++) {
                        s[j] = Math.exp(s[j] - max);
                        sum += s[j];
                    }
                    for (int j = 0; j < n; j++) {
                        for (int c = h * hd; c < (h + 1) * hd; c++) {
                            ctx[i][c] += s[j] / sum * v[j][c];
                        }
                    }
                }
            }
            double[][] a = add(linear(ctx, w, p + "attention.output.dense"), x);
            a = norm(a, w, p + "attention.output.LayerNorm");
            double[][] u = linear(a, w, p + "intermediate.dense");
            for (double[] row : u) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = 0.5 * row[j] * (1 + erf(row[j] / Math.sqrt(2)));
                }
            }
            x = norm(add(linear(u, w, p + "output.dense"), a), w, p + "output.LayerNorm");
        }
        return x;
    }

    /** x·Wᵀ + b with W [out, in]. */
    static double[][] linear(double[][] x, MiniLmWeights w, String module) {
        float[] wt = w.values(module + ".weight");
        float[] b = w.values(module + ".bias");
        int out = b.length;
        int in = x[0].length;
        double[][] y = new double[x.length][out];
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < out; o++) {
                double s = b[o];
                for (int c = 0; c < in; c++) {
                    s += wt[o * in + c] * x[i][c];
                }
                y[i][o] = s;
            }
        }
        return y;
    }

    private static double[][] add(double[][] a, double[][] b) {
        double[][] out = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                out[i][j] = a[i][j] + b[i][j];
            }
        }
        return out;
    }

    static double[][] norm(double[][] x, MiniLmWeights w, String prefix) {
        float[] g = w.values(prefix + ".weight");
        float[] b = w.values(prefix + ".bias");
        double[][] out = new double[x.length][x[0].length];
        for (int i = 0; i < x.length; i++) {
            double mean = 0;
            for (double v : x[i]) {
                mean += v / x[i].length;
            }
            double var = 0;
            for (double v : x[i]) {
                var += (v - mean) * (v - mean) / x[i].length;
            }
            for (int j = 0; j < x[i].length; j++) {
                out[i][j] = (x[i][j] - mean) / Math.sqrt(var + MiniLm.EPS) * g[j] + b[j];
            }
        }
        return out;
    }

    /** erf by its Maclaurin series (|z| ≤ 3) or continued fraction asymptotics, to ~1e-15. */
    static double erf(double z) {
        double a = Math.abs(z);
        double r;
        if (a < 3) {
            double term = a;
            double sum = a;
            for (int n = 1; n < 200; n++) {
                term *= -a * a / n;
                double t = term / (2 * n + 1);
                sum += t;
                if (Math.abs(t) < 1e-17) {
                    break;
                }
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            // erfc(a) = exp(−a²)/√π · 1/(a + 1/2/(a + 1/(a + 3/2/(a + …)))) (continued fraction)
            double f = a;
            for (int k = 60; k >= 1; k--) {
                f = a + (k / 2.0) / f;
            }
            r = 1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
        }
        return z < 0 ? -r : r;
    }
}
