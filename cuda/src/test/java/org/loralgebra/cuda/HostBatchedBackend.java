package org.loralgebra.cuda;

import java.util.List;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Backends;
import org.loralgebra.exec.Matrix;
import org.loralgebra.exec.MatrixScope;
import org.loralgebra.lang.Precision;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * The CPU backend with the cuda backend's batch operations ({@link BatchedSolver}) running on {@link HostBatchDevice}:
 * the GPU's batched algorithms (CholeskyQR2, Gram roots by batched Gram matrices and Jacobi, strided products) as the
 * engine drives them, without a GPU. It asks for batches, as the cuda backend does.
 */
final class HostBatchedBackend implements Backend {
    private final Backend cpu;
    private final BatchCounts counts = new BatchCounts();
    private final BatchedSolver batches;

    HostBatchedBackend(Precision precision) {
        this.cpu = Backends.create("cpu", precision);
        this.batches = new BatchedSolver(
                new HostBatchDevice(1L << 30),
                precision == Precision.F64,
                new BatchedSolver.Singles() {
                    @Override
                    public CudaMatrix matmul(CudaMatrix a, boolean ta, CudaMatrix b, boolean tb) {
                        return host(cpu.matmul(in(a), ta, in(b), tb));
                    }

                    @Override
                    public CudaMatrix gramRoot(CudaMatrix a) {
                        return host(cpu.gramRoot(in(a)));
                    }

                    @Override
                    public Qr qr(CudaMatrix a) {
                        Qr qr = cpu.qr(in(a));
                        return new Qr(host(qr.q()), host(qr.r()));
                    }

                    @Override
                    public Svd svd(CudaMatrix a) {
                        Svd s = cpu.svd(in(a));
                        return new Svd(host(s.u()), s.s(), host(s.vt()));
                    }

                    @Override
                    public List<Svd> svdOfOneShape(List<CudaMatrix> all) {
                        return all.stream().map(this::svd).toList();
                    }
                },
                counts);
    }

    /** How the batch operations ran. */
    BatchCounts counts() {
        return counts;
    }

    private CudaMatrix host(Matrix m) {
        return new CudaMatrix(m.rows(), m.cols(), cpu.toRowMajor(m));
    }

    private Matrix in(CudaMatrix m) {
        return cpu.fromRowMajor(m.rows(), m.cols(), m.v());
    }

    private List<CudaMatrix> host(List<Matrix> ms) {
        return ms.stream().map(this::host).toList();
    }

    @Override
    public boolean batchesModules() {
        return true;
    }

    @Override
    public List<Matrix> matmulBatch(List<Matrix> a, boolean transposeA, List<Matrix> b, boolean transposeB) {
        return batches.matmul(host(a), transposeA, host(b), transposeB).stream()
                .map(this::in)
                .toList();
    }

    @Override
    public List<Matrix> gramRootBatch(List<Matrix> matrices) {
        return batches.gramRoot(host(matrices)).stream().map(this::in).toList();
    }

    @Override
    public List<Qr> qrBatch(List<Matrix> matrices) {
        return batches.qr(host(matrices)).stream()
                .map(q -> new Qr(in((CudaMatrix) q.q()), in((CudaMatrix) q.r())))
                .toList();
    }

    @Override
    public List<Svd> svdBatch(List<Matrix> matrices) {
        return batches.svd(host(matrices)).stream()
                .map(s -> new Svd(in((CudaMatrix) s.u()), s.s(), in((CudaMatrix) s.vt())))
                .toList();
    }

    @Override
    public List<double[]> singularValuesBatch(List<Matrix> matrices) {
        return svdBatch(matrices).stream().map(Svd::s).toList();
    }

    @Override
    public String name() {
        return "host-batched-" + cpu.name();
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
    public MatrixScope openScope() {
        return cpu.openScope();
    }

    @Override
    public Matrix keep(Matrix m) {
        return cpu.keep(m);
    }
}
