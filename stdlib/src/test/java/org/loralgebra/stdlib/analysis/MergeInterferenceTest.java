package org.loralgebra.stdlib.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.RealAdapters;
import org.loralgebra.TestAdapters;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Engine;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.exec.Root;
import org.loralgebra.exec.Roots;
import org.loralgebra.lang.LoraException;
import org.loralgebra.model.AdapterSource;
import org.loralgebra.model.AdapterTypeException;
import org.loralgebra.model.InMemoryAdapter;

class MergeInterferenceTest {
    private static double cosine(Dense.M x, Dense.M y) {
        double dot = 0;
        for (int i = 0; i < x.v().length; i++) {
            dot += x.v()[i] * y.v()[i];
        }
        return dot / (Dense.frobenius(x) * Dense.frobenius(y));
    }

    /** {conflicting, counted} over entries where at least two of the updates are non-zero. */
    private static long[] conflicts(List<Dense.M> updates) {
        long conflicting = 0;
        long counted = 0;
        for (int e = 0; e < updates.get(0).v().length; e++) {
            int nonZero = 0;
            boolean pos = false;
            boolean neg = false;
            for (Dense.M u : updates) {
                double v = u.v()[e];
                nonZero += v != 0 ? 1 : 0;
                pos |= v > 0;
                neg |= v < 0;
            }
            if (nonZero >= 2) {
                counted++;
                conflicting += pos && neg ? 1 : 0;
            }
        }
        return new long[] {conflicting, counted};
    }

    @Test
    void everyMeasureMatchesTheDenseUpdatesOfThreeAdapters() {
        InMemoryAdapter a = TestAdapters.random("a", 31, TestAdapters.shapes(4));
        InMemoryAdapter b = TestAdapters.random("b", 32, TestAdapters.shapes(2));
        InMemoryAdapter c = TestAdapters.random(
                "c",
                33,
                List.of(
                        new TestAdapters.Shape("layers.0.q", 12, 10, 3, 1.0),
                        new TestAdapters.Shape("layers.1.mlp", 9, 14, 3, 4.0)));
        List<InMemoryAdapter> srcs = List.of(a, b, c);
        MergeInterference mi = MergeInterference.of(Lora.from(a), Lora.from(b), Lora.from(c));
        assertEquals(List.of("a", "b", "c"), mi.labels());
        assertEquals(3, mi.modules().size());
        assertEquals(List.of(0, 1), mi.module("layers.0.v").present(), "c lacks layers.0.v");
        assertEquals(1, mi.module("layers.0.v").pairs().size());
        for (ModuleInterference m : mi.modules()) {
            List<Dense.M> dense = new ArrayList<>();
            m.present().forEach(p -> dense.add(TestAdapters.dense(srcs.get(p), m.module())));
            long[] all = conflicts(dense);
            assertEquals((double) all[0] / all[1], m.signConflict(), 1.0 / all[1], m.module() + " N-way");
            for (PairInterference p : m.pairs()) {
                Dense.M x = TestAdapters.dense(srcs.get(p.first()), m.module());
                Dense.M y = TestAdapters.dense(srcs.get(p.second()), m.module());
                assertEquals(cosine(x, y), p.cosine(), 1e-5, m.module() + " cosine " + p);
                long[] pair = conflicts(List.of(x, y));
                assertEquals((double) pair[0] / pair[1], p.signConflict(), 1.0 / pair[1], m.module() + " signs " + p);
                int k = Math.min(
                        srcs.get(p.first())
                                .type()
                                .module(m.module())
                                .orElseThrow()
                                .rank(),
                        srcs.get(p.second())
                                .type()
                                .module(m.module())
                                .orElseThrow()
                                .rank());
                assertEquals(
                        Reference.phi(Reference.leftSingularVectors(x), Reference.leftSingularVectors(y), k, k),
                        p.outputOverlap(),
                        1e-4,
                        m.module() + " output overlap " + p);
                assertEquals(
                        Reference.phi(Reference.rightSingularVectors(x), Reference.rightSingularVectors(y), k, k),
                        p.inputOverlap(),
                        1e-4,
                        m.module() + " input overlap " + p);
            }
        }
        double[][] cos = mi.pairMatrix(InterferenceMeasure.COSINE);
        assertTrue(Double.isNaN(cos[1][1]));
        assertEquals(cos[0][2], cos[2][0], 0);
        double mean02 = (mi.module("layers.0.q").pair(0, 2).orElseThrow().cosine()
                        + mi.module("layers.1.mlp").pair(2, 0).orElseThrow().cosine())
                / 2;
        assertEquals(mean02, cos[0][2], 1e-15, "a and c share two modules");
        assertEquals(
                mi.module("layers.1.mlp").mean(InterferenceMeasure.INPUT_OVERLAP),
                mi.grid(InterferenceMeasure.INPUT_OVERLAP).get(1, "mlp"),
                0);
    }

