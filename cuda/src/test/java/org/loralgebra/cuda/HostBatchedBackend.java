package org.loralgebra.cuda;

import java.util.List;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Backends;
import org.loralgebra.exec.ForwardingBackend;
import org.loralgebra.exec.HostMatrix;
import org.loralgebra.exec.Matrix;
import org.loralgebra.lang.Precision;

/**
 * The CPU backend with the cuda backend's batch operations ({@link BatchedSolver}) running on {@link HostBatchDevice}:
 * the GPU's batched algorithms (CholeskyQR2, Gram roots by batched Gram matrices and Jacobi, strided products) as the
 * engine drives them, without a GPU. It asks for batches, as the cuda backend does.
 */
final class HostBatchedBackend extends ForwardingBackend {
    private final BatchCounts counts = new BatchCounts();
    private final BatchedSolver batches;

    HostBatchedBackend(Precision precision) {
        super(Backends.create("cpu", precision));
        Backend cpu = delegate();
        this.batches = new BatchedSolver(
                new HostBatchDevice(1L << 30),
                precision == Precision.F64,
                new BatchedSolver.Singles() {
                    @Override
                    public HostMatrix matmul(HostMatrix a, boolean ta, HostMatrix b, boolean tb) {
                        return host(cpu.matmul(in(a), ta, in(b), tb));
                    }

                    @Override
                    public HostMatrix gramRoot(HostMatrix a) {
                        return host(cpu.gramRoot(in(a)));
                    }

                    @Override
                    public Qr qr(HostMatrix a) {
                        Qr qr = cpu.qr(in(a));
                        return new Qr(host(qr.q()), host(qr.r()));
                    }

                    @Override
                    public Svd svd(HostMatrix a) {
                        Svd s = cpu.svd(in(a));
                        return new Svd(host(s.u()), s.s(), host(s.vt()));
                    }

                    @Override
                    public List<Svd> svdOfOneShape(List<HostMatrix> all) {
                        return all.stream().map(this::svd).toList();
                    }
                },
                counts);
    }

    /** How the batch operations ran. */
    BatchCounts counts() {
        return counts;
    }

    private HostMatrix host(Matrix m) {
        return new HostMatrix(m.rows(), m.cols(), delegate().toRowMajor(m));
    }

    private Matrix in(HostMatrix m) {
        return delegate().fromRowMajor(m.rows(), m.cols(), m.v());
    }

    private List<HostMatrix> host(List<Matrix> ms) {
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
                .map(q -> new Qr(in((HostMatrix) q.q()), in((HostMatrix) q.r())))
                .toList();
    }

    @Override
    public List<Svd> svdBatch(List<Matrix> matrices) {
        return batches.svd(host(matrices)).stream()
                .map(s -> new Svd(in((HostMatrix) s.u()), s.s(), in((HostMatrix) s.vt())))
                .toList();
    }

    @Override
    public List<double[]> singularValuesBatch(List<Matrix> matrices) {
        return svdBatch(matrices).stream().map(Svd::s).toList();
    }

    @Override
    public String name() {
        return "host-batched-" + delegate().name();
    }
}
