package org.loralgebra.stdlib.route;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.TestAdapters;
import org.loralgebra.lang.LoraException;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.StoredModule;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/** Bad routes fail before any work, naming the module, expert, gate or batch and what was expected. */
class RouteErrorsTest {
    static final String M = RouteMatchesLoopReferenceTest.MODULE;
    static final int IN = RouteMatchesLoopReferenceTest.IN;
    static final List<Adapter> EXPERTS = RouteMatchesLoopReferenceTest.adapters();

    static void fails(Executable action, String... fragments) {
        LoraException e = assertThrows(LoraException.class, action);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
    }

    static Tensor matrix(int rows, int cols) {
        return Tensor.ofDoubles(DType.F32, new long[] {rows, cols}, new double[rows * cols]);
    }

    @Test
    void missingModuleNamesTheExpertAndSuggests() {
        fails(
                () -> Route.of(EXPERTS).topK(1).prepare("layers.0.k"),
                "expert 'expert0'",
                "no module 'layers.0.k'",
                "layers.0.q");
    }

    @Test
    void expertsOfDifferentShapes() {
        Adapter other = Lora.from(TestAdapters.random("wide", 3, List.of(new TestAdapters.Shape(M, 40, 50, 2, 1))));
        // refused when the route is made, as any combination of the two is
        fails(() -> Route.of(EXPERTS.get(0), other), "'wide'", "[40, 50]", "[40, 48]");
    }

    @Test
    void expertsOfDifferentBaseModels() {
        fails(
                () -> Route.of(
                        EXPERTS.get(0).withBaseModel("org/model-a"),
                        EXPERTS.get(1).withBaseModel("org/model-b")),
                "base model org/model-a",
                "base model org/model-b",
                "--base-model NAME");
        Route.of(EXPERTS.get(0).withBaseModel("org/model-a"), EXPERTS.get(1).withBaseModel("org/model-a"));
    }

    @Test
    void topKUnsetOrTooLarge() {
        fails(() -> Route.of(EXPERTS).prepare(M), "top-k is not set");
        fails(() -> Route.of(EXPERTS).topK(5).prepare(M), "top-k 5", "1 ≤ k ≤ 4");
        fails(() -> Route.ofRanks(EXPERTS.get(0)).topK(3).prepare(M), "top-k 3", "1 ≤ k ≤ 2", "ranks");
        fails(() -> Route.of(EXPERTS).topK(0), "at least 1");
    }

    @Test
    void gateOfTheWrongSize() {
        fails(
                () -> Route.of(EXPERTS).gate(Gate.linear(matrix(3, IN))).topK(1).prepare(M),
                "scores 3 experts",
                "has 4 experts",
                "expert0, expert1");
        fails(
                () -> Route.of(EXPERTS)
                        .gate(Gate.prototypes(matrix(4, 10)))
                        .topK(1)
                        .prepare(M),
                "reads 10 input features",
                "takes 48");
        fails(
                () -> Route.ofRanks(EXPERTS.get(2))
                        .gate(Gate.linear(matrix(4, IN)))
                        .topK(1)
                        .prepare(M),
                "scores 4 ranks",
                "has 5 ranks");
        fails(
                () -> Gate.linear(matrix(4, IN), Tensor.ofDoubles(DType.F32, new long[] {3}, new double[3])),
                "bias [4]",
                "[3]");
    }

    @Test
    void activationsOfTheWrongWidth() {
        ModuleRoute r = Route.of(EXPERTS).topK(2).prepare(M);
        fails(() -> r.apply(Activations.gaussian(5, 47, 1)), "activations [5, 47]", "module 'layers.0.q'", "takes 48");
    }

    @Test
    void badActivations() {
        fails(
                () -> Activations.of(Tensor.ofDoubles(DType.F32, new long[] {2, 2, 2}, new double[8])),
                "2-D",
                "[2, 2, 2]");
        fails(() -> Activations.of(2, 2, new float[] {1, 2, Float.NaN, 4}), "token 1, feature 0", "not finite");
        fails(
                () -> Activations.of(Tensor.ofDoubles(DType.F32, new long[] {0, 4}, new double[0])),
                "at least one token");
    }

    @Test
    void doraModulesMustBeDroppedExplicitly() {
        InMemoryAdapter plain = RouteMatchesLoopReferenceTest.ADAPTERS.get(0);
        StoredModule m = plain.read(M);
        ModuleSpec spec = new ModuleSpec(
                M, ModuleKind.LINEAR, 40, IN, m.spec().rank(), DType.F32, new long[0], false, true, false);
        StoredModule dora = new StoredModule(
                spec,
                m.a(),
                m.b(),
                m.scale(),
                Optional.of(Tensor.ofDoubles(DType.F32, new long[] {40}, new double[40])),
                Optional.empty());
        Adapter withDora = Lora.from(new InMemoryAdapter("dora", "test-base", plain.meta(), Map.of(M, dora)));
        fails(() -> Route.of(withDora, EXPERTS.get(1)).topK(1).prepare(M), "'dora'", "DoRA magnitude", "withoutDora()");
        Route.of(withDora.withoutDora(), EXPERTS.get(1)).topK(1).prepare(M); // explicit: fine
    }

    @Test
    void gateSpellings() {
        assertTrue(Gate.parse("fly") instanceof FlyGate);
        assertThrows(IllegalArgumentException.class, () -> Gate.parse("linear:"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gate.parse("softmax"));
        assertTrue(e.getMessage().contains("fly, arrow, proto:FILE or linear:FILE"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Weighting.parse("max"));
    }
}
