package org.loralgebra.stdlib.route;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.loralgebra.lang.Precision;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link RouteArrays} on ND4J directly, used when the run's backend is ND4J's: the only class of this package that
 * touches ND4J, loaded only then (the GPU bundle carries no ND4J).
 *
 * <p>Why ND4J directly rather than through the core's {@code Backend} on the CPU: row gathers, scatter-adds and
 * elementwise maps ({@code exp}, {@code abs}, row norms) run on the arrays in place, and no 4096-token batch is
 * copied through {@code Backend.toRowMajor} for every call ({@link BackendRouteArrays} does that, for other
 * backends).
 */
final class Nd4jRouteArrays implements RouteArrays {
    /** The one instance (its state is per thread). */
    static final Nd4jRouteArrays INSTANCE = new Nd4jRouteArrays();

    private Nd4jRouteArrays() {}

    @Override
    public String describe() {
        return "nd4j";
    }

    // ---- scratch memory --------------------------------------------------------------------------------------

    private static final ThreadLocal<Nd4jScratch> SCRATCH = new ThreadLocal<>();

    /**
     * The arrays made on this thread while it is open, freed when it closes (except kept ones): ND4J otherwise frees
     * off-heap memory only when the garbage collector finds an array dead, and one routed batch makes several
     * [tokens, out] arrays. Views are freed with the array they view.
     */
    private static final class Nd4jScratch implements RouteArrays.Scratch {
        private final Nd4jScratch parent = SCRATCH.get();
        private final Set<DataBuffer> made = Collections.newSetFromMap(new IdentityHashMap<>());

        private Nd4jScratch() {
            SCRATCH.set(this);
        }

        @Override
        public Array keep(Array a) {
            made.remove(v(a).data());
            return a;
        }

        @Override
        public void close() {
            SCRATCH.set(parent);
            for (DataBuffer b : made) {
                if (!b.wasClosed() && b.closeable()) {
                    b.close();
                }
            }
            made.clear();
        }
    }

    @Override
    public Scratch scratch() {
        return new Nd4jScratch();
    }

    /**
     * Frees an output now (it must not be used again, nor any view of it). The last one freed on this thread is
     * kept for the next output of the same shape and type: a [4096, 11008] output is 180 MB, and a fresh
     * allocation of it page-faults every page again (about 4 µs per 4 KiB page on a virtual machine).
     */
    @Override
    public void free(Array a) {
        Nd4jArray previous = RECYCLED.get();
        Nd4jArray freed = (Nd4jArray) a;
        RECYCLED.set(freed);
        if (previous != null && previous != freed) {
            close(previous.values);
        }
    }

    private static final ThreadLocal<Nd4jArray> RECYCLED = new ThreadLocal<>();

    /** An uninitialized rows×cols array: the recycled output when it fits, else a fresh one. */
    private static INDArray output(DataType type, long rows, long cols) {
        Nd4jArray r = RECYCLED.get();
        if (r != null
                && r.values.dataType() == type
                && r.values.rows() == rows
                && r.values.columns() == cols
                && r.values.ordering() == 'f'
                && !r.values.data().wasClosed()) {
            RECYCLED.remove();
            return r.values;
        }
        return Nd4j.createUninitialized(type, new long[] {rows, cols}, 'f');
    }

    private static void close(INDArray a) {
        DataBuffer b = a.data();
        if (!b.wasClosed() && b.closeable()) {
            b.close();
        }
    }

    /** A freshly allocated array (never a view), recorded in this thread's open scratch if any. */
    private static Array fresh(INDArray a) {
        Nd4jScratch s = SCRATCH.get();
        if (s != null) {
            s.made.add(a.data());
        }
        return new Nd4jArray(a);
    }

    /** An ND4J array, never changed after it is made. Only this class reads it. */
    private static final class Nd4jArray implements Array {
        private final INDArray values;

        private Nd4jArray(INDArray values) {
            this.values = values;
        }

        @Override
        public int rows() {
            return values.rows();
        }

        @Override
        public int cols() {
            return values.columns();
        }
    }

    /** The ND4J array of one of this class's arrays. */
    private static INDArray v(Array a) {
        return ((Nd4jArray) a).values;
    }

    // ---- moving values -----------------------------------------------------------------------------------

    @Override
    public Array upload(Tensor t, Precision precision) {
        long[] shape = t.shape();
        if (precision == Precision.F64) {
            return fresh(Nd4j.create(t.toDoubleArray(), shape, 'c'));
        }
        return fresh(Nd4j.create(t.toFloatArray(), shape, 'c'));
    }

    @Override
    public Array upload(int rows, int cols, float[] rowMajor, Precision precision) {
        INDArray a = Nd4j.create(rowMajor, new long[] {rows, cols}, 'c');
        return fresh(precision == Precision.F64 ? a.castTo(DataType.DOUBLE) : a);
    }

