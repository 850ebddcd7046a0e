package org.loralgebra.stdlib.merge;

import java.util.Arrays;
import org.loralgebra.lang.LoraException;

/**
 * The coefficients c of the merges that are Σ cᵢxᵢ of their inputs with c a function of the Gram matrix
 * Gᵢⱼ = ⟨xᵢ, xⱼ⟩ only (mergekit's {@code model_stock}, {@code karcher}, {@code nuslerp}, each vector a whole
 * flattened tensor). Every vector these algorithms form lies in span(xᵢ), so they run on coefficient vectors β
 * (v = Σ βᵢxᵢ, ⟨xᵢ, v⟩ = (Gβ)ᵢ, ‖v‖² = βᵀGβ) and give exactly what they give on the flattened tensors.
 */
final class GramCoefficients {
    private GramCoefficients() {}

    /** Karcher's defaults in mergekit: at most 10 iterations, tolerance 1e-5 on norms, angles and the step. */
    static final int KARCHER_ITERATIONS = 10;

    static final double KARCHER_TOLERANCE = 1e-5;

    /**
     * Model Stock (Jang et al., ECCV 2024; mergekit {@code model_stock}): c̄ = the mean pairwise cosine
     * Gᵢⱼ/max(‖xᵢ‖‖xⱼ‖, 1e-6) over i &lt; j, t = N·c̄/(1 + (N−1)·c̄), result t·mean(xᵢ): cᵢ = t/N. One input: itself.
     * Undefined (an error naming {@code what}) when 1 + (N−1)·c̄ = 0, where mergekit divides by zero.
     */
    static double[] modelStock(double[][] g, String what) {
        int n = g.length;
        if (n == 1) {
            return new double[] {1.0};
        }
        double sum = 0;
        int pairs = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                sum += g[i][j] / Math.max(Math.sqrt(Math.max(g[i][i], 0) * Math.max(g[j][j], 0)), 1e-6);
                pairs++;
            }
        }
        double cos = sum / pairs;
        double denominator = 1 + (n - 1) * cos;
        if (Math.abs(denominator) < 1e-12) {
            throw new LoraException("model_stock: " + what + ": the mean pairwise cosine " + cos + " is −1/(N−1), "
                    + "where the interpolation ratio N·c/(1 + (N−1)·c) is undefined");
        }
        double t = n * cos / denominator;
        double[] c = new double[n];
        Arrays.fill(c, t / n);
        return c;
    }

    /**
     * The Karcher (Riemannian) mean on the sphere, as mergekit's {@code karcher}: units uᵢ = xᵢ/‖xᵢ‖ (inputs with
     * ‖xᵢ‖ ≤ tol contribute nothing), αᵢ = 1/N, u = normalize(Σαᵢuᵢ); up to 10 times: g = Σ αᵢ θᵢ/sin θᵢ·(uᵢ −
     * cos θᵢ·u) over θᵢ = ∠(uᵢ, u) ≥ tol, stop when ‖g‖ &lt; tol, u ← cos‖g‖·u + sin‖g‖·g/‖g‖, renormalize; the
     * result is (Σαᵢ‖xᵢ‖)·u.
     */
    static double[] karcher(double[][] g) {
        int n = g.length;
        double[] norm = new double[n];
        double alpha = 1.0 / n;
        double[] u = new double[n];
        double scale = 0;
        for (int i = 0; i < n; i++) {
            norm[i] = Math.sqrt(Math.max(g[i][i], 0));
            scale += alpha * norm[i];
            if (norm[i] > KARCHER_TOLERANCE) {
                u[i] = alpha / norm[i];
            }
        }
        if (!normalize(g, u)) {
            return new double[n];
        }
        for (int iter = 0; iter < KARCHER_ITERATIONS; iter++) {
            double[] gu = times(g, u);
            double[] step = new double[n];
            for (int i = 0; i < n; i++) {
                if (norm[i] <= KARCHER_TOLERANCE) {
                    continue;
                }
                double cos = Math.max(-1, Math.min(1, gu[i] / norm[i]));
                double theta = Math.acos(cos);
                if (theta < KARCHER_TOLERANCE) {
                    continue;
                }
                double f = alpha * theta / Math.sin(theta);
                step[i] += f / norm[i];
                for (int j = 0; j < n; j++) {
                    step[j] -= f * cos * u[j];
                }
            }
            double stepNorm = Math.sqrt(Math.max(dot(step, times(g, step)), 0));
            if (stepNorm < KARCHER_TOLERANCE) {
                break;
            }
            for (int j = 0; j < n; j++) {
                u[j] = Math.cos(stepNorm) * u[j] + Math.sin(stepNorm) * step[j] / stepNorm;
            }
            normalize(g, u);
        }
        for (int j = 0; j < n; j++) {
            u[j] *= scale;
        }
        return u;
    }

    /**
     * mergekit's {@code nuslerp} of two vectors (Shoemake's slerp on the unnormalized vectors): t = w₁/(w₀ + w₁)
     * (0.5 when |w₀ + w₁| &lt; 1e-6), θ the angle between them, result (sin((1−t)θ)·x₀ + sin(tθ)·x₁)/sin θ; the
     * linear (1−t)·x₀ + t·x₁ when |sin θ| &lt; 1e-8 or a vector is zero. One input: itself.
     */
    static double[] nuslerp(double[][] g, double w0, double w1) {
        if (g.length == 1) {
            return new double[] {1.0};
        }
        double t = Math.abs(w0 + w1) < 1e-6 ? 0.5 : w1 / (w0 + w1);
        double n0 = Math.sqrt(Math.max(g[0][0], 0));
        double n1 = Math.sqrt(Math.max(g[1][1], 0));
        if (n0 == 0 || n1 == 0) {
            return new double[] {1 - t, t};
        }
        double theta = Math.acos(Math.max(-1, Math.min(1, g[0][1] / (n0 * n1))));
        double sin = Math.sin(theta);
        if (Math.abs(sin) < 1e-8) {
            return new double[] {1 - t, t};
        }
        return new double[] {Math.sin((1 - t) * theta) / sin, Math.sin(t * theta) / sin};
    }

    private static boolean normalize(double[][] g, double[] v) {
        double norm = Math.sqrt(Math.max(dot(v, times(g, v)), 0));
        if (!(norm > 0)) {
            return false;
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= norm;
        }
        return true;
    }

    private static double[] times(double[][] g, double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            for (int j = 0; j < v.length; j++) {
                out[i] += g[i][j] * v[j];
            }
        }
        return out;
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }
}
