package org.loralgebra.kernel.reference;

import org.loralgebra.exec.Backend;
import org.loralgebra.exec.BackendProvider;
import org.loralgebra.lang.Precision;

/** The {@code reference} backend: {@link ReferenceBackend}, plain Java in double precision. */
public final class ReferenceBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "reference";
    }

    @Override
    public String description() {
        return "plain Java in double precision, for tests";
    }

    @Override
    public Backend create(Precision precision) {
        return new ReferenceBackend(precision);
    }
}
