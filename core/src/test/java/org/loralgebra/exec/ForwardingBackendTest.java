package org.loralgebra.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.loralgebra.exec.nd4j.Nd4jBackend;
import org.loralgebra.lang.Precision;

/**
 * Every operation of {@link Backend}, the optional ones with defaults included, is forwarded: a method added to the
 * interface later and not forwarded would silently run the default on a decorated GPU backend.
 */
class ForwardingBackendTest {
    @Test
    void everyBackendMethodIsForwarded() {
        List<String> missing = new ArrayList<>();
        for (Method m : Backend.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            try {
                ForwardingBackend.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
            } catch (NoSuchMethodException e) {
                missing.add(m.getName());
            }
        }
        assertTrue(missing.isEmpty(), "Backend methods ForwardingBackend does not forward: " + missing);
    }

    @Test
    void aDecoratorComputesWhatItsDelegateComputes() {
        Backend cpu = new Nd4jBackend(Precision.F64);
        Backend renamed = new ForwardingBackend(cpu) {
            @Override
            public String name() {
                return "renamed";
            }
        };
        assertEquals("renamed", renamed.name());
        assertEquals(cpu.precision(), renamed.precision());
        Matrix a = renamed.fromRowMajor(3, 2, new double[] {3, 0, 4, 0, 0, 2});
        double[] s = renamed.singularValues(a);
        assertEquals(5, s[0], 1e-12, "σ1 of [[3,0],[4,0],[0,2]]");
        assertEquals(2, s[1], 1e-12, "σ2 of [[3,0],[4,0],[0,2]]");
    }
}
