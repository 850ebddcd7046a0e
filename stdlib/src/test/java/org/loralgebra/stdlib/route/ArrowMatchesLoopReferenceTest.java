package org.loralgebra.stdlib.route;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.TestAdapters;
import org.loralgebra.lang.LoraException;
import org.loralgebra.lang.Precision;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.stdlib.DenseSvd;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * Arrow and GenKnowSub against a per-token loop in double precision: prototypes from a dense Jacobi SVD of each
 * expert's {@code B·A} (after subtracting the general adapters' mean factors), scores {@code |x·p|/T}, top k,
 * softmax, the mixture of the (subtracted) experts. Shares no code with the library's factored path.
 */
class ArrowMatchesLoopReferenceTest {
    static final String MODULE = "layers.0.q";
    static final int OUT = 40;
    static final int IN = 48;
    static final int TOKENS = 64;
    static final int RANK = 4;
    static final double[] SCALES = {2.0, 0.5, 1.0, 4.0};
    static final List<InMemoryAdapter> TASKS = new ArrayList<>();
    static final List<InMemoryAdapter> GENERAL = new ArrayList<>();

    static {
        for (int e = 0; e < SCALES.length; e++) {
            TASKS.add(TestAdapters.random(
                    "task" + e, 200 + e, List.of(new TestAdapters.Shape(MODULE, OUT, IN, RANK, SCALES[e]))));
        }
        for (int g = 0; g < 3; g++) {
            GENERAL.add(TestAdapters.random(
                    "general" + g, 300 + g, List.of(new TestAdapters.Shape(MODULE, OUT, IN, RANK, 1.0))));
        }
    }

    static List<Adapter> tasks() {
        return TASKS.stream().map(Lora::from).toList();
    }

    static List<Adapter> general(int m) {
        return GENERAL.subList(0, m).stream().map(Lora::from).toList();
    }

    /** The experts as the reference routes them: task factors minus the mean of the first m general ones. */
    static List<LoopReference.Expert> referenceExperts(int m) {
        List<LoopReference.Expert> out = new ArrayList<>();
        for (InMemoryAdapter t : TASKS) {
            LoopReference.Expert e = LoopReference.Expert.of(t.read(MODULE));
            double[] a = e.a().clone();
            double[] b = e.b().clone();
            for (int g = 0; g < m; g++) {
                LoopReference.Expert ge = LoopReference.Expert.of(GENERAL.get(g).read(MODULE));
                for (int i = 0; i < a.length; i++) {
                    a[i] -= ge.a()[i] / m;
                }
                for (int i = 0; i < b.length; i++) {
                    b[i] -= ge.b()[i] / m;
                }
            }
            out.add(new LoopReference.Expert(RANK, IN, OUT, a, b, e.scale()));
        }
        return out;
    }

    /** Top right singular vector of the dense B·A (unscaled), by the independent Jacobi SVD. */
    static double[] denseTopRight(LoopReference.Expert e) {
        Dense.M b = new Dense.M(OUT, RANK, e.b());
        Dense.M a = new Dense.M(RANK, IN, e.a());
        DenseSvd svd = DenseSvd.of(Dense.mul(b, a));
        double[] p = new double[IN];
        for (int i = 0; i < IN; i++) {
            p[i] = svd.v().get(i, 0);
        }
        return p;
    }

    static LoopReference.Scorer arrowScorer(List<double[]> prototypes, double temperature) {
        return (x, e) -> {
            double dot = 0;
            for (int i = 0; i < IN; i++) {
                dot += x[i] * prototypes.get(e)[i];
            }
            return Math.abs(dot) / temperature;
        };
    }

    static double[] tokens(long seed) {
        return RouteMatchesLoopReferenceTest.f32(RouteMatchesLoopReferenceTest.gaussian(TOKENS * IN, seed, 1.0));
    }

