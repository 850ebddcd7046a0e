package org.loralgebra.stdlib.route;

import java.util.Random;
import org.loralgebra.Lora;
import org.loralgebra.lang.LoraException;
import org.loralgebra.lang.Precision;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * Fits a linear gate {@code ℓ = W·x + b} to tokens labelled with their expert by multinomial logistic (softmax)
 * regression: minimize {@code mean_t CE(softmax(W·x_t + b), y_t) + (λ/2)·‖W‖²}.
 *
 * <p>Method, chosen to be deterministic and need no tuning: inputs are standardized ({@code x̃ = (x − μ)/σ}, μ the
 * mean token, σ the root-mean-square entry of the centred batch); the loss is minimized full-batch by Nesterov's
 * accelerated gradient with the fixed step {@code 1/L}, {@code L = ½·max(λ_max(X̃ᵀX̃/n), 1) + λ} (the softmax
 * Hessian is at most ½ in every direction, and the bias column adds eigenvalue 1), with {@code λ_max} estimated by
 * a power iteration from a seeded Gaussian start (the only randomness: same seed, same gate); the result is
 * folded back to raw inputs, {@code W = W̃/σ}, {@code b = b̃ − W·μ}. Array work runs on {@link RouteArrays}.
 */
final class SoftmaxGateFit {
    private static final int POWER_ITERATIONS = 50;

    private SoftmaxGateFit() {}

    static FittedGate fit(Activations x, int[] labels, int experts, FitOptions options) {
        Labels.counts(labels, x.tokens(), experts, "fitting a gate");
        if (experts < 2) {
            throw new LoraException("fitting a gate: need at least two experts to tell apart, got " + experts);
        }
        Precision precision = Lora.options().precision();
        int d = x.in();
        RouteArrays arrays = RouteArrays.current();
        RouteArrays.Array raw = x.device(arrays, precision);
        RouteArrays.Array mean = arrays.columnMeans(raw);
        RouteArrays.Array centred = arrays.centerAndScale(raw, mean, 1.0);
        double sigma = Math.sqrt(arrays.meanSquare(centred));
        if (!(sigma > 0)) {
            throw new LoraException("fitting a gate: all " + x.tokens() + " tokens of " + x.origin()
                    + " are identical; there is nothing to separate");
        }
        RouteArrays.Array xs = arrays.centerAndScale(raw, mean, 1.0 / sigma);
        RouteArrays.Array onehot = arrays.oneHot(labels, experts, precision);

        double lipschitz = 0.5 * Math.max(largestGramEigenvalue(arrays, xs, d, options.seed()), 1.0) + options.l2();
        double step = 1.0 / lipschitz;

        int size = experts * d;
        double[] w = new double[size];
        double[] b = new double[experts];
        double[] wPrev = new double[size];
        double[] bPrev = new double[experts];
        double[] vw = new double[size];
        double[] vb = new double[experts];
        double[] gw = new double[size];
        double[] gb = new double[experts];
        double t = 1;
        int iterations = 0;
        boolean converged = false;
        while (iterations < options.maxIterations()) {
            arrays.softmaxGradient(xs, onehot, vw, vb, experts, gw, gb);
            double norm2 = 0;
            for (int i = 0; i < size; i++) {
                gw[i] += options.l2() * vw[i];
                norm2 += gw[i] * gw[i];
            }
            for (int e = 0; e < experts; e++) {
                norm2 += gb[e] * gb[e];
            }
            iterations++;
            if (Math.sqrt(norm2) <= options.tolerance()) {
                System.arraycopy(vw, 0, w, 0, size);
                System.arraycopy(vb, 0, b, 0, experts);
                converged = true;
                break;
            }
            System.arraycopy(w, 0, wPrev, 0, size);
            System.arraycopy(b, 0, bPrev, 0, experts);
            for (int i = 0; i < size; i++) {
                w[i] = vw[i] - step * gw[i];
            }
            for (int e = 0; e < experts; e++) {
                b[e] = vb[e] - step * gb[e];
            }
            double tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
            double momentum = (t - 1) / tNext;
            for (int i = 0; i < size; i++) {
                vw[i] = w[i] + momentum * (w[i] - wPrev[i]);
            }
            for (int e = 0; e < experts; e++) {
                vb[e] = b[e] + momentum * (b[e] - bPrev[e]);
            }
            t = tNext;
        }
        double[] lossAndCorrect = arrays.softmaxGradient(xs, onehot, w, b, experts, gw, gb);
        double penalty = 0;
        for (double v : w) {
            penalty += v * v;
        }
        double loss = lossAndCorrect[0] + 0.5 * options.l2() * penalty;

        // fold the standardization back: W = W̃/σ, b = b̃ − W·μ
        double[] mu = meanVector(arrays, mean);
        double[] weight = new double[size];
        double[] bias = new double[experts];
        for (int e = 0; e < experts; e++) {
            double dot = 0;
            for (int j = 0; j < d; j++) {
                double v = w[e * d + j] / sigma;
                weight[e * d + j] = v;
                dot += v * mu[j];
            }
            bias[e] = b[e] - dot;
        }
        LinearGate gate = LinearGate.of(
                Tensor.ofDoubles(DType.F32, new long[] {experts, d}, weight),
                Tensor.ofDoubles(DType.F32, new long[] {experts}, bias),
                "fitted on " + x.tokens() + " labelled tokens, seed " + options.seed());
        return new FittedGate(gate, lossAndCorrect[1] / x.tokens(), loss, iterations, converged);
    }

    private static double[] meanVector(RouteArrays arrays, RouteArrays.Array mean) {
        float[] f = arrays.floats(mean);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** λ_max(X̃ᵀX̃/n) by power iteration from a seeded start; a slight overestimate keeps the step safe. */
    private static double largestGramEigenvalue(RouteArrays arrays, RouteArrays.Array xs, int d, long seed) {
        Random rnd = new Random(seed);
        double[] v = new double[d];
        for (int i = 0; i < d; i++) {
            v[i] = rnd.nextGaussian();
        }
        normalize(v);
        double lambda = 0;
        for (int it = 0; it < POWER_ITERATIONS; it++) {
            double[] g = arrays.gramTimes(xs, v);
            double next = normalize(g);
            v = g;
            if (Math.abs(next - lambda) <= 1e-6 * next) {
                lambda = next;
                break;
            }
            lambda = next;
        }
        return lambda * 1.05;
    }

    private static double normalize(double[] v) {
        double n = 0;
        for (double x : v) {
            n += x * x;
        }
        n = Math.sqrt(n);
        if (n > 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] /= n;
            }
        }
        return n;
    }
}
