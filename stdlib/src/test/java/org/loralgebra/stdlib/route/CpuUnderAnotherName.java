package org.loralgebra.stdlib.route;

import org.loralgebra.exec.Backend;
import org.loralgebra.exec.BackendProvider;
import org.loralgebra.exec.ForwardingBackend;
import org.loralgebra.exec.nd4j.Nd4jBackend;
import org.loralgebra.lang.Precision;

/**
 * A {@link Backend} named {@code forwarding} whose every operation is the CPU backend's: routing on it takes the
 * backend path ({@link BackendRouteArrays}, chosen by name) with ND4J's products, so the two paths can be compared on
 * the same arithmetic. Registered for the stdlib's tests only ({@code META-INF/services} under test resources).
 */
final class CpuUnderAnotherName extends ForwardingBackend {
    CpuUnderAnotherName(Precision precision) {
        super(new Nd4jBackend(precision));
    }

    /** Its provider: {@code LORA_BACKEND=forwarding} or {@code withBackend("forwarding")} chooses it. */
    public static final class Provider implements BackendProvider {
        @Override
        public String name() {
            return "forwarding";
        }

        @Override
        public String description() {
            return "the CPU backend's operations under another name, for the stdlib's tests";
        }

        @Override
        public Backend create(Precision precision) {
            return new CpuUnderAnotherName(precision);
        }
    }

    @Override
    public String name() {
        return "forwarding";
    }
}
