package org.loralgebra.stdlib.route;

import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Collectors;
import org.loralgebra.Adapter;

/** Helps users who mistype a module name. */
final class Modules {
    private Modules() {}

    /** "; did you mean …" with up to three modules sharing the most trailing characters, or the first ones. */
    static String suggest(Adapter adapter, String module) {
        String wanted = module.toLowerCase(Locale.ROOT);
        String names = adapter.modules().stream()
                .sorted(Comparator.comparingInt((String n) -> -commonSuffix(n.toLowerCase(Locale.ROOT), wanted))
                        .thenComparing(Comparator.naturalOrder()))
                .limit(3)
                .collect(Collectors.joining(", "));
        return names.isEmpty()
                ? "; it has no modules"
                : "; modules include " + names + " (" + adapter.modules().size() + " in all)";
    }

    private static int commonSuffix(String a, String b) {
        int n = 0;
        while (n < a.length() && n < b.length() && a.charAt(a.length() - 1 - n) == b.charAt(b.length() - 1 - n)) {
            n++;
        }
        return n;
    }
}
