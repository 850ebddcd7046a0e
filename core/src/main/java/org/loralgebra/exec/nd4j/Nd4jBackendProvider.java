package org.loralgebra.exec.nd4j;

import org.loralgebra.exec.Backend;
import org.loralgebra.exec.BackendProvider;
import org.loralgebra.lang.Precision;

/** The {@code cpu} backend: {@link Nd4jBackend} on ND4J's native CPU backend, BLAS and LAPACK from OpenBLAS. */
public final class Nd4jBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String description() {
        return "ND4J on the CPU, OpenBLAS";
    }

    @Override
    public Backend create(Precision precision) {
        return new Nd4jBackend(precision);
    }
}
