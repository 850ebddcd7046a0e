package org.loralgebra.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
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

    /** {@code compile} must succeed: the key's regex is one RE2 can match. */
    void pattern(String where, Supplier<ModulePattern> compile) {
        try {
            compile.get();
        } catch (ModulePattern.InvalidPattern e) {
            throw new AdapterFormatException(source, "adapter config " + where + ": " + e.getMessage());
        }
    }
}
