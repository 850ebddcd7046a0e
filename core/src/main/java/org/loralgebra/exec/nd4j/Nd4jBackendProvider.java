package org.loralgebra.exec.nd4j;

import org.loralgebra.exec.Backend;
import org.loralgebra.exec.BackendProvider;
import org.loralgebra.exec.BackendUnavailableException;
import org.loralgebra.exec.Backends;
import org.loralgebra.lang.Precision;
import org.nd4j.linalg.factory.Nd4j;

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

    /**
     * ND4J's native start (its 300 MB library, the classes JavaCPP binds, its executioner): a sixth to a quarter of a
     * short command's time, which the backend's self-check does not need and the first operation waits for.
     *
     * <p>ND4J finds its native backend through the thread's context class loader, and a failed start fails every
     * later use of ND4J in the process. A warm-up thread need not have the loader that holds ND4J as its context (in
     * the notebook kernel, a thread started outside a cell has the JVM's application loader, which does not): ND4J
     * starts here with the loader that loaded it.
     */
    @Override
    public void prepare() {
        Thread thread = Thread.currentThread();
        ClassLoader context = thread.getContextClassLoader();
        thread.setContextClassLoader(Nd4j.class.getClassLoader());
        try {
            Nd4j.getExecutioner();
        } finally {
            thread.setContextClassLoader(context);
        }
    }

    @Override
    public Backend create(Precision precision) {
        try {
            return new Nd4jBackend(precision);
        } catch (NoClassDefFoundError | UnsatisfiedLinkError e) {
            throw new BackendUnavailableException("the cpu backend needs ND4J (nd4j-native) and OpenBLAS on the class"
                    + " path, and they did not load: " + e + "; choose another backend (available: "
                    + Backends.providers().stream().map(BackendProvider::name).toList() + ")");
        }
    }
}
