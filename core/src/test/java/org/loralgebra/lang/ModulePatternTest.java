package org.loralgebra.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Python's {@code re.fullmatch} and PEFT's pattern-key test, in linear time. */
class ModulePatternTest {
    @Test
    void fullMatchIsPythonsFullmatch() {
        assertTrue(ModulePattern.fullMatch(".*\\.(q|v)_lin", "layer.0.q_lin"));
        assertFalse(ModulePattern.fullMatch(".*\\.(q|v)_lin", "layer.0.q_lin.x"));
        assertFalse(ModulePattern.fullMatch("q_lin", "layer.0.q_lin"));
        assertTrue(ModulePattern.fullMatch("(?P<w>q|v)_lin", "v_lin"), "Python's named groups");
    }

    @Test
    void patternKeysMatchTheWholeNameOrItsPartAfterADot() {
        ModulePattern p = ModulePattern.patternKey("attention.q_lin");
        assertTrue(p.matches("layer.0.attention.q_lin"));
        assertTrue(p.matches("attention.q_lin"));
        assertFalse(p.matches("layer.0.xattention.q_lin"));
        assertFalse(p.matches("layer.0.attention.q_lin.bias"));
        assertTrue(ModulePattern.patternKey("q|v").matches("a.v"), "an alternation stays inside the key's group");
        assertFalse(ModulePattern.patternKey("q|v").matches("a.xv"));
    }

    @Test
    void groupsOfAWholeMatch() {
        assertEquals(
                Optional.of("12"), ModulePattern.of(".*?\\.[^.]*\\.(\\d+)\\..*").group("model.layers.12.mlp.up", 1));
        assertEquals(Optional.empty(), ModulePattern.of("(\\d+)").group("x", 1));
    }

    @Test
    void backreferencesAndLookaroundAreRefusedWithTheReason() {
        ModulePattern.InvalidPattern e =
                assertThrows(ModulePattern.InvalidPattern.class, () -> ModulePattern.of("(a)\\1"));
        assertEquals("(a)\\1", e.pattern());
        assertTrue(e.getMessage().contains("backreferences"), e.getMessage());
        assertThrows(ModulePattern.InvalidPattern.class, () -> ModulePattern.of("(?=a)a"));
    }

    @Test
    void nestedStarsRunInLinearTime() {
        String name = "a".repeat(5000);
        long start = System.nanoTime();
        assertFalse(ModulePattern.fullMatch("(.*.*.*.*.*.*.*.*.*.*)*X", name));
        assertFalse(ModulePattern.fullMatch("(a|aa)*b", name));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 1.0, "took " + seconds + " s");
    }
}
