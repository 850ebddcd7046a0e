package org.loralgebra.graph;

import java.util.ArrayList;
import java.util.List;
import org.loralgebra.lang.LoraException;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.ModuleSpec;

/**
 * Σ wᵢ·ΔWᵢ, kept factored as rank concatenation: B = [w₁s₁B₁ | w₂s₂B₂ | …], A = [A₁; A₂; …]. A module present
 * in some terms only is the sum of those; its rank is the sum of their ranks. The type is built (and checked:
 * same base model, same shape per module) when the sum is.
 */
public record Sum(List<Term> terms, AdapterType type) implements Node {
    /** One weighted term. */
    public record Term(double weight, Node node) {
        public Term {
            if (!Double.isFinite(weight)) {
                throw new LoraException("sum weight for '" + node.label() + "' is " + weight);
            }
            if (node.output() != Output.FACTORS) {
                throw new IllegalArgumentException("sums apply to adapters, not to " + node.describe());
            }
        }
    }

    public Sum {
        terms = List.copyOf(terms);
        if (terms.isEmpty()) {
            throw new LoraException("a sum needs at least one adapter");
        }
    }

    /** A checked sum of terms. */
    public static Sum of(List<Term> terms) {
        List<AdapterType.Operand> operands = new ArrayList<>();
        for (Term t : terms) {
            DoraGuard.check("a sum", t.node());
            operands.add(new AdapterType.Operand(t.node().label(), t.node().type()));
        }
        AdapterType type = AdapterType.union(
                operands, specs -> specs.stream().mapToInt(ModuleSpec::rank).sum());
        return new Sum(terms, type);
    }

    @Override
    public List<Node> children() {
        return terms.stream().map(Term::node).toList();
    }

    @Override
    public Node withChildren(List<Node> children) {
        if (children.size() != terms.size()) {
            throw new IllegalArgumentException(
                    "sum of " + terms.size() + " terms given " + children.size() + " inputs");
        }
        if (Nodes.sameChildren(children, children())) {
            return this;
        }
        List<Term> out = new ArrayList<>();
        for (int i = 0; i < terms.size(); i++) {
            out.add(new Term(terms.get(i).weight(), children.get(i)));
        }
        return Sum.of(out);
    }

    @Override
    public <R> R accept(NodeVisitor<R> visitor) {
        return visitor.visitSum(this);
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder("Sum (rank concat) ");
        for (int i = 0; i < terms.size(); i++) {
            double w = terms.get(i).weight();
            sb.append(i == 0 ? (w < 0 ? "-" : "") : (w < 0 ? " - " : " + "));
            sb.append(Nodes.number(Math.abs(w))).append("·#").append(i + 1);
        }
        return sb.toString();
    }

    @Override
    public String label() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < terms.size(); i++) {
            double w = terms.get(i).weight();
            String operand = Nodes.parenthesize(terms.get(i).node());
            sb.append(i == 0 ? (w < 0 ? "-" : "") : (w < 0 ? " - " : " + "));
            sb.append(Math.abs(w) == 1 ? operand : Nodes.number(Math.abs(w)) + "·" + operand);
        }
        return sb.toString();
    }
}
