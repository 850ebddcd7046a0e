package org.loralgebra.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import org.loralgebra.lang.Precision;

/** The backend providers on the class path, found with {@link ServiceLoader}, and the backend of a given name. */
public final class Backends {
    private Backends() {}

    /** Every provider on the class path, in the order the class path lists them. */
    public static List<BackendProvider> providers() {
        List<BackendProvider> out = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())
                .forEach(out::add);
        return out;
    }

    /**
     * {@link BackendProvider#prepare} of the provider called {@code name}, on this thread; nothing when no provider
     * has that name ({@link #create} says so).
     */
    public static void prepare(String name) {
        named(name, providers()).ifPresent(BackendProvider::prepare);
    }

    /**
     * A backend of the provider called {@code name}, computing in {@code precision}.
     *
     * @throws BackendUnavailableException when no provider has that name (the message lists the available ones) or
     *                                     the provider cannot run here
     */
    public static Backend create(String name, Precision precision) {
        List<BackendProvider> all = providers();
        Optional<BackendProvider> provider = named(name, all);
        if (provider.isPresent()) {
            return provider.get().create(precision);
        }
        throw new BackendUnavailableException("no backend named '" + name + "' on the class path (available: "
                + (all.isEmpty()
                        ? "none"
                        : String.join(
                                ", ",
                                all.stream()
                                        .map(p -> p.name() + " (" + p.description() + ")")
                                        .toList()))
                + "); choose one with --backend NAME, " + ExecutionOptions.BACKEND_ENV
                + "=NAME or ExecutionOptions.withBackend");
    }

    /** The first of {@code providers} called {@code name}, whatever its case. */
    private static Optional<BackendProvider> named(String name, List<BackendProvider> providers) {
        return providers.stream().filter(p -> p.name().equalsIgnoreCase(name)).findFirst();
    }
}
