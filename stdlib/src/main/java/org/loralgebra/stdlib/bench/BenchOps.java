package org.loralgebra.stdlib.bench;

import java.util.ArrayList;
import java.util.List;
import org.loralgebra.lang.LoraException;

/** Every benchmarked operation, in the order the report lists them, and selection by name. */
public final class BenchOps {
    private BenchOps() {}

    /** All operations. */
    public static List<BenchOp> all() {
        return new ArrayList<>(StandardOps.all());
    }

    /** The operation of this name, including the scaling sweeps' {@code merge}. */
    public static BenchOp named(String name) {
        if (name.equals("merge")) {
            return Scaling.merge();
        }
        return select(List.of(name)).get(0);
    }

    /** The named operations (null or empty: all), in report order; an unknown name is an error listing the known. */
    public static List<BenchOp> select(List<String> names) {
        List<BenchOp> all = all();
        if (names == null || names.isEmpty()) {
            return all;
        }
        List<String> known = all.stream().map(BenchOp::name).toList();
        for (String n : names) {
            if (!known.contains(n)) {
                throw new LoraException("unknown bench operation '" + n + "'; known: " + String.join(", ", known));
            }
        }
        return all.stream().filter(op -> names.contains(op.name())).toList();
    }
}
