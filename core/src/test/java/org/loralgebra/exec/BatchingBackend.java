package org.loralgebra.exec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.loralgebra.exec.nd4j.Nd4jBackend;
import org.loralgebra.lang.Precision;

/**
 * The CPU backend, asking the engine for batches of modules ({@link #batchesModules()}) and recording each batch
 * call (its operation and size); the batch operations are {@link Backend}'s defaults, which loop the CPU backend's
 * single ones.
 */
final class BatchingBackend extends ForwardingBackend {
    /** One batch call: the operation's name and the number of matrices (or pairs) it was given. */
    record Call(String op, int size) {}

    private final boolean batches;
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());

    BatchingBackend(Precision precision, boolean batches) {
        super(new Nd4jBackend(precision));
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
        return super.svdBatch(matrices);
    }

    @Override
    public List<Qr> qrBatch(List<Matrix> matrices) {
        calls.add(new Call("qr", matrices.size()));
        return super.qrBatch(matrices);
    }

    @Override
    public List<Matrix> matmulBatch(List<Matrix> a, boolean transposeA, List<Matrix> b, boolean transposeB) {
        calls.add(new Call("matmul", a.size()));
        return super.matmulBatch(a, transposeA, b, transposeB);
    }

    @Override
    public List<Matrix> gramRootBatch(List<Matrix> matrices) {
        calls.add(new Call("gramRoot", matrices.size()));
        return super.gramRootBatch(matrices);
    }

    @Override
    public List<double[]> singularValuesBatch(List<Matrix> matrices) {
        calls.add(new Call("singularValues", matrices.size()));
        return super.singularValuesBatch(matrices);
    }

    @Override
    public String name() {
        return "batching-" + delegate().name();
    }
}
