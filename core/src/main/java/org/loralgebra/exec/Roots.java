package org.loralgebra.exec;

import java.util.ArrayList;
import java.util.List;
import org.loralgebra.graph.Node;

/**
 * The nodes one run computes, in order, each registered as a typed {@link Root}: adapter-valued nodes as
 * {@code Root<ModuleFactors>}, decompositions as {@code Root<ModuleSvd>}. A consumer reads each module's values through
 * the roots ({@link ModuleValues#get}), so no value is cast by position.
 *
 * <pre>{@code
 * Roots roots = new Roots();
 * Root<ModuleFactors> update = roots.factors(adapter.node());
 * Root<ModuleSvd> svd = roots.svd(adapter.decompose().node());
 * Lora.evaluate(roots, (module, values) -> use(values.get(update), values.get(svd)));
 * }</pre>
 */
public final class Roots {
    private final List<Node> nodes = new ArrayList<>();

    /**
     * Registers an adapter-valued node ({@link Node.Output#FACTORS}).
     *
     * @throws IllegalArgumentException when the node gives an SVD
     */
    public Root<ModuleFactors> factors(Node node) {
        return add(node, Node.Output.FACTORS, ModuleFactors.class);
    }

    /**
     * Registers a decomposition ({@link Node.Output#SVD}).
     *
     * @throws IllegalArgumentException when the node gives factors
     */
    public Root<ModuleSvd> svd(Node node) {
        return add(node, Node.Output.SVD, ModuleSvd.class);
    }

    private <V extends ModuleValue> Root<V> add(Node node, Node.Output output, Class<V> type) {
        if (node.output() != output) {
            throw new IllegalArgumentException(
                    node.describe() + " gives " + node.output() + " per module, not " + output);
        }
        nodes.add(node);
        return new Root<>(this, nodes.size() - 1, type);
    }

    /** The registered nodes, in registration order. */
    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /** The number of registered nodes. */
    public int size() {
        return nodes.size();
    }
}
