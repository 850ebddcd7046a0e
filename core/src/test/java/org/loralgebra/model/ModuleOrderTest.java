package org.loralgebra.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Module names sort with digit runs as numbers, and the order is a total order consistent with equals. */
class ModuleOrderTest {
    private static final ModuleOrder ORDER = ModuleOrder.INSTANCE;

    @Test
    void numbersCompareByValue() {
        List<String> names = new ArrayList<>(List.of("h.10.attn", "h.2.mlp", "h.2.attn", "h.1.attn", "h.1", "g.100"));
        names.sort(ORDER);
        assertEquals(List.of("g.100", "h.1", "h.1.attn", "h.2.attn", "h.2.mlp", "h.10.attn"), names);
    }

    @Test
    void isATotalOrderConsistentWithEquals() {
        Random rnd = new Random(4);
        String alphabet = "ab.0129";
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            StringBuilder sb = new StringBuilder();
            for (int j = rnd.nextInt(8); j >= 0; j--) {
                sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            names.add(sb.toString());
        }
        names.add("x01");
        names.add("x1");
        for (String a : names) {
            for (String b : names) {
                int ab = ORDER.compare(a, b);
                assertEquals(Integer.signum(ab), -Integer.signum(ORDER.compare(b, a)), a + " vs " + b);
                assertEquals(a.equals(b), ab == 0, a + " vs " + b);
            }
        }
        names.sort(ORDER);
        for (int i = 0; i < names.size(); i++) {
            for (int j = i + 1; j < names.size(); j++) {
                assertTrue(
                        ORDER.compare(names.get(i), names.get(j)) <= 0,
                        "sorted order is transitive: " + names.get(i) + " before " + names.get(j));
            }
        }
    }
}
