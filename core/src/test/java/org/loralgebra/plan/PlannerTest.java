package org.loralgebra.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.TestAdapters;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.ExecutableKernel;
import org.loralgebra.exec.Factored;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.graph.Load;
import org.loralgebra.graph.ModuleMap;
import org.loralgebra.graph.Node;
import org.loralgebra.graph.Scale;
import org.loralgebra.lang.Precision;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.plan.rules.Rule;

/** The planner as a whole: selections pushed through module kernels, a loud pass limit, costs in the run's precision. */
class PlannerTest {
    private final Adapter a = Lora.from(TestAdapters.random("a", 1, TestAdapters.shapes(3)));
    private final Adapter b = Lora.from(TestAdapters.random("b", 2, TestAdapters.shapes(2)));

    /** A module kernel for tests: w₀·ΔW₀ + w₁·ΔW₁, exact, as a rank concatenation. */
    record WeightedPair(double w0, double w1) implements ExecutableKernel {
        @Override
        public String describe() {
            return "pair " + w0 + ", " + w1;
        }

        @Override
        public ModuleFactors apply(Backend backend, ModuleSpec out, List<Optional<ModuleFactors>> inputs) {
            List<Factored.Term> terms = new ArrayList<>();
            inputs.get(0).ifPresent(f -> terms.add(new Factored.Term(w0, f)));
            inputs.get(1).ifPresent(f -> terms.add(new Factored.Term(w1, f)));
            return Factored.concat(
                    backend,
                    out.withRank(
                            terms.stream().mapToInt(t -> t.factors().rank()).sum()),
                    terms);
        }
    }

    @Test
    void aSelectionIsPushedThroughAModuleKernelIntoTheLoads() {
        Adapter merged = Adapter.of(ModuleMap.of(List.of(a.node(), b.node()), new WeightedPair(0.5, -2)));
        Adapter selected = merged.layers(1);
        Node physical = new Planner()
                .plan(List.of(selected.node()), Precision.F32)
                .physical()
                .get(0);
        ModuleMap map = assertInstanceOf(ModuleMap.class, physical, "no Select is left above the kernel: " + physical);
        for (Node in : map.inputs()) {
            Load load = assertInstanceOf(Load.class, in);
            assertEquals(
                    List.of("layers.1.mlp"),
                    List.copyOf(load.modules().orElseThrow()),
                    "only the selected module is read");
        }
        Dense.M expected = Dense.add(
                Dense.scale(Dense.M.of(a.dense("layers.1.mlp")), 0.5), Dense.M.of(b.dense("layers.1.mlp")), -2);
        double err = Dense.relError(Dense.M.of(selected.dense("layers.1.mlp")), expected);
        assertTrue(err < 1e-5, "the pushed-down plan computes 0.5·ΔWa − 2·ΔWb: relative error " + err);
        assertEquals(List.of("layers.1.mlp"), List.copyOf(selected.modules()));
    }

    @Test
    void rulesThatNeverSettleFailLoudlyAtThePassLimit() {
        Rule restless = node -> node instanceof Scale s ? new Scale(s.input(), s.factor()) : node; // a new equal node
        Planner planner = new Planner(List.of(restless));
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> planner.plan(List.of(a.times(2).node()), Precision.F32));
        assertTrue(
                e.getMessage().contains("did not reach a fixed point in " + Planner.MAX_PASSES + " passes")
                        && e.getMessage().contains("PlannerTest"),
                e.getMessage());
    }

    @Test
    void explainCountsBytesInTheRunsPrecision() {
        List<Node> roots = List.of(a.plus(b).node());
        Plan f32 = new Planner().plan(roots, Precision.F32);
        Plan f64 = new Planner().plan(roots, Precision.F64);
        NodeCost c32 = new CostModel(Precision.F32).cost(f32.physical().get(0));
        NodeCost c64 = new CostModel(Precision.F64).cost(f64.physical().get(0));
        assertEquals(2 * c32.bytes(), c64.bytes(), "factors take twice the bytes in F64");
        assertTrue(f64.explain().contains("in F64") && f32.explain().contains("in F32"), f64.explain());
    }
}
