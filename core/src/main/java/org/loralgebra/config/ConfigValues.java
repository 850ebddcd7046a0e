package org.loralgebra.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.lang.ModulePattern;

/**
 * Checks of single config values, read exactly: a rank is a JSON integer from 1 to 2³¹−1 (never a wrapped or
 * truncated reading, so {@code 4294967304} is refused, not read as 8), an alpha a finite number (NaN and
 * ±Infinity, which Python's {@code json} writes, are refused), a pattern one RE2 compiles. Each refusal names
 * the config file, the key, the value found and what was expected.
 */
final class ConfigValues {
    private final Path source;

    ConfigValues(Path source) {
        this.source = source;
    }

    /** {@code value} (absent or null: PEFT's default) must be an integer rank in 1..2³¹−1. */
    void rank(String where, JsonNode value) {
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 1) {
            throw new AdapterFormatException(
                    source,
                    "adapter config " + where + ": expected a rank, a positive integer (1 to " + Integer.MAX_VALUE
                            + "), found " + value);
        }
    }

    /** {@code value} (absent or null: PEFT's default) must be a finite number. */
    void alpha(String where, JsonNode value) {
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
            throw new AdapterFormatException(
                    source,
                    "adapter config " + where + ": expected a finite number (lora_alpha, "
                            + "the scale's numerator), found " + value);
        }
    }

    /**
     * {@code value} (absent or null: false, as PEFT reads None) must be {@code true} or {@code false}. PEFT tests such
     * a key by Python truthiness, so {@code "false"} would switch it on there; a value that is not a JSON boolean is
     * refused rather than read one way or the other.
     */
    void flag(String where, JsonNode value) {
        if (value != null && !value.isNull() && !value.isBoolean()) {
            throw new AdapterFormatException(
                    source, "adapter config " + where + ": expected true or false, found " + abbreviated(value));
        }
    }

    /** {@code value} (absent or null: none) must be a list of strings, or one string where {@code oneString}. */
    void strings(String where, JsonNode value, String expected, boolean oneString) {
        oneOrList(where, value, oneString ? JsonNode::isTextual : v -> false, JsonNode::isTextual, expected);
    }

    /** {@code value} (absent or null: every layer) must be a layer index or a list of them. */
    void layers(String where, JsonNode value) {
        oneOrList(
                where,
                value,
                JsonNode::isIntegralNumber,
                JsonNode::isIntegralNumber,
                "a layer index or a list of layer indices");
    }

    /** {@code value} is absent, null, a single value {@code one} accepts, or a list of values {@code entry} accepts. */
    private void oneOrList(
            String where, JsonNode value, Predicate<JsonNode> one, Predicate<JsonNode> entry, String expected) {
        if (value == null || value.isNull() || one.test(value)) {
            return;
        }
        boolean list = value.isArray();
        if (list) {
            for (JsonNode e : value) {
                list &= entry.test(e);
            }
        }
        if (!list) {
            throw new AdapterFormatException(
                    source, "adapter config " + where + ": expected " + expected + ", found " + abbreviated(value));
        }
    }

    /** {@code value} as JSON, shortened to 120 characters. */
    static String abbreviated(JsonNode value) {
        String text = value.toString();
        return text.length() <= 120 ? text : text.substring(0, 117) + "...";
    }

    /** {@code compile} must succeed: the key's regex is one RE2 can match. */
    void pattern(String where, Supplier<ModulePattern> compile) {
        try {
            compile.get();
        } catch (ModulePattern.InvalidPattern e) {
            throw new AdapterFormatException(source, "adapter config " + where + ": " + e.getMessage());
        }
    }
}
