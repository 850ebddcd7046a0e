package org.loralgebra.exec;

import java.util.List;
import org.loralgebra.lang.Precision;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * A {@link Backend} that hands every operation, the optional ones included, to another: extend it to decorate a
 * backend (count its calls, ask for batches, run some operations elsewhere, give it another name) and override only
 * what changes.
 */
public abstract class ForwardingBackend implements Backend {
    private final Backend delegate;

    /** Forwards to {@code delegate}. */
    protected ForwardingBackend(Backend delegate) {
        this.delegate = delegate;
    }

    /** The backend every operation goes to. */
    protected final Backend delegate() {
        return delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public String selfCheck() {
        return delegate.selfCheck();
    }

    @Override
    public String description() {
        return delegate.description();
    }

    @Override
    public Precision precision() {
        return delegate.precision();
    }

    @Override
    public Matrix fromTensor(Tensor tensor) {
        return delegate.fromTensor(tensor);
    }

    @Override
    public Matrix fromRowMajor(int rows, int cols, double[] values) {
        return delegate.fromRowMajor(rows, cols, values);
    }

    @Override
    public Tensor toTensor(Matrix m, DType dtype) {
        return delegate.toTensor(m, dtype);
    }

    @Override
    public double[] toRowMajor(Matrix m) {
        return delegate.toRowMajor(m);
    }

    @Override
    public Matrix zeros(int rows, int cols) {
        return delegate.zeros(rows, cols);
    }

    @Override
    public Matrix matmul(Matrix a, boolean transposeA, Matrix b, boolean transposeB) {
        return delegate.matmul(a, transposeA, b, transposeB);
    }

    @Override
    public Matrix scale(Matrix a, double factor) {
        return delegate.scale(a, factor);
    }

    @Override
    public Matrix addScaled(Matrix a, Matrix b, double factor) {
        return delegate.addScaled(a, b, factor);
    }

    @Override
    public Matrix transpose(Matrix a) {
        return delegate.transpose(a);
    }

    @Override
    public Matrix hcat(List<Matrix> parts) {
        return delegate.hcat(parts);
    }

    @Override
    public Matrix vcat(List<Matrix> parts) {
        return delegate.vcat(parts);
    }

    @Override
    public Matrix columns(Matrix a, int from, int to) {
        return delegate.columns(a, from, to);
    }

    @Override
    public Matrix rows(Matrix a, int from, int to) {
        return delegate.rows(a, from, to);
    }

    @Override
    public Matrix scaleColumns(Matrix a, double[] factors) {
        return delegate.scaleColumns(a, factors);
    }

    @Override
    public Matrix scaleRows(Matrix a, double[] factors) {
        return delegate.scaleRows(a, factors);
    }

    @Override
    public Qr qr(Matrix a) {
        return delegate.qr(a);
    }

    @Override
    public Matrix gramRoot(Matrix a) {
        return delegate.gramRoot(a);
    }

    @Override
    public Svd svd(Matrix a) {
        return delegate.svd(a);
    }

    @Override
    public List<Svd> svdBatch(List<Matrix> matrices) {
        return delegate.svdBatch(matrices);
    }

    @Override
    public List<Qr> qrBatch(List<Matrix> matrices) {
        return delegate.qrBatch(matrices);
    }

    @Override
    public boolean batchesModules() {
        return delegate.batchesModules();
    }

    @Override
    public List<Matrix> matmulBatch(List<Matrix> a, boolean transposeA, List<Matrix> b, boolean transposeB) {
        return delegate.matmulBatch(a, transposeA, b, transposeB);
    }

    @Override
    public List<Matrix> gramRootBatch(List<Matrix> matrices) {
        return delegate.gramRootBatch(matrices);
    }

    @Override
    public List<double[]> singularValuesBatch(List<Matrix> matrices) {
        return delegate.singularValuesBatch(matrices);
    }

    @Override
    public double[] singularValues(Matrix a) {
        return delegate.singularValues(a);
    }

    @Override
    public Svd topSvd(Matrix a, int k) {
        return delegate.topSvd(a, k);
    }

    @Override
    public double[] productRowMajor(Matrix b, Matrix a, double factor) {
        return delegate.productRowMajor(b, a, factor);
    }

    @Override
    public Svd topSvdOfRows(int rows, int cols, RowFill fill, int k) {
        return delegate.topSvdOfRows(rows, cols, fill, k);
    }

    @Override
    public Svd topSvdOfRows(int rows, int cols, RowFill fill, int k, SpanHint hint) {
        return delegate.topSvdOfRows(rows, cols, fill, k, hint);
    }

    @Override
    public double[][] gramOfRows(double[][] rows) {
        return delegate.gramOfRows(rows);
    }

    @Override
    public float[] transposeProduct(float[] x, int n, int kx, float[] y, int ky) {
        return delegate.transposeProduct(x, n, kx, y, ky);
    }

    @Override
    public MatrixScope openScope() {
        return delegate.openScope();
    }

    @Override
    public Matrix keep(Matrix m) {
        return delegate.keep(m);
    }

    @Override
    public void useOperationThreads(int threads) {
        delegate.useOperationThreads(threads);
    }
}
