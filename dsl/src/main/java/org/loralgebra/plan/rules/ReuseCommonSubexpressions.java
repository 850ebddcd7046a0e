package org.loralgebra.plan.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.loralgebra.graph.Node;

/**
 * Makes equal sub-expressions one node, across all the roots of a plan: then the executor computes each once
 * per module (for example one decomposition feeding both a spectrum and a truncation). Unlike the local rules,
 * it looks at the whole graph at once.
 */
public final class ReuseCommonSubexpressions {
    private final Map<Node, Node> canonical = new HashMap<>();
    private int merged;

    /** The roots with equal sub-expressions shared. */
    public List<Node> apply(List<Node> roots) {
        List<Node> out = new ArrayList<>();
        for (Node r : roots) {
            out.add(intern(r));
        }
        return out;
    }

    /** How many nodes were replaced by an equal one seen earlier. */
    public int merged() {
        return merged;
    }

    private Node intern(Node n) {
        List<Node> children = new ArrayList<>();
        for (Node c : n.children()) {
            children.add(intern(c));
        }
        Node rebuilt = n.withChildren(children);
        Node seen = canonical.putIfAbsent(rebuilt, rebuilt);
        if (seen != null && seen != rebuilt) {
            merged++;
            return seen;
        }
        return seen == null ? rebuilt : seen;
    }
}