    @ParameterizedTest(name = "k={0} T={1} general={2} {3}")
    @CsvSource({
        "1, 1.0, 0, AUTO",
        "2, 1.0, 0, MASKED",
        "2, 0.25, 0, GROUPED",
        "4, 3.0, 0, DENSE",
        "2, 1.0, 1, AUTO",
        "3, 0.5, 3, GROUPED",
        "4, 1.0, 2, DENSE"
    })
    void routedOutputEqualsPerTokenLoop(int k, double temperature, int generals, Execution how) {
        List<LoopReference.Expert> experts = referenceExperts(generals);
        List<double[]> protos = experts.stream()
                .map(ArrowMatchesLoopReferenceTest::denseTopRight)
                .toList();
        double[] x = tokens(7 + k);
        ArrowGate gate = Gate.arrow().temperature(temperature);
        if (generals > 0) {
            gate = gate.gks(general(generals));
        }
        Route route = Route.of(tasks()).gate(gate).topK(k).execution(how);
        assertEquals(Weighting.SOFTMAX, route.weighting(), "Arrow weighs the kept experts by a softmax");
        Routing routed = route.apply(MODULE, Activations.of(Tensor.ofDoubles(DType.F32, new long[] {TOKENS, IN}, x)));

        LoopReference.Result ref =
                LoopReference.route(x, TOKENS, IN, experts, arrowScorer(protos, temperature), k, Weighting.SOFTMAX);
        assertTrue(ref.minGap() > 1e-5, "test data: a token's k-th and (k+1)-th scores are within " + ref.minGap());
        for (int t = 0; t < TOKENS; t++) {
            for (int i = 0; i < k; i++) {
                assertEquals(ref.chosen()[t][i], routed.selection().expert(t, i), "token " + t + " slot " + i);
            }
        }
        double err = LoopReference.relativeError(routed.outputValues(), ref.y());
        assertTrue(err <= 1e-5, "relative error " + err);
    }

    @Test
    void exactPrototypesAreTheDenseTopRightSingularVectors() {
        for (int generals : new int[] {0, 2}) {
            ArrowGate gate = generals == 0 ? Gate.arrow() : Gate.arrow().gks(general(generals));
            double[] got = Route.of(tasks())
                    .gate(gate)
                    .topK(1)
                    .prepare(MODULE)
                    .prototypes()
                    .toDoubleArray();
            List<LoopReference.Expert> experts = referenceExperts(generals);
            for (int e = 0; e < experts.size(); e++) {
                double[] want = denseTopRight(experts.get(e));
                double dot = 0;
                for (int i = 0; i < IN; i++) {
                    dot += got[e * IN + i] * want[i];
                }
                // unit vectors, sign free: |cos| = 1 exactly when they agree
                assertEquals(1.0, Math.abs(dot), 1e-6, "expert " + e + " with " + generals + " general: |cos| " + dot);
            }
        }
    }

    @Test
    void powerIterationReproducesPeftsLoop() {
        int iterations = 15;
        long seed = 11;
        // in F64, so that the prototypes on the device are the iteration's doubles
        double[] got = Lora.withOptions(
                Lora.options().withPrecision(Precision.F64),
                () -> Route.of(tasks())
                        .gate(Gate.arrow().powerIterations(iterations, seed))
                        .topK(1)
                        .prepare(MODULE)
                        .prototypes()
                        .toDoubleArray());
        List<LoopReference.Expert> experts = referenceExperts(0);
        for (int e = 0; e < experts.size(); e++) {
            // the loop PEFT runs, on the dense M = (BA)ᵀ(BA), from the same seeded start
            LoopReference.Expert ex = experts.get(e);
            Dense.M ba = Dense.mul(new Dense.M(OUT, RANK, ex.b()), new Dense.M(RANK, IN, ex.a()));
            Dense.M m = Dense.mul(Dense.transpose(ba), ba);
            Random rnd = new Random(seed);
            double[] v = new double[IN];
            for (int i = 0; i < IN; i++) {
                v[i] = rnd.nextGaussian();
            }
            v = unit(v);
            for (int it = 0; it < iterations; it++) {
                double[] w = new double[IN];
                for (int i = 0; i < IN; i++) {
                    for (int j = 0; j < IN; j++) {
                        w[i] += m.get(i, j) * v[j];
                    }
                }
                v = unit(w);
            }
            for (int i = 0; i < IN; i++) {
                assertEquals(v[i], got[e * IN + i], 1e-9, "expert " + e + " entry " + i);
            }
        }
    }

