package org.loralgebra.exec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.loralgebra.exec.nd4j.Nd4jBackend;
import org.loralgebra.lang.Precision;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * The CPU backend, asking the engine for batches of modules ({@link #batchesModules()}) and recording each batch
 * call (its operation and size); the batch operations are {@link Backend}'s defaults, which loop the CPU backend's
 * single ones.
 */
final class BatchingBackend implements Backend {
    /** One batch call: the operation's name and the number of matrices (or pairs) it was given. */
    record Call(String op, int size) {}

    private final Backend cpu;
    private final boolean batches;
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());

    BatchingBackend(Precision precision, boolean batches) {
        this.cpu = new Nd4jBackend(precision);
        this.batches = batches;
    }

    /** The batch calls made so far, in order. */
    List<Call> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    /** The sizes of the batch calls of one operation, in order. */
    List<Integer> sizes(String op) {
        return calls().stream().filter(c -> c.op().equals(op)).map(Call::size).toList();
    }

    @Override
    public boolean batchesModules() {
        return batches;
    }

    @Override
    public List<Svd> svdBatch(List<Matrix> matrices) {
        calls.add(new Call("svd", matrices.size()));
        return Backend.super.svdBatch(matrices);
    }

    @Override
    public List<Qr> qrBatch(List<Matrix> matrices) {
        calls.add(new Call("qr", matrices.size()));
        return Backend.super.qrBatch(matrices);
    }

    @Override
    public List<Matrix> matmulBatch(List<Matrix> a, boolean transposeA, List<Matrix> b, boolean transposeB) {
        calls.add(new Call("matmul", a.size()));
        return Backend.super.matmulBatch(a, transposeA, b, transposeB);
    }

    @Override
    public List<Matrix> gramRootBatch(List<Matrix> matrices) {
        calls.add(new Call("gramRoot", matrices.size()));
        return Backend.super.gramRootBatch(matrices);
    }

    @Override
    public List<double[]> singularValuesBatch(List<Matrix> matrices) {
        calls.add(new Call("singularValues", matrices.size()));
        return Backend.super.singularValuesBatch(matrices);
    }

    @Override
    public String name() {
        return "batching-" + cpu.name();
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

    @Override
    public Svd topSvd(Matrix a, int k) {
        return cpu.topSvd(a, k);
    }

    @Override
    public double[] productRowMajor(Matrix b, Matrix a, double factor) {
        return cpu.productRowMajor(b, a, factor);
    }

    @Override
    public Svd topSvdOfRows(int rows, int cols, RowFill fill, int k) {
        return cpu.topSvdOfRows(rows, cols, fill, k);
    }

    @Override
    public double[][] gramOfRows(double[][] rows) {
        return cpu.gramOfRows(rows);
    }

    @Override
    public float[] transposeProduct(float[] x, int n, int kx, float[] y, int ky) {
        return cpu.transposeProduct(x, n, kx, y, ky);
    }

    @Override
    public MatrixScope openScope() {
        return cpu.openScope();
    }

    @Override
    public Matrix keep(Matrix m) {
        return cpu.keep(m);
    }

    @Override
    public void useOperationThreads(int threads) {
        cpu.useOperationThreads(threads);
    }
}