    @Override
    public Tensor download(Array m, DType dtype) {
        long[] shape = {m.rows(), m.cols()};
        INDArray c = rowMajor(v(m));
        if (dtype == DType.F64) {
            return Tensor.ofDoubles(
                    DType.F64, shape, c.castTo(DataType.DOUBLE).data().asDouble());
        }
        return Tensor.ofFloats(dtype, shape, c.castTo(DataType.FLOAT).data().asFloat());
    }

    @Override
    public float[] floats(Array m) {
        return rowMajor(v(m)).castTo(DataType.FLOAT).data().asFloat();
    }

    /** The array itself when it is a dense row-major matrix covering its whole buffer, else a row-major copy. */
    private static INDArray rowMajor(INDArray a) {
        long[] st = a.stride();
        boolean dense = a.ordering() == 'c'
                && (st[1] == 1 || a.columns() == 1)
                && (st[0] == a.columns() || a.rows() == 1)
                && a.offset() == 0
                && a.data().length() == a.length();
        return dense ? a : a.dup('c');
    }

    @Override
    public Array stackRows(List<Array> parts) {
        INDArray[] arrays = parts.stream().map(Nd4jRouteArrays::v).toArray(INDArray[]::new);
        return fresh(Nd4j.vstack(arrays).dup('c'));
    }

    @Override
    public Array rowBlock(Array m, int from, int to) {
        return new Nd4jArray(v(m).get(NDArrayIndex.interval(from, to), NDArrayIndex.all()));
    }

    @Override
    public Array columnBlock(Array m, int from, int to) {
        return new Nd4jArray(v(m).get(NDArrayIndex.all(), NDArrayIndex.interval(from, to)));
    }

    @Override
    public Array addBias(Array logits, Array bias) {
        return bias == null ? logits : fresh(v(logits).addRowVector(v(bias)));
    }

    @Override
    public Array cosine(Array dots, Array x, Array prototypes) {
        INDArray xn = v(x).norm2(1).reshape(x.rows(), 1);
        INDArray pn = v(prototypes).norm2(1).reshape(1, prototypes.rows());
        Transforms.max(xn, Double.MIN_NORMAL, false);
        Transforms.max(pn, Double.MIN_NORMAL, false);
        return fresh(v(dots).divColumnVector(xn).diviRowVector(pn));
    }

    @Override
    public Array project(Array x, Array aCat) {
        return fresh(Nd4j.gemm(v(x), v(aCat), false, true));
    }

    @Override
    public Array abs(Array p) {
        return fresh(Transforms.abs(v(p), true));
    }

    @Override
    public Array absScaled(Array p, double factor) {
        INDArray a = Transforms.abs(v(p), true);
        return fresh(factor == 1.0 ? a : a.muli(factor));
    }

    @Override
    public Array blockNorms(Array p, int[] offsets) {
        int blocks = offsets.length - 1;
        INDArray out = Nd4j.zeros(v(p).dataType(), p.rows(), blocks);
        for (int e = 0; e < blocks; e++) {
            if (offsets[e + 1] == offsets[e]) {
                continue;
            }
            INDArray block = v(p).get(NDArrayIndex.all(), NDArrayIndex.interval(offsets[e], offsets[e + 1]));
            out.getColumn(e).assign(block.norm2(1));
        }
        return fresh(out);
    }

    @Override
    public Array labelMeans(Array x, float[] oneHotByLabel, int labels) {
        INDArray onehot =
                Nd4j.create(oneHotByLabel, new long[] {labels, x.rows()}, 'c').castTo(v(x).dataType());
        INDArray sums = Nd4j.gemm(onehot, v(x), false, false);
        INDArray counts = Transforms.max(onehot.sum(1).reshape(labels, 1), 1.0, false);
        return fresh(sums.diviColumnVector(counts));
    }

    // ---- mixtures ----------------------------------------------------------------------------------------

    @Override
    public Array grouped(
            Array x, Array p, List<Array> a, List<Array> bT, int[] blocks, Selection.Groups groups, int outDim) {
        DataType type = v(x).dataType();
        INDArray y = Nd4j.zeros(type, x.rows(), outDim);
        int[] starts = groups.starts();
        int most = 0;
        for (int e = 0; e < a.size(); e++) {
            most = Math.max(most, groups.size(e));
        }
        if (most == 0) {
            return fresh(y);
        }
        INDArray rows = Nd4j.pullRows(p != null ? v(p) : v(x), 1, groups.tokens());
        INDArray factors = column(groups.factors(), type);
        if (p != null) {
            rows.muliColumnVector(factors);
        }
        INDArray scratch = Nd4j.createUninitialized(type, most, outDim);
        for (int e = 0; e < a.size(); e++) {
            int n = groups.size(e);
            if (n == 0 || a.get(e) == null) {
                continue;
            }
            INDArray pairs = rows.get(NDArrayIndex.interval(starts[e], starts[e + 1]), NDArrayIndex.all());
            INDArray h;
            if (p != null) {
                h = pairs.get(NDArrayIndex.all(), NDArrayIndex.interval(blocks[e], blocks[e + 1]));
            } else {
                h = Nd4j.gemm(pairs, v(a.get(e)), false, true);
                h.muliColumnVector(factors.get(NDArrayIndex.interval(starts[e], starts[e + 1]), NDArrayIndex.all()));
            }
            INDArray z = scratch.get(NDArrayIndex.interval(0, n), NDArrayIndex.all());
            Nd4j.gemm(h, v(bT.get(e)), z, false, false, 1.0, 0.0);
            scatterAdd(y, groups.tokensOf(e), z);
        }
        return fresh(y);
    }

