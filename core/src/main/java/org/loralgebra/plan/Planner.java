package org.loralgebra.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.loralgebra.graph.Node;
import org.loralgebra.lang.Precision;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.plan.rules.CollectLikeTerms;
import org.loralgebra.plan.rules.FlattenSums;
import org.loralgebra.plan.rules.FoldScalars;
import org.loralgebra.plan.rules.FuseDecomposeOfSum;
import org.loralgebra.plan.rules.PushSelectIntoLoad;
import org.loralgebra.plan.rules.ReuseCommonSubexpressions;
import org.loralgebra.plan.rules.Rule;

/**
 * Rewrites expression graphs with local rules, bottom-up, to a fixed point, then shares equal sub-expressions
 * across the roots. After every rewrite it checks that the node still has the same modules, shapes and base
 * model and no larger ranks: a rule that broke that would be a bug, and fails loudly; so does a phase that has not
 * reached its fixed point after {@value #MAX_PASSES} passes (rules undoing each other).
 */
public final class Planner {
    static final int MAX_PASSES = 50;
    private final List<List<Rule>> phases;

    /**
     * The standard rules in two phases: simplification to a fixed point (select push-down, scalar folding,
     * flattening, like terms), then fusion (which hides a sum inside a fused decomposition, so it comes last).
     */
    public Planner() {
        this.phases = List.of(
                List.of(new PushSelectIntoLoad(), new FoldScalars(), new FlattenSums(), new CollectLikeTerms()),
                List.of(new FuseDecomposeOfSum()));
    }

    /** A planner with the given rules in one phase (tests use single rules). */
    public Planner(List<Rule> rules) {
        this.phases = List.of(List.copyOf(rules));
    }

    /** Plans the given roots for a run in {@code precision} (what the plan's cost estimates assume). */
    public Plan plan(List<Node> roots, Precision precision) {
        Map<String, Integer> applied = new TreeMap<>();
        List<Node> current = new ArrayList<>(roots);
        for (List<Rule> phase : phases) {
            fixpoint(current, applied, phase);
        }
        ReuseCommonSubexpressions cse = new ReuseCommonSubexpressions();
        List<Node> shared = cse.apply(current);
        if (cse.merged() > 0) {
            applied.put("ReuseCommonSubexpressions", cse.merged());
        }
        return new Plan(roots, shared, applied, precision);
    }

    private void fixpoint(List<Node> current, Map<String, Integer> applied, List<Rule> rules) {
        for (int pass = 0; pass < MAX_PASSES; pass++) {
            Map<String, Integer> firedThisPass = new TreeMap<>();
            for (int i = 0; i < current.size(); i++) {
                Node before = current.get(i);
                Node after = rewrite(before, firedThisPass, rules);
                if (after != before) {
                    current.set(i, after);
                }
            }
            firedThisPass.forEach((rule, n) -> applied.merge(rule, n, Integer::sum));
            if (firedThisPass.isEmpty()) {
                return;
            }
            if (pass == MAX_PASSES - 1) {
                throw new IllegalStateException("the planner did not reach a fixed point in " + MAX_PASSES + " passes: "
                        + firedThisPass + " still fired in the last one (rules that undo each other: a bug). Plan: "
                        + current.stream().map(Node::label).toList());
            }
        }
    }

    private Node rewrite(Node node, Map<String, Integer> applied, List<Rule> rules) {
        List<Node> children = new ArrayList<>();
        for (Node c : node.children()) {
            children.add(rewrite(c, applied, rules));
        }
        Node current = node.withChildren(children);
        for (Rule rule : rules) {
            Node next = rule.rewrite(current);
            if (next != current) {
                checkSameType(rule, current, next);
                applied.merge(rule.name(), 1, Integer::sum);
                return next;
            }
        }
        return current;
    }

    private static void checkSameType(Rule rule, Node before, Node after) {
        AdapterType a = before.type();
        AdapterType b = after.type();
        boolean ok =
                a.baseModel().equals(b.baseModel()) && a.names().equals(b.names()) && before.output() == after.output();
        if (ok) {
            for (ModuleSpec m : a.modules().values()) {
                ModuleSpec n = b.modules().get(m.name());
                ok &= m.sameShape(n) && n.rank() <= m.rank();
            }
        }
        if (!ok) {
            throw new IllegalStateException("planner rule " + rule.name() + " changed the result's type (a bug): "
                    + before.describe() + " " + a + " became " + after.describe() + " " + b);
        }
    }
}
