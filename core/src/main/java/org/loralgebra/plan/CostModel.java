package org.loralgebra.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.loralgebra.graph.Decompose;
import org.loralgebra.graph.DecomposeSum;
import org.loralgebra.graph.Load;
import org.loralgebra.graph.ModuleMap;
import org.loralgebra.graph.Node;
import org.loralgebra.graph.NodeVisitor;
import org.loralgebra.graph.Project;
import org.loralgebra.graph.Scale;
import org.loralgebra.graph.Select;
import org.loralgebra.graph.Sum;
import org.loralgebra.graph.Truncate;
import org.loralgebra.graph.WithBaseModel;
import org.loralgebra.graph.WithoutDora;
import org.loralgebra.lang.Precision;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.ModuleSpec;

/**
 * Estimates from types alone (no data): a node's output bytes (r·(out+in) elements per module for factors, plus k
 * values for an SVD) in the run's precision, and its flops, with the usual counts: thin QR of m×r ≈ 4mr²
 * (Householder plus forming Q), SVD of r×r ≈ 22r³, products 2mnk.
 */
public final class CostModel {
    private final int bytesPerElement;

    /** A model for results held in {@code precision} (4 bytes per element for F32, 8 for F64). */
    public CostModel(Precision precision) {
        this.bytesPerElement = precision == Precision.F64 ? 8 : 4;
    }

    /** The node's estimated cost, summed over its modules. */
    public NodeCost cost(Node node) {
        long bytes = 0;
        double flops = 0;
        for (ModuleSpec m : node.type().modules().values()) {
            long r = m.rank();
            bytes += bytesPerElement * r * (m.out() + m.in()) + (node.output() == Node.Output.SVD ? 8 * r : 0);
            flops += node.accept(new Flops(m, Node::type));
        }
        return new NodeCost(bytes, flops);
    }

    /**
     * The estimated flops of one module's evaluation: every node reachable from {@code roots} that has the module,
     * each counted once. {@code typeOf} gives a node's type (an engine passes the types it derived once per run).
     */
    public static double moduleFlops(List<Node> roots, String module, Function<Node, AdapterType> typeOf) {
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        double total = 0;
        List<Node> pending = new ArrayList<>(roots);
        while (!pending.isEmpty()) {
            Node n = pending.remove(pending.size() - 1);
            if (!seen.add(n)) {
                continue;
            }
            ModuleSpec m = typeOf.apply(n).modules().get(module);
            if (m == null) {
                continue;
            }
            total += n.accept(new Flops(m, typeOf));
            pending.addAll(n.children());
        }
        return total;
    }

    /** The flops a node spends on one module; {@code typeOf} gives its inputs' types. */
    private record Flops(ModuleSpec m, Function<Node, AdapterType> typeOf) implements NodeVisitor<Double> {
        @Override
        public Double visitLoad(Load node) {
            return 0.0;
        }

        @Override
        public Double visitSelect(Select node) {
            return 0.0;
        }

        @Override
        public Double visitWithBaseModel(WithBaseModel node) {
            return 0.0;
        }

        @Override
        public Double visitWithoutDora(WithoutDora node) {
            return 0.0;
        }

        @Override
        public Double visitScale(Scale node) {
            return (double) m.out() * m.rank();
        }

        @Override
        public Double visitSum(Sum node) {
            return (double) (m.out() + m.in()) * m.rank();
        }

        @Override
        public Double visitDecompose(Decompose node) {
            return decomposition(Math.max(inputRank(node), m.rank()), node.vectors());
        }

        @Override
        public Double visitDecomposeSum(DecomposeSum node) {
            return decomposition(inputRank(node), node.vectors());
        }

        private double decomposition(double r, boolean vectors) {
            double out = m.out();
            double in = m.in();
            return vectors
                    ? 4 * out * r * r + 4 * in * r * r + 2 * r * r * r + 22 * r * r * r + 2 * (out + in) * r * r
                    : 2 * out * r * r + 2 * in * r * r + 2 * r * r * r + 4 * r * r * r;
        }

        @Override
        public Double visitTruncate(Truncate node) {
            return (double) (m.out() + m.in()) * m.rank();
        }

        @Override
        public Double visitProject(Project node) {
            double k = Math.min(node.k(), m.rank());
            double r = m.rank();
            return (node.side().output() ? 4 * m.out() * k * r : 0)
                    + (node.side().input() ? 4 * m.in() * k * r : 0);
        }

        @Override
        public Double visitModuleMap(ModuleMap node) {
            List<Optional<ModuleSpec>> inputs = node.inputs().stream()
                    .map(i -> typeOf.apply(i).module(m.name()))
                    .toList();
            return node.kernel().flops(m, inputs);
        }

        /** The summed rank of the node's inputs for this module. */
        private double inputRank(Node node) {
            int r = 0;
            for (Node c : node.children()) {
                r += typeOf.apply(c).module(m.name()).map(ModuleSpec::rank).orElse(0);
            }
            return r;
        }
    }
}
