package org.loralgebra.stdlib.route;

import java.util.List;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.BackendProvider;
import org.loralgebra.exec.Matrix;
import org.loralgebra.exec.nd4j.Nd4jBackend;
import org.loralgebra.lang.Precision;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * A {@link Backend} named {@code forwarding} whose every operation is the CPU backend's: routing on it takes the
 * backend path ({@link BackendRouteArrays}, chosen by name) with ND4J's products, so the two paths can be compared on
 * the same arithmetic. Registered for the stdlib's tests only ({@code META-INF/services} under test resources).
 */
final class ForwardingBackend implements Backend {
    private final Nd4jBackend cpu;

    ForwardingBackend(Precision precision) {
        this.cpu = new Nd4jBackend(precision);
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
            return new ForwardingBackend(precision);
        }
    }

    @Override
    public String name() {
        return "forwarding";
    }

    @Override
    public Precision precision() {
        return cpu.precision();
    }

    @Override
    public Matrix fromTensor(Tensor tensor) {
        return cpu.fromTensor(tensor);
    }

    @Override
    public Matrix fromRowMajor(int rows, int cols, double[] values) {
        return cpu.fromRowMajor(rows, cols, values);
    }

    @Override
    public Tensor toTensor(Matrix m, DType dtype) {
        return cpu.toTensor(m, dtype);
    }

    @Override
    public double[] toRowMajor(Matrix m) {
        return cpu.toRowMajor(m);
    }

    @Override
    public Matrix zeros(int rows, int cols) {
        return cpu.zeros(rows, cols);
    }

    @Override
    public Matrix matmul(Matrix a, boolean transposeA, Matrix b, boolean transposeB) {
        return cpu.matmul(a, transposeA, b, transposeB);
    }

    @Override
    public Matrix scale(Matrix a, double factor) {
        return cpu.scale(a, factor);
    }

    @Override
    public Matrix addScaled(Matrix a, Matrix b, double factor) {
        return cpu.addScaled(a, b, factor);
    }

    @Override
    public Matrix transpose(Matrix a) {
        return cpu.transpose(a);
    }

    @Override
    public Matrix hcat(List<Matrix> parts) {
        return cpu.hcat(parts);
    }

    @Override
    public Matrix vcat(List<Matrix> parts) {
        return cpu.vcat(parts);
    }

    @Override
    public Matrix columns(Matrix a, int from, int to) {
        return cpu.columns(a, from, to);
    }

    @Override
    public Matrix rows(Matrix a, int from, int to) {
        return cpu.rows(a, from, to);
    }

    @Override
    public Matrix scaleColumns(Matrix a, double[] factors) {
        return cpu.scaleColumns(a, factors);
    }

    @Override
    public Matrix scaleRows(Matrix a, double[] factors) {
        return cpu.scaleRows(a, factors);
    }

    @Override
    public Qr qr(Matrix a) {
        return cpu.qr(a);
    }

    @Override
    public Matrix gramRoot(Matrix a) {
        return cpu.gramRoot(a);
    }

    @Override
    public Svd svd(Matrix a) {
        return cpu.svd(a);
    }

    @Override
    public double[] singularValues(Matrix a) {
        return cpu.singularValues(a);
    }
}
