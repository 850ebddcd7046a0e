package org.loralgebra.stdlib.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertAbove;
import static org.loralgebra.NumericAssertions.assertBelow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.TestAdapters;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.lang.LoraException;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.StoredModule;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/** LoRA-LEGO's unit properties, the guarantees {@link Cluster} states, and recovery of planted units. */
class ClusterTest {
    private static final double TOL = 2e-5;

    private static void assertClose(Dense.M expected, Dense.M actual, double tol, String what) {
        double err = Dense.relError(actual, expected);
        assertTrue(err < tol, what + ": relative error " + err);
    }

    /** One module from explicit row-major factors. */
    record Factors(double[] b, double[] a, int out, int in, int rank, double scale) {}

    /** An adapter from explicit factors, one module per entry. */
    static InMemoryAdapter adapter(String label, Map<String, Factors> factors) {
        Map<String, StoredModule> modules = new LinkedHashMap<>();
        for (var e : factors.entrySet()) {
            Factors f = e.getValue();
            ModuleSpec spec = ModuleSpec.linear(e.getKey(), f.out(), f.in(), f.rank(), DType.F32);
            modules.put(
                    e.getKey(),
                    StoredModule.of(
                            spec,
                            Tensor.ofDoubles(DType.F32, new long[] {f.rank(), f.in()}, f.a()),
                            Tensor.ofDoubles(DType.F32, new long[] {f.out(), f.rank()}, f.b()),
                            f.scale()));
        }
        AdapterMeta meta = new AdapterMeta(
                AdapterFormat.PEFT,
                PeftConfig.lora(8, 16, "test-base"),
                "base_model.model.",
                Map.of(),
                Map.of("format", "pt"));
        return new InMemoryAdapter(label, "test-base", meta, modules);
    }

    /** The same adapter with its ranks permuted (columns of B with the rows of A). */
    static InMemoryAdapter permuted(InMemoryAdapter src, long seed) {
        Random rnd = new Random(seed);
        Map<String, Factors> f = new LinkedHashMap<>();
        for (String m : src.type().names()) {
            StoredModule s = src.read(m);
            int out = s.spec().out();
            int in = s.spec().in();
            int r = s.spec().rank();
            List<Integer> perm = new ArrayList<>();
            for (int j = 0; j < r; j++) {
                perm.add(j);
            }
            Collections.shuffle(perm, rnd);
            double[] b = s.bMatrix().toDoubleArray();
            double[] a = s.aMatrix().toDoubleArray();
            double[] pb = new double[b.length];
            double[] pa = new double[a.length];
            for (int j = 0; j < r; j++) {
                int p = perm.get(j);
                for (int i = 0; i < out; i++) {
                    pb[i * r + j] = b[i * r + p];
                }
                System.arraycopy(a, p * in, pa, j * in, in);
            }
            f.put(m, new Factors(pb, pa, out, in, r, s.scale()));
        }
        return adapter(src.label() + "-permuted", f);
    }

    @Test
    void unitsReassembleTheUpdateInAnyOrder() {
        InMemoryAdapter a = TestAdapters.random("a", 1, TestAdapters.shapes(5));
        InMemoryAdapter p = permuted(a, 9);
        for (String m : a.type().names()) {
            StoredModule s = a.read(m);
            int out = s.spec().out();
            int in = s.spec().in();
            double[][] units =
                    RankUnits.of(s.bMatrix().toDoubleArray(), s.aMatrix().toDoubleArray(), out, 5, in, s.scale());
            Dense.M sum = Dense.zeros(out, in);
            for (double[] u : units) {
                Dense.M b = new Dense.M(out, 1, Arrays.copyOfRange(u, 0, out));
                Dense.M av = new Dense.M(1, in, Arrays.copyOfRange(u, out, out + in));
                sum = Dense.add(sum, Dense.mul(b, av), 1);
            }
            assertClose(TestAdapters.dense(a, m), sum, 1e-6, m + ": Σ_j u_b·u_aᵀ = s·B·A");
            assertClose(TestAdapters.dense(a, m), TestAdapters.dense(p, m), 1e-6, m + ": permuted ranks, same update");
            StoredModule ps = p.read(m);
            double[][] pu =
                    RankUnits.of(ps.bMatrix().toDoubleArray(), ps.aMatrix().toDoubleArray(), out, 5, in, ps.scale());
            assertArrayEquals(
                    RankUnits.canonicalOrder(List.<double[][]>of(units)),
                    RankUnits.canonicalOrder(List.<double[][]>of(pu)),
                    m + ": the same units, in canonical order");
        }
    }