    @Test
    void multiplesAndNegationsAreTheExtremes() {
        Adapter a = Lora.from(TestAdapters.random("a", 34, TestAdapters.shapes(3)));
        MergeInterference same = MergeInterference.of(a, a.times(2.5));
        MergeInterference negated = MergeInterference.of(a, a.unaryMinus());
        for (ModuleInterference m : same.modules()) {
            PairInterference p = m.pairs().get(0);
            assertEquals(1, p.cosine(), 1e-6);
            assertEquals(0, p.signConflict(), 0);
            assertEquals(1, p.outputOverlap(), 1e-5);
            assertEquals(1, p.inputOverlap(), 1e-5);
            PairInterference n = negated.module(m.module()).pairs().get(0);
            assertEquals(-1, n.cosine(), 1e-6);
            assertEquals(1, n.signConflict(), 0);
            assertEquals(1, n.outputOverlap(), 1e-5);
        }
    }

    @Test
    void signConflictsDoNotDependOnTheBlockSize() {
        InMemoryAdapter a = TestAdapters.random("a", 35, TestAdapters.shapes(4));
        InMemoryAdapter b = TestAdapters.random("b", 36, TestAdapters.shapes(4));
        Backend be = Engine.current().backend();
        List<ModuleFactors> fs = new ArrayList<>();
        Roots roots = new Roots();
        List<Root<ModuleFactors>> both = List.of(
                roots.factors(Lora.from(a).node()), roots.factors(Lora.from(b).node()));
        Lora.evaluate(roots, new TreeSet<>(List.of("layers.1.mlp")), (module, values) -> {
            for (Root<ModuleFactors> root : both) {
                ModuleFactors f = values.get(root);
                be.keep(f.b()); // used after the module's evaluation has ended
                be.keep(f.a());
                fs.add(f);
            }
        });
        SignConflicts whole = SignConflicts.count(be, fs);
        SignConflicts rows = SignConflicts.count(be, fs, 1);
        SignConflicts blocks = SignConflicts.count(be, fs, 5 * 14 * 2);
        assertEquals(9 * 14, whole.counted());
        assertEquals(whole.share(), rows.share(), 0);
        assertEquals(whole.share(0, 1), blocks.share(0, 1), 0);
        assertEquals(whole.counted(), blocks.counted());
    }

    @Test
    void realDistilbertAdaptersMatchTheirDenseUpdates() throws Exception {
        Adapter imdb = Lora.load(RealAdapters.path("distilbert-imdb"));
        Adapter emotion = Lora.load(RealAdapters.path("distilbert-emotion"));
        MergeInterference mi = MergeInterference.of(imdb, emotion);
        assertEquals(12, mi.modules().size());
        AdapterSource si = imdb.source().orElseThrow();
        AdapterSource se = emotion.source().orElseThrow();
        for (String m : List.of(
                "distilbert.transformer.layer.0.attention.q_lin", "distilbert.transformer.layer.4.attention.v_lin")) {
            Dense.M x = TestAdapters.dense(si, m);
            Dense.M y = TestAdapters.dense(se, m);
            PairInterference p = mi.module(m).pair(0, 1).orElseThrow();
            assertEquals(cosine(x, y), p.cosine(), 1e-4, m);
            long[] c = conflicts(List.of(x, y));
            assertEquals(768L * 768, c[1]);
            assertEquals(
                    (double) c[0] / c[1],
                    p.signConflict(),
                    1e-3,
                    m + ": F32 products may flip signs of entries near 0");
            assertEquals(p.signConflict(), mi.module(m).signConflict(), 0, "for two adapters N-way is the pair");
        }
        String json = mi.toJson();
        assertEquals(
                json,
                MergeInterference.of(Lora.load(RealAdapters.path("distilbert-imdb")), emotion)
                        .toJson());
        JsonNode root = new ObjectMapper().readTree(json);
        assertEquals("merge-interference", root.get("analysis").asText());
        assertTrue(root.get("mean_by_pair").get("cosine").get(0).get(0).isNull(), "no value on the diagonal");
        assertEquals(
                mi.pairMatrix(InterferenceMeasure.SIGN_CONFLICT)[0][1],
                root.get("mean_by_pair").get("sign_conflict").get(0).get(1).asDouble(),
                0);
    }

    @Test
    void badInputsAreNamed() {
        Adapter imdb = Lora.load(RealAdapters.path("distilbert-imdb"));
        assertThrows(LoraException.class, () -> MergeInterference.of(imdb));
        AdapterTypeException e = assertThrows(
                AdapterTypeException.class,
                () -> MergeInterference.of(imdb, Lora.load(RealAdapters.path("gpt2-tigrinya"))));
        assertTrue(e.getMessage().contains("base model"), e.getMessage());
        Adapter x = Lora.from(TestAdapters.random("x", 1, TestAdapters.shapes(2)));
        Adapter y = Lora.from(TestAdapters.random("y", 2, List.of(new TestAdapters.Shape("other.0.k", 4, 4, 2, 1.0))));
        assertTrue(assertThrows(LoraException.class, () -> MergeInterference.of(x, y))
                .getMessage()
                .contains("no module is shared"));
    }
}
