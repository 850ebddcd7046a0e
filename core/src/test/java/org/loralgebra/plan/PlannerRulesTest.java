package org.loralgebra.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertAtLeast;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.TestAdapters;
import org.loralgebra.graph.DecomposeSum;
import org.loralgebra.graph.Load;
import org.loralgebra.graph.Node;
import org.loralgebra.graph.Project;
import org.loralgebra.graph.Scale;
import org.loralgebra.graph.Sum;
import org.loralgebra.graph.Truncate;
import org.loralgebra.lang.Precision;
import org.loralgebra.lang.Rank;
import org.loralgebra.lang.Side;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.plan.rules.FlattenSums;
import org.loralgebra.plan.rules.FoldScalars;
import org.loralgebra.plan.rules.FuseDecomposeOfSum;
import org.loralgebra.plan.rules.PushSelectIntoLoad;
import org.loralgebra.plan.rules.Rule;

/**
 * Each planner rule on its own: that it fires, what it produces, and that the rewritten plan computes the same
 * update (dense reference).
 */
class PlannerRulesTest {
    private final InMemoryAdapter sa = TestAdapters.random("a", 1, TestAdapters.shapes(3));
    private final InMemoryAdapter sb = TestAdapters.random("b", 2, TestAdapters.shapes(2));
    private final InMemoryAdapter sc = TestAdapters.random("c", 3, TestAdapters.shapes(4));
    private final Adapter a = Lora.from(sa);
    private final Adapter b = Lora.from(sb);
    private final Adapter c = Lora.from(sc);

    private static Plan plan(Rule rule, Adapter x) {
        return new Planner(List.of(rule)).plan(List.of(x.node()), Precision.F32);
    }

    private static Node physical(Plan p) {
        return p.physical().get(0);
    }

    private static void assertSameUpdate(Adapter original, Node rewritten) {
        Adapter r = Adapter.of(rewritten);
        for (String m : original.modules()) {
            double err = Dense.relError(Dense.M.of(r.dense(m)), Dense.M.of(original.dense(m)));
            assertTrue(err < 1e-5, m + ": rewritten plan differs by " + err);
        }
    }

    @Test
    void foldScalarsCancelsDoubleNegationAndMultipliesFactors() {
        Plan p = plan(new FoldScalars(), a.unaryMinus().unaryMinus());
        assertInstanceOf(Load.class, physical(p));
        assertEquals(1, p.applied("FoldScalars"));

        Adapter x = a.times(2).times(3);
        Node folded = physical(plan(new FoldScalars(), x));
        assertEquals(6.0, ((Scale) folded).factor());
        assertSameUpdate(x, folded);

        Adapter y = a.plus(b.times(0.5)).times(-2);
        Node s = physical(new Planner(List.of(new FoldScalars())).plan(List.of(y.node()), Precision.F32));
        assertInstanceOf(Sum.class, s);
        assertEquals(
                List.of(-2.0, -1.0),
                ((Sum) s).terms().stream().map(Sum.Term::weight).toList());
        assertSameUpdate(y, s);
    }

    @Test
    void flattenSumsMakesOneConcatenation() {
        Adapter x = a.plus(b.plus(c.times(2)).times(3));
        Node f = physical(
                new Planner(List.of(new FoldScalars(), new FlattenSums())).plan(List.of(x.node()), Precision.F32));
        Sum sum = (Sum) f;
        assertEquals(3, sum.terms().size());
        assertEquals(
                List.of(1.0, 3.0, 6.0),
                sum.terms().stream().map(Sum.Term::weight).toList());
        assertSameUpdate(x, f);
    }

    @Test
    void collectLikeTermsMergesEqualTermsAndCancelsSigns() {
        Adapter x = a.plus(b).plus(a.times(0.5));
        Node r = physical(new Planner().plan(List.of(x.node()), Precision.F32));
        Sum sum = (Sum) r;
        assertEquals(2, sum.terms().size());
        assertEquals(3 + 2, r.type().modules().get("layers.0.q").rank(), "a counted once: rank 3 + 2, not 3 + 2 + 3");
        assertSameUpdate(x, r);

        Node cancel = physical(new Planner().plan(List.of(a.plus(b).minus(b).node()), Precision.F32));
        assertInstanceOf(Load.class, cancel, "a + b - b is a: b's terms cancel and vanish");
        Node zero = physical(new Planner().plan(List.of(a.minus(a).node()), Precision.F32));
        assertEquals(0.0, ((Scale) zero).factor(), "a - a is 0·a: the module set is kept");
    }

