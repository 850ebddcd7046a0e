package org.loralgebra.stdlib.route;

import java.util.List;
import java.util.Random;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Factored;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.exec.ModuleSvd;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * Arrow's prototypes: per expert, the top right singular vector of its unscaled update {@code B·A}, a unit vector
 * in the input space (sign arbitrary; a zero update gives the zero vector, which scores every token 0).
 */
final class ArrowPrototypes {
    private ArrowPrototypes() {}

    /** The prototypes {@code [experts, in]} of the experts' factors, exact or by the gate's power iteration. */
    static Tensor of(Backend be, List<ModuleFactors> experts, ArrowGate gate) {
        int in = experts.get(0).spec().in();
        double[] rows = new double[experts.size() * in];
        for (int e = 0; e < experts.size(); e++) {
            double[] p = gate.powerIterations() == 0
                    ? exact(be, experts.get(e))
                    : powerIteration(be, experts.get(e), gate.powerIterations(), gate.seed());
            System.arraycopy(p, 0, rows, e * in, in);
        }
        return Tensor.ofDoubles(DType.F64, new long[] {experts.size(), in}, rows);
    }

    /**
     * The top right singular vector of {@code B·A} from the factors: QR of B and of Aᵀ, SVD of the r×r core
     * ({@link Factored#oneSidedSvd}); the zero vector when the update is zero.
     */
    static double[] exact(Backend be, ModuleFactors f) {
        int in = f.spec().in();
        if (f.rank() == 0) {
            return new double[in];
        }
        ModuleSvd svd = Factored.svd(be, ModuleFactors.of(f.spec(), f.b(), f.a(), 1.0));
        if (svd.s().length == 0 || !(svd.s()[0] > 0)) {
            return new double[in];
        }
        return be.toRowMajor(be.columns(svd.v(), 0, 1));
    }

    /**
     * PEFT's approximation: {@code v₀} Gaussian (java.util.Random with {@code seed}, the same start for every expert,
     * as PEFT reseeds its generator per expert), normalised; then {@code iterations} times
     * {@code w = Aᵀ(BᵀB)(A v)}, {@code v = w / (‖w‖ + 10⁻⁸)}, in double precision.
     */
    static double[] powerIteration(Backend be, ModuleFactors f, int iterations, long seed) {
        int in = f.spec().in();
        int r = f.rank();
        double[] v = new double[in];
        Random rnd = new Random(seed);
        for (int i = 0; i < in; i++) {
            v[i] = rnd.nextGaussian();
        }
        normalise(v);
        if (r == 0) {
            return new double[in];
        }
        double[] a = be.toRowMajor(f.a()); // [r, in]
        double[] b = be.toRowMajor(f.b()); // [out, r]
        double[] c = new double[r * r]; // BᵀB, accumulated in double
        for (int o = 0; o < f.spec().out(); o++) {
            for (int j = 0; j < r; j++) {
                for (int l = 0; l < r; l++) {
                    c[j * r + l] += b[o * r + j] * b[o * r + l];
                }
            }
        }
        double[] z = new double[r];
        double[] cz = new double[r];
        for (int it = 0; it < iterations; it++) {
            for (int j = 0; j < r; j++) {
                double s = 0;
                for (int i = 0; i < in; i++) {
                    s += a[j * in + i] * v[i];
                }
                z[j] = s;
            }
            for (int j = 0; j < r; j++) {
                double s = 0;
                for (int l = 0; l < r; l++) {
                    s += c[j * r + l] * z[l];
                }
                cz[j] = s;
            }
            double[] w = new double[in];
            for (int j = 0; j < r; j++) {
                for (int i = 0; i < in; i++) {
                    w[i] += a[j * in + i] * cz[j];
                }
            }
            double norm = 0;
            for (double x : w) {
                norm += x * x;
            }
            norm = Math.sqrt(norm) + 1e-8;
            for (int i = 0; i < in; i++) {
                v[i] = w[i] / norm;
            }
        }
        return v;
    }

    private static void normalise(double[] v) {
        double n = 0;
        for (double x : v) {
            n += x * x;
        }
        n = Math.sqrt(n) + 1e-8;
        for (int i = 0; i < v.length; i++) {
            v[i] /= n;
        }
    }
}