    @Override
    public Array masked(Array p, float[] mask, Array bCatT) {
        INDArray m = Nd4j.createUninitialized(DataType.FLOAT, new long[] {p.rows(), p.cols()}, 'c');
        m.data().asNio().asFloatBuffer().put(mask); // one bulk copy (Nd4j.create copies element by element)
        INDArray masked = v(p).dataType() == DataType.FLOAT ? m : m.castTo(v(p).dataType());
        masked.muli(v(p));
        INDArray y = Nd4j.gemm(
                masked, v(bCatT), output(masked.dataType(), masked.rows(), v(bCatT).columns()), false, false, 1.0, 0.0);
        m.close();
        if (masked != m) {
            masked.close();
        }
        return fresh(y);
    }

    @Override
    public Array dense(Array x, List<Array> a, List<Array> bT, float[][] factorsByExpert, int outDim) {
        INDArray y = Nd4j.zeros(v(x).dataType(), x.rows(), outDim);
        for (int e = 0; e < a.size(); e++) {
            if (a.get(e) == null) {
                continue;
            }
            INDArray deltaT = Nd4j.gemm(v(a.get(e)), v(bT.get(e)), true, false); // ΔW_eᵀ [in, out]
            INDArray ye = Nd4j.gemm(v(x), deltaT, false, false);
            ye.muliColumnVector(column(factorsByExpert[e], ye.dataType()));
            y.addi(ye);
        }
        return fresh(y);
    }

    private static INDArray column(float[] values, DataType type) {
        INDArray c = Nd4j.create(values, new long[] {values.length, 1}, 'c');
        return c.dataType() == type ? c : c.castTo(type);
    }

    /** {@code y[rows[i]] += z[i]} in place; {@code rows} has no repeats. */
    private static void scatterAdd(INDArray y, int[] rows, INDArray z) {
        Nd4j.exec(DynamicCustomOp.builder("scatter_add")
                .addInputs(y, Nd4j.createFromArray(rows), z)
                .addOutputs(y)
                .build());
    }

    // ---- softmax regression ------------------------------------------------------------------------------

    @Override
    public Array columnMeans(Array x) {
        return fresh(v(x).mean(0).reshape(1, x.cols()));
    }

    @Override
    public Array centerAndScale(Array x, Array mean, double factor) {
        return fresh(v(x).subRowVector(v(mean)).muli(factor));
    }

    @Override
    public double meanSquare(Array x) {
        double norm = v(x).norm2Number().doubleValue();
        return norm * norm / v(x).length();
    }

    @Override
    public double[] gramTimes(Array x, double[] v) {
        INDArray vv = Nd4j.create(v, new long[] {v.length, 1}, 'c').castTo(v(x).dataType());
        INDArray xv = Nd4j.gemm(v(x), vv, false, false);
        INDArray g = Nd4j.gemm(v(x), xv, true, false).divi(x.rows());
        return g.castTo(DataType.DOUBLE).data().asDouble();
    }

    @Override
    public double[] softmaxGradient(
            Array x, Array onehot, double[] w, double[] b, int classes, double[] gradW, double[] gradB) {
        int n = x.rows();
        int d = x.cols();
        DataType type = v(x).dataType();
        INDArray wm = Nd4j.create(w, new long[] {classes, d}, 'c').castTo(type);
        INDArray bm = Nd4j.create(b, new long[] {1, classes}, 'c').castTo(type);
        INDArray logits = Nd4j.gemm(v(x), wm, false, true).addiRowVector(bm);
        INDArray argmax = logits.argMax(1);
        INDArray labels = v(onehot).argMax(1);
        double correct = argmax.eq(labels).castTo(DataType.DOUBLE).sumNumber().doubleValue();
        INDArray shifted = logits.subiColumnVector(logits.max(1).reshape(n, 1));
        INDArray expd = Transforms.exp(shifted, true);
        INDArray sums = expd.sum(1).reshape(n, 1);
        // loss = mean(log Σ exp(shifted) − shifted[label])
        double logSum = Transforms.log(sums, true).sumNumber().doubleValue();
        double picked = shifted.mul(v(onehot)).sumNumber().doubleValue();
        INDArray probs = expd.diviColumnVector(sums);
        INDArray diff = probs.subi(v(onehot));
        INDArray gw = Nd4j.gemm(diff, v(x), true, false).divi(n);
        System.arraycopy(gw.castTo(DataType.DOUBLE).dup('c').data().asDouble(), 0, gradW, 0, classes * d);
        System.arraycopy(diff.mean(0).castTo(DataType.DOUBLE).data().asDouble(), 0, gradB, 0, classes);
        return new double[] {(logSum - picked) / n, correct};
    }
}
