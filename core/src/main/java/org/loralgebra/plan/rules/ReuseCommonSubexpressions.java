package org.loralgebra.plan.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.loralgebra.graph.Decompose;
import org.loralgebra.graph.DecomposeSum;
import org.loralgebra.graph.Node;

/**
 * Makes equal sub-expressions one node, across all the roots of a plan: then the executor computes each once
 * per module (for example one decomposition feeding both a truncation and a projection). A values-only
 * decomposition (a spectrum) of an expression that is also fully decomposed reads its values from the full
 * one. Unlike the local rules, it looks at the whole graph at once.
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
        Map<Node, Node> full = new HashMap<>();
        for (Node n : canonical.values()) {
            if (n instanceof Decompose d && d.vectors()) {
                full.put(d.input(), d);
            } else if (n instanceof DecomposeSum d && d.vectors()) {
                full.put(d.sum(), d);
            }
        }
        if (full.isEmpty()) {
            return out;
        }
        List<Node> shared = new ArrayList<>();
        for (Node r : out) {
            shared.add(intern(upgrade(r, full, new IdentityHashMap<>())));
        }
        return shared;
    }

    private Node upgrade(Node n, Map<Node, Node> full, Map<Node, Node> done) {
        Node cached = done.get(n);
        if (cached != null) {
            return cached;
        }
        Node result;
        if (n instanceof Decompose d && !d.vectors() && full.containsKey(d.input())) {
            result = full.get(d.input());
            merged++;
        } else if (n instanceof DecomposeSum d && !d.vectors() && full.containsKey(d.sum())) {
            result = full.get(d.sum());
            merged++;
        } else {
            List<Node> children = new ArrayList<>();
            for (Node c : n.children()) {
                children.add(upgrade(c, full, done));
            }
            result = n.withChildren(children);
        }
        done.put(n, result);
        return result;
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
