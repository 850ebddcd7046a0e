package org.loralgebra.plan.rules;

import org.loralgebra.graph.Node;

/**
 * One rewrite of the planner. {@link #rewrite} looks at one node (whose inputs are already rewritten) and
 * returns an equivalent node, or the same instance when it does not apply. Equivalent means: the same update
 * for every module, the same module set and shapes; ranks may only shrink.
 */
public interface Rule {
    /** The rule's name, as plans print it. */
    default String name() {
        return getClass().getSimpleName();
    }

    /** An equivalent node, or {@code node} itself. */
    Node rewrite(Node node);
}
