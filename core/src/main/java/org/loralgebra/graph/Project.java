package org.loralgebra.graph;

import java.util.List;
import org.loralgebra.lang.LoraException;
import org.loralgebra.lang.Side;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.AdapterTypeException;

/**
 * Removes from each module's update its component inside the top-k singular subspace of another adapter's
 * update (same module): OUTPUT gives {@code B − U(UᵀB)}, INPUT {@code A − (AV)Vᵀ}, BOTH both; U, V are the
 * top-k left/right singular vectors of the other update. Modules the other adapter lacks pass unchanged.
 * {@code off} is an SVD-producing node.
 */
public record Project(Node input, Node off, Side side, int k) implements Node {
    public Project {
        if (input.output() != Output.FACTORS || off.output() != Output.SVD) {
            throw new IllegalArgumentException("project takes an adapter and a decomposition");
        }
        if (off instanceof Decompose d && !d.vectors()) {
            throw new IllegalArgumentException("project needs singular vectors, got " + off.describe());
        }
        if (k < 0) {
            throw new LoraException("projection rank must be ≥ 0, got " + k);
        }
        for (var m : input.type().modules().values()) {
            off.type().module(m.name()).ifPresent(o -> {
                if (!o.sameShape(m)) {
                    throw new AdapterTypeException("cannot project '" + input.label() + "' off '"
                            + off.children().get(0).label() + "': module '" + m.name() + "' is " + m.shapeString()
                            + " in the first and " + o.shapeString() + " in the second");
                }
            });
        }
    }

    /** Projects an adapter-valued node off another adapter-valued node (adds the decomposition). */
    public static Project of(Node input, Node off, Side side, int k) {
        DoraGuard.check("project", input);
        AdapterType.union(
                List.of(
                        new AdapterType.Operand(input.label(), input.type()),
                        new AdapterType.Operand(off.label(), off.type())),
                specs -> specs.get(0).rank());
        return new Project(input, new Decompose(off), side, k);
    }

    @Override
    public AdapterType type() {
        return input.type();
    }

    @Override
    public List<Node> children() {
        return List.of(input, off);
    }

    @Override
    public Node withChildren(List<Node> children) {
        if (children.size() != 2) {
            throw new IllegalArgumentException("project takes two inputs");
        }
        return children.get(0) == input && children.get(1) == off
                ? this
                : new Project(children.get(0), children.get(1), side, k);
    }

    @Override
    public <R> R accept(NodeVisitor<R> visitor) {
        return visitor.visitProject(this);
    }

    @Override
    public String describe() {
        return "Project off top-" + k + " " + side.name().toLowerCase() + " subspace of #2";
    }

    @Override
    public String label() {
        return "project(" + input.label() + " off " + off.children().get(0).label() + ")";
    }
}
