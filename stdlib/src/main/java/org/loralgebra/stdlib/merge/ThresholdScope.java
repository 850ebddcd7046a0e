package org.loralgebra.stdlib.merge;

import java.util.Locale;
import org.loralgebra.lang.LoraException;

/**
 * Where {@link Method#KNOTS_TIES} takes its TIES threshold (keep the ⌊d·K⌋ largest |·| of each task's blocks Zₜ):
 * within each module, or over every module at once as the KnOTS reference does.
 */
public enum ThresholdScope {
    /** Per module: each module a function of its own inputs (the default). */
    MODULE,
    /** Over all modules' Zₜ together, one threshold per input (the reference's choice; a first pass over modules). */
    GLOBAL;

    /** The name users write: {@code module} or {@code global}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code module} or {@code global} (any case). */
    public static ThresholdScope parse(String name) {
        for (ThresholdScope s : values()) {
            if (s.id().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new LoraException("unknown threshold scope '" + name + "'; expected module or global");
    }
}
