package org.loralgebra.hub;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tables an analysis writes, by name ({@code OUT/NAME/part-*}), each a list of JSON lines.
 *
 * @param tables rows per table, tables in the order they are written
 */
public record HubTables(Map<String, List<String>> tables) {
    public HubTables {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        tables.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        tables = Collections.unmodifiableMap(copy);
    }

    /** One table's rows. */
    public List<String> table(String name) {
        List<String> t = tables.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no table '" + name + "' (have " + tables.keySet() + ")");
        }
        return t;
    }

    /** One table's rows, sorted: what any engine's rows are equal to, whatever order it wrote them in. */
    public List<String> sorted(String name) {
        List<String> t = new ArrayList<>(table(name));
        Collections.sort(t);
        return t;
    }
}
