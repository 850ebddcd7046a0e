package org.loralgebra.plan.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import org.loralgebra.graph.Decompose;
import org.loralgebra.graph.DecomposeSum;
import org.loralgebra.graph.Load;
import org.loralgebra.graph.ModuleFilter;
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

/**
 * Moves {@code select} towards the leaves until it becomes part of {@code load}: {@code select(f(x…)) = f(select(x)…)}
 * for every operation, since every operation is module-wise (a module kernel included, by its contract). Then only
 * the selected modules are ever read, and a sum's terms or a kernel's inputs that have none of them disappear from
 * the plan.
 */
public final class PushSelectIntoLoad implements Rule {
    @Override
    public Node rewrite(Node node) {
        if (!(node instanceof Select sel)) {
            return node;
        }
        Node pushed = sel.input().accept(new Push(sel.filter()));
        return pushed == null ? node : pushed;
    }

    /** The selection pushed one step into the node it selects from; null where it stays. */
    private record Push(ModuleFilter f) implements NodeVisitor<Node> {
        private Node select(Node n) {
            return new Select(n, f);
        }

        private boolean keepsAny(Node n) {
            return !f.apply(n.type().names()).isEmpty();
        }

        @Override
        public Node visitLoad(Load l) {
            SortedSet<String> kept = f.apply(l.type().names());
            return new Load(l.source(), Optional.of(kept));
        }

        @Override
        public Node visitSelect(Select inner) {
            // both filters at once: the names the outer one keeps of what the inner one kept
            return new Select(
                    inner.input(), ModuleFilter.names(f.apply(inner.type().names())));
        }

        @Override
        public Node visitScale(Scale s) {
            return new Scale(select(s.input()), s.factor());
        }

        @Override
        public Node visitWithBaseModel(WithBaseModel w) {
            return new WithBaseModel(select(w.input()), w.baseModel());
        }

        @Override
        public Node visitWithoutDora(WithoutDora w) {
            return new WithoutDora(select(w.input()));
        }

        @Override
        public Node visitDecompose(Decompose d) {
            return new Decompose(select(d.input()), d.vectors());
        }

        @Override
        public Node visitDecomposeSum(DecomposeSum d) {
            return null; // made by fusion, after selections were pushed down
        }

        @Override
        public Node visitTruncate(Truncate t) {
            return new Truncate(select(t.input()), t.rank(), t.split());
        }

        @Override
        public Node visitProject(Project p) {
            Node off = keepsAny(p.off()) ? select(p.off()) : p.off();
            return new Project(select(p.input()), off, p.side(), p.k());
        }

        @Override
        public Node visitSum(Sum s) {
            List<Sum.Term> terms = new ArrayList<>();
            for (Sum.Term t : s.terms()) {
                if (keepsAny(t.node())) {
                    terms.add(new Sum.Term(t.weight(), select(t.node())));
                }
            }
            return Sum.of(terms);
        }

        @Override
        public Node visitModuleMap(ModuleMap m) {
            // an input's position is an argument of the kernel: when one input has none of the selected modules it
            // cannot be selected down to nothing, and the selection stays above the kernel
            List<Node> inputs = new ArrayList<>();
            for (Node in : m.inputs()) {
                if (!keepsAny(in)) {
                    return null;
                }
                inputs.add(select(in));
            }
            return ModuleMap.of(inputs, m.kernel());
        }
    }
}