    @Test
    void unitsAreTheSameWhateverTheGaugeAndScale() {
        // (c·b, a/c) with scale s, or (−b, −a) with scale s, or (b, a) with scale 2s and b halved: one unit
        double[] b = {1, -2, 3};
        double[] a = {0.5, 4};
        double[][] u1 = RankUnits.of(b, a, 3, 1, 2, 2.0);
        double[][] u2 = RankUnits.of(new double[] {-3, 6, -9}, new double[] {-0.5 / 3, -4.0 / 3}, 3, 1, 2, 2.0);
        double[][] u3 = RankUnits.of(new double[] {0.5, -1, 1.5}, a, 3, 1, 2, 4.0);
        for (int i = 0; i < 5; i++) {
            assertEquals(u1[0][i], u2[0][i], 1e-12);
            assertEquals(u1[0][i], u3[0][i], 1e-12);
        }
        double[][] neg = RankUnits.of(b, a, 3, 1, 2, -2.0);
        assertAbove(neg[0][2], 0, "the sign convention holds for negative scales too");
        assertEquals(-2.0 * 3 * 4, neg[0][2] * neg[0][4], 1e-12, "and the halves still multiply to s·b·aᵀ");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void withOneClusterPerUnitTheResultIsTheExactSum(long seed) {
        InMemoryAdapter a = TestAdapters.random("a", seed, TestAdapters.shapes(3));
        InMemoryAdapter b = TestAdapters.random("b", seed + 10, TestAdapters.shapes(4));
        Adapter lego = Cluster.of(Lora.from(a), Lora.from(b)).k(7).seed(seed).adapter();
        for (String m : a.type().names()) {
            assertEquals(7, lego.module(m).rank());
            assertClose(
                    Dense.add(TestAdapters.dense(a, m), TestAdapters.dense(b, m), 1),
                    Dense.M.of(lego.dense(m)),
                    TOL,
                    m + ": concatenation-summation equivalence");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5})
    void mergingCopiesOfOneAdapterGivesItBack(int copies) {
        InMemoryAdapter a = TestAdapters.random("a", 4, TestAdapters.shapes(6));
        List<Adapter> in = new ArrayList<>();
        for (int i = 0; i < copies; i++) {
            in.add(Lora.from(i % 2 == 0 ? a : permuted(a, i)));
        }
        Adapter lego = Cluster.of(in).k(6).adapter();
        for (String m : a.type().names()) {
            assertClose(TestAdapters.dense(a, m), Dense.M.of(lego.dense(m)), TOL, copies + " copies, " + m);
        }
    }

    @Test
    void theResultDependsOnTheSetOfUnitsOnly() {
        InMemoryAdapter a = TestAdapters.random("a", 5, TestAdapters.shapes(4));
        InMemoryAdapter b = TestAdapters.random("b", 6, TestAdapters.shapes(4));
        InMemoryAdapter c = TestAdapters.random("c", 7, TestAdapters.shapes(4));
        Adapter one = Cluster.of(Lora.from(a), Lora.from(b), Lora.from(c))
                .k(5)
                .seed(3)
                .adapter()
                .eval();
        Adapter two = Cluster.of(Lora.from(permuted(c, 1)), Lora.from(a), Lora.from(permuted(b, 2)))
                .k(5)
                .seed(3)
                .adapter()
                .eval();
        for (String m : a.type().names()) {
            StoredModule x = one.source().orElseThrow().read(m);
            StoredModule y = two.source().orElseThrow().read(m);
            assertArrayEquals(x.bMatrix().toFloatArray(), y.bMatrix().toFloatArray(), m);
            assertArrayEquals(x.aMatrix().toFloatArray(), y.aMatrix().toFloatArray(), m);
        }
    }

    @Test
    void plantedUnitsAreRecovered() {
        // four planted units; three adapters of rank 4 each hold a noisy copy of every planted unit, rescaled by a
        // gauge (c·b, a/c), sign-flipped, in a random rank order, with different alphas
        Random rnd = new Random(17);
        int out = 20;
        int in = 16;
        int k = 4;
        double[][] pb = new double[k][out];
        double[][] pa = new double[k][in];
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < out; i++) {
                pb[c][i] = rnd.nextGaussian();
            }
            for (int i = 0; i < in; i++) {
                pa[c][i] = rnd.nextGaussian();
            }
        }
        double[] scales = {2.0, 0.5, 1.25};
        List<Adapter> inputs = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
            List<Integer> order = new ArrayList<>(List.of(0, 1, 2, 3));
            Collections.shuffle(order, rnd);
            double[] b = new double[out * k];
            double[] a = new double[k * in];
            for (int j = 0; j < k; j++) {
                int c = order.get(j);
                double gauge = (rnd.nextBoolean() ? 1 : -1) * Math.exp(rnd.nextGaussian());
                for (int i = 0; i < out; i++) {
                    b[i * k + j] = gauge * (pb[c][i] + 0.01 * rnd.nextGaussian()) / Math.sqrt(scales[n]);
                }
                for (int i = 0; i < in; i++) {
                    a[j * in + i] = (pa[c][i] + 0.01 * rnd.nextGaussian()) / gauge / Math.sqrt(scales[n]);
                }
            }
            inputs.add(Lora.from(adapter("planted" + n, Map.of("m", new Factors(b, a, out, in, k, scales[n])))));
        }
        Adapter lego = Cluster.of(inputs).k(4).seed(11).adapter().eval();
        StoredModule got = lego.source().orElseThrow().read("m");
        Dense.M planted = Dense.zeros(out, in);
        for (int c = 0; c < k; c++) {
            planted = Dense.add(planted, Dense.mul(new Dense.M(out, 1, pb[c]), new Dense.M(1, in, pa[c])), 1);
        }
        double err = Dense.frobenius(Dense.add(TestAdapters.dense(got), planted, -1)) / Dense.frobenius(planted);
        assertTrue(err < 0.02, "the merged update is the planted one (each centroid a planted unit): " + err);
        double[] b = got.bMatrix().toDoubleArray();
        double[] a = got.aMatrix().toDoubleArray();
        for (int j = 0; j < k; j++) {
            Dense.M unit = Dense.mul(
                    new Dense.M(out, 1, column(b, out, k, j)),
                    new Dense.M(1, in, Arrays.copyOfRange(a, j * in, (j + 1) * in)));
            double best = Double.MAX_VALUE;
            for (int c = 0; c < k; c++) {
                Dense.M p = Dense.mul(new Dense.M(out, 1, pb[c]), new Dense.M(1, in, pa[c]));
                best = Math.min(best, Dense.frobenius(Dense.add(unit, p, -1)) / Dense.frobenius(p));
            }
            assertTrue(best < 0.03, "rank " + j + " of the result is a planted unit: " + best);
        }
    }

    private static double[] column(double[] m, int rows, int cols, int j) {
        double[] c = new double[rows];
        for (int i = 0; i < rows; i++) {
            c[i] = m[i * cols + j];
        }
        return c;
    }

    @Test
    void parameterReweightingRestoresTheMembersNorm() {
        InMemoryAdapter a = TestAdapters.random("a", 8, TestAdapters.shapes(4));
        InMemoryAdapter b = TestAdapters.random("b", 9, TestAdapters.shapes(4));
        Adapter with = Cluster.of(Lora.from(a), Lora.from(b)).k(1).adapter().eval();
        Adapter without = Cluster.of(Lora.from(a), Lora.from(b))
                .k(1)
                .parameterReweighting(false)
                .adapter()
                .eval();
        for (String m : a.type().names()) {
            StoredModule sa = a.read(m);
            StoredModule sb = b.read(m);
            List<double[][]> units = List.of(
                    RankUnits.of(
                            sa.bMatrix().toDoubleArray(),
                            sa.aMatrix().toDoubleArray(),
                            sa.spec().out(),
                            4,
                            sa.spec().in(),
                            sa.scale()),
                    RankUnits.of(
                            sb.bMatrix().toDoubleArray(),
                            sb.aMatrix().toDoubleArray(),
                            sb.spec().out(),
                            4,
                            sb.spec().in(),
                            sb.scale()));
            double meanNorm = units.stream()
                    .flatMap(Arrays::stream)
                    .mapToDouble(u -> Math.sqrt(RankUnits.squaredNorm(u)))
                    .average()
                    .orElseThrow();
            StoredModule w = with.source().orElseThrow().read(m);
            StoredModule wo = without.source().orElseThrow().read(m);
            double normWith = Math.sqrt(RankUnits.squaredNorm(w.bMatrix().toDoubleArray())
                    + RankUnits.squaredNorm(w.aMatrix().toDoubleArray()));
            double normWithout = Math.sqrt(RankUnits.squaredNorm(wo.bMatrix().toDoubleArray())
                    + RankUnits.squaredNorm(wo.aMatrix().toDoubleArray()));
            assertEquals(
                    meanNorm, normWith, 1e-5 * meanNorm, m + ": k = 1 centroid rescaled to the members' mean norm");
            assertBelow(normWithout, 0.9 * normWith, m + ": averaging decays the norm (bound 0.9 × " + normWith + ")");
            double f = normWith / normWithout;
            float[] bw = w.bMatrix().toFloatArray();
            float[] bwo = wo.bMatrix().toFloatArray();
            for (int i = 0; i < bw.length; i++) {
                assertEquals(bwo[i] * f, bw[i], 1e-5 * meanNorm, m + ": reweighting keeps the direction");
            }
        }
    }

    @Test
    void outputReweightingScalesByTheSquareRootOfTheRankRatio() {
        InMemoryAdapter a = TestAdapters.random("a", 12, TestAdapters.shapes(4));
        InMemoryAdapter b = TestAdapters.random("b", 13, TestAdapters.shapes(4));
        Adapter plain = Cluster.of(Lora.from(a), Lora.from(b)).k(2).adapter();
        Adapter out = Cluster.of(Lora.from(a), Lora.from(b))
                .k(2)
                .outputReweighting(true)
                .adapter();
        for (String m : a.type().names()) {
            assertClose(Dense.scale(Dense.M.of(plain.dense(m)), Math.sqrt(4.0 / 2)), Dense.M.of(out.dense(m)), TOL, m);
        }
    }

    @Test
    void typeAndErrors() {
        InMemoryAdapter a = TestAdapters.random("a", 14, TestAdapters.shapes(3));
        InMemoryAdapter b = TestAdapters.random("b", 15, List.of(new TestAdapters.Shape("layers.0.q", 12, 10, 2, 1.0)));
        Adapter lego = Cluster.of(Lora.from(a), Lora.from(b)).k(4).adapter();
        assertEquals(4, lego.module("layers.0.q").rank(), "min(k, 3 + 2 units)");
        assertEquals(3, lego.module("layers.1.mlp").rank(), "only a's 3 units");
        assertEquals("cluster(a, b)", lego.label());
        assertClose(
                TestAdapters.dense(a, "layers.1.mlp"),
                Dense.M.of(lego.dense("layers.1.mlp")),
                TOL,
                "a module of one input");
        assertThrows(LoraException.class, () -> Cluster.of(Lora.from(a)).k(0));
        assertThrows(LoraException.class, () -> Cluster.of(Lora.from(a)).adapter(), "k is required");
        assertThrows(LoraException.class, () -> Cluster.of(Lora.from(a)).k(2).iterations(0));
        assertThrows(LoraException.class, () -> Cluster.of(List.of()).k(2).adapter());
    }
}