    @Test
    void pushSelectIntoLoadReadsOnlySelectedModules() {
        TestAdapters.Counting ca = new TestAdapters.Counting(sa);
        TestAdapters.Counting cb = new TestAdapters.Counting(sb);
        Adapter x = Lora.from(ca).plus(Lora.from(cb).times(2)).select("mlp");
        Plan p = new Planner().plan(List.of(x.node()), Precision.F32);
        assertAtLeast(p.applied("PushSelectIntoLoad"), 1, "times PushSelectIntoLoad applied\n" + p.explain());
        Sum sum = (Sum) physical(p);
        for (Sum.Term t : sum.terms()) {
            Load l = (Load) t.node();
            assertEquals(List.of("layers.1.mlp"), List.copyOf(l.modules().orElseThrow()));
        }
        x.eval();
        assertEquals(1, ca.totalReads());
        assertEquals(1, ca.reads("layers.1.mlp"));
        assertEquals(1, cb.totalReads());
        assertSameUpdate(x, physical(p));
    }

    @Test
    void truncateOfASumIsOneFusedDecomposition() {
        Adapter x = a.plus(b).truncate(Rank.of(2));
        Plan p = plan(new FuseDecomposeOfSum(), x);
        Truncate t = (Truncate) physical(p);
        assertInstanceOf(DecomposeSum.class, t.decomposition());
        assertEquals(1, p.applied("FuseDecomposeOfSum"));
        assertTrue(p.explain().contains("DecomposeSum (fused"), p.explain());
        assertSameUpdate(x, t);
    }

    @Test
    void sharedDecompositionIsComputedOnce() {
        TestAdapters.Counting ca = new TestAdapters.Counting(sa);
        Adapter la = Lora.from(ca);
        // a's decomposition feeds both the truncation and the projection
        Adapter x = la.truncate(Rank.of(2)).plus(b.project(la, Side.OUTPUT, 2));
        Plan p = new Planner().plan(List.of(x.node()), Precision.F32);
        assertAtLeast(
                p.applied("ReuseCommonSubexpressions"), 1, "times ReuseCommonSubexpressions applied\n" + p.explain());
        Sum sum = (Sum) physical(p);
        Node truncDecomp = ((Truncate) sum.terms().get(0).node()).decomposition();
        Node projDecomp = ((Project) sum.terms().get(1).node()).off();
        assertSame(truncDecomp, projDecomp);
        assertTrue(p.explain().contains("used 2×"), p.explain());
        x.eval();
        assertEquals(3, ca.totalReads(), "each of a's 3 modules read once");
    }

    @Test
    void aSpectrumReadsItsValuesFromAFullDecompositionInTheSamePlan() {
        Node spectrum = a.plus(b).spectrum().node();
        Node truncated = a.plus(b).truncate(Rank.of(2)).node();
        Plan p = new Planner().plan(List.of(spectrum, truncated), Precision.F32);
        Node values = p.physical().get(0);
        assertSame(((Truncate) p.physical().get(1)).decomposition(), values);
        assertTrue(((DecomposeSum) values).vectors());
        Plan alone = new Planner().plan(List.of(spectrum), Precision.F32);
        assertTrue(alone.explain().contains("SingularValuesOfSum"), alone.explain());
    }

    @Test
    void simplificationFinishesBeforeFusionHidesTheSum() {
        Adapter x = a.plus(b.times(0.5)).minus(a.times(0.0)).truncate(Rank.of(2));
        Truncate t = (Truncate) physical(new Planner().plan(List.of(x.node()), Precision.F32));
        DecomposeSum fused = (DecomposeSum) t.decomposition();
        assertEquals(
                List.of(1.0, 0.5),
                fused.sum().terms().stream().map(Sum.Term::weight).toList(),
                "the nested sum is flattened and a's 0·a term collected before fusion");
        assertSameUpdate(x, t);
    }

    @Test
    void explainPrintsBothTreesWithCosts() {
        String text = a.plus(b.times(0.5)).truncate(Rank.of(2)).plan().explain();
        assertTrue(text.contains("== Logical plan =="));
        assertTrue(text.contains("== Physical plan =="));
        assertTrue(text.contains("FuseDecomposeOfSum ×1"), text);
        assertTrue(text.matches("(?s).*Truncate rank 2.*flop.*"), text);
        assertTrue(text.contains("KiB") || text.contains(" B,"), text);
    }

    @Test
    void plannerLeavesPlainLoadsAlone() {
        Plan p = new Planner().plan(List.of(a.node()), Precision.F32);
        assertSame(a.node(), physical(p));
        assertTrue(p.rulesApplied().isEmpty());
        assertSame(a.node(), new PushSelectIntoLoad().rewrite(a.node()));
    }
}
