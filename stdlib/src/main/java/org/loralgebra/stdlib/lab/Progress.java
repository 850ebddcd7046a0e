package org.loralgebra.stdlib.lab;

/** Hears how far a lab step has come. */
@FunctionalInterface
public interface Progress {
    /** A listener that ignores everything. */
    Progress NONE = (done, total) -> {};

    /** {@code done} of {@code total} units are finished. */
    void advanced(int done, int total);
}
