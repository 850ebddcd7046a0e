package org.loralgebra.exec;

import org.loralgebra.lang.Precision;

/**
 * Makes the {@link Backend}s of one kind. Providers are found on the class path with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/org.loralgebra.exec.BackendProvider}), so that a backend is a plug-in: the engine names
 * none, and a bundle without a backend's native libraries simply lacks that provider.
 */
public interface BackendProvider {
    /** The name users choose it by ({@code cpu}, {@code cuda}), lower case. */
    String name();

    /** What it runs on, for messages and reports ({@code "ND4J on the CPU, OpenBLAS"}). */
    String description();

    /**
     * Starts what {@link #create} will need and takes long to start (native libraries), without checking or
     * computing anything, so that a caller can overlap it with other work; {@link #create} starts it anyway. The
     * default starts nothing.
     */
    default void prepare() {}

    /**
     * A backend computing in {@code precision}.
     *
     * @throws BackendUnavailableException when it cannot run on this machine (no device, no driver), saying what
     *                                     was looked for and where
     * @throws BackendCheckException       when its numerical library fails its self-check here
     */
    Backend create(Precision precision);
}
