package org.loralgebra.graph;

import java.util.List;

/** Helpers shared by node implementations. */
final class Nodes {
    private Nodes() {}

    static boolean sameChildren(List<Node> a, List<Node> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    /** A number as people write it: {@code 0.5}, {@code 2}, {@code -1}. */
    static String number(double x) {
        if (x == Math.rint(x) && Math.abs(x) < 1e15) {
            return String.valueOf((long) x);
        }
        return String.valueOf(x);
    }

    static String parenthesize(Node n) {
        return n instanceof Sum ? "(" + n.label() + ")" : n.label();
    }
}