    private static double[] unit(double[] v) {
        double n = 0;
        for (double x : v) {
            n += x * x;
        }
        n = Math.sqrt(n) + 1e-8;
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] / n;
        }
        return out;
    }

    @Test
    void gksNeedsEqualRanksAndShapesNamingTheAdapter() {
        Adapter rank3 =
                Lora.from(TestAdapters.random("narrow", 9, List.of(new TestAdapters.Shape(MODULE, OUT, IN, 3, 1.0))));
        Adapter wide = Lora.from(
                TestAdapters.random("wide", 9, List.of(new TestAdapters.Shape(MODULE, OUT, IN + 2, RANK, 1.0))));
        LoraException e = assertThrows(
                LoraException.class,
                () -> Route.of(tasks()).gate(Gate.arrow().gks(rank3)).topK(1).prepare(MODULE));
        assertTrue(
                e.getMessage().contains("general adapter 'narrow' has rank 3")
                        && e.getMessage().contains("'task0' has rank 4")
                        && e.getMessage().contains(MODULE),
                e.getMessage());
        List<Adapter> mixed = new ArrayList<>(tasks());
        mixed.add(rank3);
        e = assertThrows(
                LoraException.class,
                () -> Route.of(mixed).gate(Gate.arrow().gks(general(1))).topK(1).prepare(MODULE));
        assertTrue(e.getMessage().contains("expert 'narrow' has rank 3"), e.getMessage());
        e = assertThrows(
                LoraException.class,
                () -> Route.of(tasks()).gate(Gate.arrow().gks(wide)).topK(1).prepare(MODULE));
        assertTrue(
                e.getMessage().contains("general adapter 'wide'")
                        && e.getMessage().contains("[40, 50]"),
                e.getMessage());
    }

    @Test
    void withoutGksExpertsMayDifferInRank() {
        Adapter rank3 =
                Lora.from(TestAdapters.random("narrow", 9, List.of(new TestAdapters.Shape(MODULE, OUT, IN, 3, 1.0))));
        List<Adapter> mixed = new ArrayList<>(tasks());
        mixed.add(rank3);
        ModuleRoute r = Route.of(mixed).gate(Gate.arrow()).topK(2).prepare(MODULE);
        assertArrayEquals(new int[] {4, 4, 4, 4, 3}, r.ranks());
    }

    @Test
    void badParametersAndTopKAboveTheExperts() {
        assertThrows(LoraException.class, () -> Gate.arrow().temperature(0));
        assertThrows(LoraException.class, () -> Gate.arrow().temperature(Double.NaN));
        assertThrows(LoraException.class, () -> Gate.arrow().powerIterations(-1, 0));
        assertThrows(LoraException.class, () -> Gate.arrow().gks(List.of()));
        LoraException e = assertThrows(
                LoraException.class,
                () -> Route.of(tasks()).gate(Gate.arrow()).topK(5).prepare(MODULE));
        assertTrue(e.getMessage().contains("top-k 5") && e.getMessage().contains("1 ≤ k ≤ 4"), e.getMessage());
        e = assertThrows(
                LoraException.class,
                () -> Route.ofRanks(tasks().get(0)).gate(Gate.arrow()).topK(1).prepare(MODULE));
        assertTrue(e.getMessage().contains("Arrow"), e.getMessage());
        e = assertThrows(
                LoraException.class,
                () -> Route.of(tasks()).gate(Gate.fly()).topK(1).prepare(MODULE).prototypes());
        assertTrue(e.getMessage().contains("Arrow"), e.getMessage());
    }

    @Test
    void parsesFromTheCli() {
        assertEquals(Gate.arrow(), Gate.parse("arrow"));
        assertEquals(Weighting.SOFTMAX, Gate.parse(" Arrow ").defaultWeighting(false));
    }
}
