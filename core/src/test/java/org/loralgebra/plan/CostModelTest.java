package org.loralgebra.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.TestAdapters;
import org.loralgebra.TestAdapters.Shape;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.ExecutableKernel;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.graph.ModuleMap;
import org.loralgebra.graph.Node;
import org.loralgebra.lang.Precision;
import org.loralgebra.lang.Rank;
import org.loralgebra.model.ModuleSpec;

/** One module's estimated flops: every node of the plan once, shared nodes included once. */
class CostModelTest {
    private static final String MODULE = "layers.0.q";

    /** Passes its input through, claiming a million flops per module. */
    private record Claimed() implements ExecutableKernel {
        @Override
        public String describe() {
            return "identity claiming 1e6 flops";
        }

        @Override
        public ModuleFactors apply(Backend backend, ModuleSpec out, List<Optional<ModuleFactors>> inputs) {
            return inputs.get(0).orElseThrow();
        }

        @Override
        public double flops(ModuleSpec out, List<Optional<ModuleSpec>> inputs) {
            return 1e6;
        }
    }

    @Test
    void aModulesFlopsCountEachSharedNodeOnce() {
        Adapter a = Lora.from(TestAdapters.random("a", 5, List.of(new Shape(MODULE, 40, 30, 6, 2.0))));
        Adapter shared = Adapter.of(ModuleMap.of(List.of(a.node()), new Claimed()));
        Node root = shared.plus(shared).truncate(Rank.of(4)).node();

        CostModel model = new CostModel(Precision.F32);
        double eachOnce = 0;
        int distinct = 0;
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Node> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (seen.add(n)) {
                eachOnce += model.cost(n).flops(); // one module: a node's cost is its cost on that module
                distinct++;
                todo.addAll(n.children());
            }
        }
        double got = CostModel.moduleFlops(List.of(root), MODULE, Node::type);
        assertEquals(eachOnce, got, 1e-9 * eachOnce, "over " + distinct + " distinct nodes");
        assertEquals(true, got >= 1e6 && got < 2e6, "the shared kernel's million counted once: " + got);
        assertEquals(0.0, CostModel.moduleFlops(List.of(root), "layers.9.absent", Node::type));
    }
}
