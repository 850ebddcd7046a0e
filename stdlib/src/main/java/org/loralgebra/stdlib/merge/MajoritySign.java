package org.loralgebra.stdlib.merge;

import java.util.Locale;
import org.loralgebra.lang.LoraException;

/**
 * How TIES elects the sign of each entry (Yadav et al. 2023, "TIES-Merging"), PEFT's {@code majority_sign_method}:
 * {@link #TOTAL} takes the sign of the sum of the task tensors, {@link #FREQUENCY} the sign of the sum of their
 * signs (the more frequent sign). A zero sum elects +. mergekit calls these {@code sum} and {@code count}.
 */
public enum MajoritySign {
    TOTAL("total"),
    FREQUENCY("frequency");

    private final String peftName;

    MajoritySign(String peftName) {
        this.peftName = peftName;
    }

    /** The name PEFT uses: {@code total} or {@code frequency}. */
    public String peftName() {
        return peftName;
    }

    /** Parses {@code total} / {@code frequency} (or mergekit's {@code sum} / {@code count}), any case. */
    public static MajoritySign parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "total", "sum" -> TOTAL;
            case "frequency", "count" -> FREQUENCY;
            default ->
                throw new LoraException("majority sign method must be 'total' or 'frequency', got '" + name + "'");
        };
    }
}
