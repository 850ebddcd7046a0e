package org.loralgebra.plan;

import java.util.List;
import java.util.Optional;

import org.loralgebra.graph.Decompose;
import org.loralgebra.graph.DecomposeSum;
import org.loralgebra.graph.Load;
import org.loralgebra.graph.ModuleMap;
import org.loralgebra.graph.Node;
import org.loralgebra.graph.Project;
import org.loralgebra.graph.Scale;
import org.loralgebra.graph.Sum;
import org.loralgebra.graph.Truncate;
import org.loralgebra.model.ModuleSpec;

/**
 * Estimates from types alone (no data): a node's output bytes (r·(out+in) per module for factors, plus k for an
 * SVD) and its flops, with the usual counts: thin QR of m×r ≈ 4mr² (Householder plus forming Q), SVD of r×r ≈
 * 22r³, products 2mnk.
 */
public final class CostModel {
    private final int bytesPerElement;

    /** A model for the given element size (4 for F32). */
    public CostModel(int bytesPerElement) {
        this.bytesPerElement = bytesPerElement;
    }

    /** The node's estimated cost, summed over its modules. */
    public NodeCost cost(Node node) {
        long bytes = 0;
        double flops = 0;
        for (ModuleSpec m : node.type().modules().values()) {
            long r = m.rank();
            bytes += bytesPerElement * r * (m.out() + m.in()) + (node.output() == Node.Output.SVD ? 8 * r : 0);
            flops += flops(node, m);
        }
        return new NodeCost(bytes, flops);
    }

    private static double flops(Node node, ModuleSpec m) {
        double out = m.out();
        double in = m.in();
        if (node instanceof Load) {
            return 0;
        }
        if (node instanceof Scale) {
            return out * m.rank();
        }
        if (node instanceof Sum) {
            return (out + in) * m.rank();
        }
        if (node instanceof Decompose || node instanceof DecomposeSum) {
            double r = inputRank(node, m);
            boolean vectors = node instanceof Decompose d ? d.vectors() : ((DecomposeSum) node).vectors();
            return vectors ? 4 * out * r * r + 4 * in * r * r + 2 * r * r * r + 22 * r * r * r + 2 * (out + in) * r * r
                    : 2 * out * r * r + 2 * in * r * r + 2 * r * r * r + 4 * r * r * r;
        }
        if (node instanceof Truncate) {
            return (out + in) * m.rank();
        }
        if (node instanceof Project p) {
            double k = Math.min(p.k(), m.rank());
            double r = m.rank();
            return (p.side().output() ? 4 * out * k * r : 0) + (p.side().input() ? 4 * in * k * r : 0);
        }
        if (node instanceof ModuleMap mm) {
            List<Optional<ModuleSpec>> inputs = mm.inputs().stream().map(i -> i.type().module(m.name())).toList();
            return mm.kernel().flops(m, inputs);
        }
        return 0;
    }

    private static double inputRank(Node node, ModuleSpec m) {
        int r = 0;
        for (Node c : node.children()) {
            r += c.type().module(m.name()).map(ModuleSpec::rank).orElse(0);
        }
        return node instanceof Decompose ? Math.max(r, m.rank()) : r;
    }
}
