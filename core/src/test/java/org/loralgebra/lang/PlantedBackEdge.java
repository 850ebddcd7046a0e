package org.loralgebra.lang;

import org.loralgebra.Adapter;

/** A deliberate back edge (the bottom layer using the API at the top) that {@code LayeringTest} must report. */
public final class PlantedBackEdge {
    private PlantedBackEdge() {}

    /** Uses the top layer from the bottom one. */
    public static String label(Adapter adapter) {
        return adapter.label();
    }
}
