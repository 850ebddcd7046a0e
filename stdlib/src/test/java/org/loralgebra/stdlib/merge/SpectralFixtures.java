package org.loralgebra.stdlib.merge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.loralgebra.Dense;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.StoredModule;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * Inputs of the spectral merge tests: four float64 adapters with heterogeneous ranks and scales over three modules —
 * 64×80 (ranks 2, 5, 8, 4; the fourth adapter's B has a column proportional to another, so its update is
 * rank-deficient), 96×72 (ranks 3, 6, 4, 2) and 12×10 (ranks 4, 5, 6, 3: Σr = 18 exceeds min(out, in)).
 */
final class SpectralFixtures {
    private SpectralFixtures() {}

    static final String Q = "layers.0.q";
    static final String MLP = "layers.0.mlp";
    static final String TINY = "layers.1.tiny";
    static final List<String> MODULES = List.of(Q, MLP, TINY);
    static final double[] WEIGHTS = {1.0, 0.8, -0.6, 1.2};
    private static final int[][] RANKS = {{2, 5, 8, 4}, {3, 6, 4, 2}, {4, 5, 6, 3}};
    private static final int[][] SHAPES = {{64, 80}, {96, 72}, {12, 10}};
    private static final double[] SCALES = {2.0, 0.5, 1.0, 1.5};

    /** The first {@code count} (3 or 4) adapters, seeded. */
    static List<InMemoryAdapter> adapters(int count, long seed) {
        List<InMemoryAdapter> out = new ArrayList<>();
        for (int t = 0; t < count; t++) {
            Random rnd = new Random(seed * 31 + t);
            Map<String, StoredModule> modules = new LinkedHashMap<>();
            for (int mi = 0; mi < MODULES.size(); mi++) {
                int m = SHAPES[mi][0];
                int n = SHAPES[mi][1];
                int r = RANKS[mi][t];
                double[] a = gaussian(rnd, r * n, 1.0 / Math.sqrt(n));
                double[] b = gaussian(rnd, m * r, 1.0);
                if (t == 3 && mi == 0) {
                    for (int i = 0; i < m; i++) {
                        b[i * r + 3] = 0.5 * b[i * r];
                    }
                }
                ModuleSpec spec = ModuleSpec.linear(MODULES.get(mi), m, n, r, DType.F64);
                modules.put(
                        MODULES.get(mi),
                        StoredModule.of(
                                spec,
                                Tensor.ofDoubles(DType.F64, new long[] {r, n}, a),
                                Tensor.ofDoubles(DType.F64, new long[] {m, r}, b),
                                SCALES[t]));
            }
            AdapterMeta meta = new AdapterMeta(
                    AdapterFormat.PEFT, PeftConfig.lora(8, 16, "test-base"), "base_model.model.", Map.of(), Map.of());
            out.add(new InMemoryAdapter("t" + t, "test-base", meta, modules));
        }
        return out;
    }

    private static double[] gaussian(Random rnd, int n, double sd) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = sd * rnd.nextGaussian();
        }
        return v;
    }

    /** The tasks of one module as the references take them: Bₜ·(wₜ·sₜ), Aₜ. */
    static List<SpectralReference.Task> tasks(List<InMemoryAdapter> in, String module) {
        List<SpectralReference.Task> ts = new ArrayList<>();
        for (int t = 0; t < in.size(); t++) {
            StoredModule sm = in.get(t).read(module);
            int r = sm.spec().rank();
            Dense.M a = new Dense.M(r, sm.spec().in(), sm.aMatrix().toDoubleArray());
            Dense.M b = new Dense.M(sm.spec().out(), r, sm.bMatrix().toDoubleArray());
            ts.add(new SpectralReference.Task(Dense.scale(b, WEIGHTS[t] * sm.scale()), a));
        }
        return ts;
    }

    static double[] weights(int count) {
        return Arrays.copyOf(WEIGHTS, count);
    }
}
