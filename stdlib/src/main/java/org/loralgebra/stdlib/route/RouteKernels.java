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
 * The array work of routing on ND4J: gate scores, gathered per-expert products, scatter-adds, the masked and
 * dense mixtures, and the softmax-regression steps. The only class of this package that touches ND4J; the
 * others hold its {@link Array} handles and plain Java index arrays.
 *
 * <p>Why not the core's {@code Backend}: routing needs row gathers, scatter-adds and elementwise maps
 * ({@code exp}, {@code abs}, row norms) that {@code Backend} does not offer, and going through
 * {@code Backend.toRowMajor} would copy a 4096-token batch for every call.
 */
final class RouteKernels {
    private RouteKernels() {}

    // ---- scratch memory --------------------------------------------------------------------------------------

    private static final ThreadLocal<Scratch> SCRATCH = new ThreadLocal<>();

    /**
     * The arrays made on this thread while it is open, freed when it closes (except kept ones): ND4J otherwise frees
     * off-heap memory only when the garbage collector finds an array dead, and one routed batch makes several
     * [tokens, out] arrays. Views are freed with the array they view.
     */
    static final class Scratch implements AutoCloseable {
        private final Scratch parent = SCRATCH.get();
        private final Set<DataBuffer> made = Collections.newSetFromMap(new IdentityHashMap<>());

        private Scratch() {
            SCRATCH.set(this);
        }

        /** Lets {@code a} outlive this scratch; returns it. */
        Array keep(Array a) {
            made.remove(a.values.data());
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

    /** Opens a {@link Scratch} on this thread. */
    static Scratch scratch() {
        return new Scratch();
    }

    /**
     * Frees an output now (it must not be used again, nor any view of it). The last one freed on this thread is
     * kept for the next output of the same shape and type: a [4096, 11008] output is 180 MB, and a fresh
     * allocation of it page-faults every page again (about 4 µs per 4 KiB page on a virtual machine).
     */
    static void free(Array a) {
        Array previous = RECYCLED.get();
        RECYCLED.set(a);
        if (previous != null && previous != a) {
            close(previous.values);
        }
    }

    private static final ThreadLocal<Array> RECYCLED = new ThreadLocal<>();

    /** An uninitialized rows×cols array: the recycled output when it fits, else a fresh one. */
    private static INDArray output(DataType type, long rows, long cols) {
        Array r = RECYCLED.get();
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
        Scratch s = SCRATCH.get();
        if (s != null) {
            s.made.add(a.data());
        }
        return new Array(a);
    }

    /** A matrix on the device, never changed after it is made. Only this class reads its array. */
    static final class Array {
        private final INDArray values;

        private Array(INDArray values) {
            this.values = values;
        }

        int rows() {
            return values.rows();
        }

        int cols() {
            return values.columns();
        }
    }

    // ---- moving values -----------------------------------------------------------------------------------

    /** A 2-D floating tensor as a device matrix in the given precision. */
    static Array upload(Tensor t, Precision precision) {
        long[] shape = t.shape();
        if (precision == Precision.F64) {
            return fresh(Nd4j.create(t.toDoubleArray(), shape, 'c'));
        }
        return fresh(Nd4j.create(t.toFloatArray(), shape, 'c'));
    }

    /** Row-major values as a device matrix. */
    static Array upload(int rows, int cols, float[] rowMajor, Precision precision) {
        INDArray a = Nd4j.create(rowMajor, new long[] {rows, cols}, 'c');
        return fresh(precision == Precision.F64 ? a.castTo(DataType.DOUBLE) : a);
    }

    /** The matrix as a tensor of a floating dtype. */
    static Tensor download(Array m, DType dtype) {
        long[] shape = {m.rows(), m.cols()};
        INDArray c = rowMajor(m.values);
        if (dtype == DType.F64) {
            return Tensor.ofDoubles(
                    DType.F64, shape, c.castTo(DataType.DOUBLE).data().asDouble());
        }
        return Tensor.ofFloats(dtype, shape, c.castTo(DataType.FLOAT).data().asFloat());
    }

    /** Row-major values in single precision. */
    static float[] floats(Array m) {
        return rowMajor(m.values).castTo(DataType.FLOAT).data().asFloat();
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

    /** Rows stacked (the experts' A's into A_cat, their Bᵀ's into B_catᵀ). */
    static Array stackRows(List<Array> parts) {
        INDArray[] arrays = parts.stream().map(p -> p.values).toArray(INDArray[]::new);
        return fresh(Nd4j.vstack(arrays).dup('c'));
    }

    /** Rows {@code [from, to)} as a view (contiguous in row-major storage, so BLAS reads it in place). */
    static Array rowBlock(Array m, int from, int to) {
        return new Array(m.values.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()));
    }

    /** Columns {@code [from, to)} as a view. */
    static Array columnBlock(Array m, int from, int to) {
        return new Array(m.values.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to)));
    }

    /** Logits plus a bias row (a copy; the logits are left as they were), or the logits when bias is null. */
    static Array addBias(Array logits, Array bias) {
        return bias == null ? logits : fresh(logits.values.addRowVector(bias.values));
    }

    /**
     * Cosines from dot products {@code dots = X·Cᵀ} [tokens, experts]: each divided by ‖x_t‖·‖c_e‖ (a zero token
     * or prototype scores 0).
     */
    static Array cosine(Array dots, Array x, Array prototypes) {
        INDArray xn = x.values.norm2(1).reshape(x.rows(), 1);
        INDArray pn = prototypes.values.norm2(1).reshape(1, prototypes.rows());
        Transforms.max(xn, Double.MIN_NORMAL, false);
        Transforms.max(pn, Double.MIN_NORMAL, false);
        return fresh(dots.values.divColumnVector(xn).diviRowVector(pn));
    }

    /** {@code X·A_catᵀ} [tokens, Σr]: every rank's input projection {@code a_jᵀx}. */
    static Array project(Array x, Array aCat) {
        return fresh(Nd4j.gemm(x.values, aCat.values, false, true));
    }

    /** |P| elementwise (FlyLoRA's rank scores). */
    static Array abs(Array p) {
        return fresh(Transforms.abs(p.values, true));
    }

    /** factor·|P| elementwise (Arrow's scores |x·p_e| / T). */
    static Array absScaled(Array p, double factor) {
        INDArray a = Transforms.abs(p.values, true);
        return fresh(factor == 1.0 ? a : a.muli(factor));
    }

    /** Per block e, the row norms ‖P[t, offsets[e]..offsets[e+1])‖₂ [tokens, blocks]. */
    static Array blockNorms(Array p, int[] offsets) {
        int blocks = offsets.length - 1;
        INDArray out = Nd4j.zeros(p.values.dataType(), p.rows(), blocks);
        for (int e = 0; e < blocks; e++) {
            if (offsets[e + 1] == offsets[e]) {
                continue;
            }
            INDArray block = p.values.get(NDArrayIndex.all(), NDArrayIndex.interval(offsets[e], offsets[e + 1]));
            out.getColumn(e).assign(block.norm2(1));
        }
        return fresh(out);
    }

    /** Per label, the mean of its rows [labels, cols] (labels without rows get a zero row). */
    static Array labelMeans(Array x, float[] oneHotByLabel, int labels) {
        INDArray onehot =
                Nd4j.create(oneHotByLabel, new long[] {labels, x.rows()}, 'c').castTo(x.values.dataType());
        INDArray sums = Nd4j.gemm(onehot, x.values, false, false);
        INDArray counts = Transforms.max(onehot.sum(1).reshape(labels, 1), 1.0, false);
        return fresh(sums.diviColumnVector(counts));
    }

    // ---- mixtures ----------------------------------------------------------------------------------------

    /**
     * Grouped execution (S-LoRA/Punica) over the (token, expert) pairs sorted by expert: one gather of the pairs'
     * rows — of the projections {@code p = X·A_catᵀ} when given, else of X — scaled by each pair's factor (gate
     * weight × scale); then per expert, its block of those rows through its A (unless projected already), one
     * product through B_e into a scratch buffer reused by every expert, and a scatter-add of the rows into the
     * output.
     *
     * @param x      tokens [T, in]
     * @param p      X·A_catᵀ [T, Σr], or null to gather rows of x instead
     * @param a      per expert, A_e [r_e, in] (null for rank 0)
     * @param bT     per expert, B_eᵀ [r_e, out] (null for rank 0)
     * @param blocks per expert, its first column in {@code p} (length experts + 1)
     * @param groups the pairs grouped by expert, tokens ascending within an expert
     */
    static Array grouped(
            Array x, Array p, List<Array> a, List<Array> bT, int[] blocks, Selection.Groups groups, int outDim) {
        DataType type = x.values.dataType();
        INDArray y = Nd4j.zeros(type, x.rows(), outDim);
        int[] starts = groups.starts();
        int most = 0;
        for (int e = 0; e < a.size(); e++) {
            most = Math.max(most, groups.size(e));
        }
        if (most == 0) {
            return fresh(y);
        }
        INDArray rows = Nd4j.pullRows(p != null ? p.values : x.values, 1, groups.tokens());
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
                h = Nd4j.gemm(pairs, a.get(e).values, false, true);
                h.muliColumnVector(factors.get(NDArrayIndex.interval(starts[e], starts[e + 1]), NDArrayIndex.all()));
            }
            INDArray z = scratch.get(NDArrayIndex.interval(0, n), NDArrayIndex.all());
            Nd4j.gemm(h, bT.get(e).values, z, false, false, 1.0, 0.0);
            scatterAdd(y, groups.tokensOf(e), z);
        }
        return fresh(y);
    }

    /**
     * Masked execution: {@code Y = (P ⊙ M)·B_catᵀ}, where M [T, Σr] holds each selected rank's factor (gate
     * weight × scale) and zero elsewhere. One pair of products over all experts.
     */
    static Array masked(Array p, float[] mask, Array bCatT) {
        INDArray m = Nd4j.createUninitialized(DataType.FLOAT, new long[] {p.rows(), p.cols()}, 'c');
        m.data().asNio().asFloatBuffer().put(mask); // one bulk copy (Nd4j.create copies element by element)
        INDArray masked = p.values.dataType() == DataType.FLOAT ? m : m.castTo(p.values.dataType());
        masked.muli(p.values);
        INDArray y = Nd4j.gemm(
                masked,
                bCatT.values,
                output(masked.dataType(), masked.rows(), bCatT.values.columns()),
                false,
                false,
                1.0,
                0.0);
        m.close();
        if (masked != m) {
            masked.close();
        }
        return fresh(y);
    }

    /**
     * Dense execution, for checks: every expert's update materialized, {@code ΔW_e = B_e·A_e} [out, in], and
     * {@code Y = Σ_e diag(g_e)·X·ΔW_eᵀ} with g_e [T] each token's factor for e (zero when not selected).
     */
    static Array dense(Array x, List<Array> a, List<Array> bT, float[][] factorsByExpert, int outDim) {
        INDArray y = Nd4j.zeros(x.values.dataType(), x.rows(), outDim);
        for (int e = 0; e < a.size(); e++) {
            if (a.get(e) == null) {
                continue;
            }
            INDArray deltaT = Nd4j.gemm(a.get(e).values, bT.get(e).values, true, false); // ΔW_eᵀ [in, out]
            INDArray ye = Nd4j.gemm(x.values, deltaT, false, false);
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

    /** Column means [1, cols]. */
    static Array columnMeans(Array x) {
        return fresh(x.values.mean(0).reshape(1, x.cols()));
    }

    /** (X − 1·μ)·factor. */
    static Array centerAndScale(Array x, Array mean, double factor) {
        return fresh(x.values.subRowVector(mean.values).muli(factor));
    }

    /** The mean squared entry of a matrix. */
    static double meanSquare(Array x) {
        double norm = x.values.norm2Number().doubleValue();
        return norm * norm / x.values.length();
    }

    /** (XᵀX/n)·v for a vector v [cols]: one step of the power iteration on the Gram matrix. */
    static double[] gramTimes(Array x, double[] v) {
        INDArray vv = Nd4j.create(v, new long[] {v.length, 1}, 'c').castTo(x.values.dataType());
        INDArray xv = Nd4j.gemm(x.values, vv, false, false);
        INDArray g = Nd4j.gemm(x.values, xv, true, false).divi(x.rows());
        return g.castTo(DataType.DOUBLE).data().asDouble();
    }

    /**
     * One gradient evaluation of the mean cross-entropy of {@code softmax(X·Wᵀ + b)} against one-hot labels Y:
     * returns {@code [loss, correct]} and fills {@code gradW = (P − Y)ᵀX/n} and {@code gradB = mean(P − Y)}.
     */
    static double[] softmaxGradient(
            Array x, Array onehot, double[] w, double[] b, int classes, double[] gradW, double[] gradB) {
        int n = x.rows();
        int d = x.cols();
        DataType type = x.values.dataType();
        INDArray wm = Nd4j.create(w, new long[] {classes, d}, 'c').castTo(type);
        INDArray bm = Nd4j.create(b, new long[] {1, classes}, 'c').castTo(type);
        INDArray logits = Nd4j.gemm(x.values, wm, false, true).addiRowVector(bm);
        INDArray argmax = logits.argMax(1);
        INDArray labels = onehot.values.argMax(1);
        double correct = argmax.eq(labels).castTo(DataType.DOUBLE).sumNumber().doubleValue();
        INDArray shifted = logits.subiColumnVector(logits.max(1).reshape(n, 1));
        INDArray expd = Transforms.exp(shifted, true);
        INDArray sums = expd.sum(1).reshape(n, 1);
        // loss = mean(log Σ exp(shifted) − shifted[label])
        double logSum = Transforms.log(sums, true).sumNumber().doubleValue();
        double picked = shifted.mul(onehot.values).sumNumber().doubleValue();
        INDArray probs = expd.diviColumnVector(sums);
        INDArray diff = probs.subi(onehot.values);
        INDArray gw = Nd4j.gemm(diff, x.values, true, false).divi(n);
        System.arraycopy(gw.castTo(DataType.DOUBLE).dup('c').data().asDouble(), 0, gradW, 0, classes * d);
        System.arraycopy(diff.mean(0).castTo(DataType.DOUBLE).data().asDouble(), 0, gradB, 0, classes);
        return new double[] {(logSum - picked) / n, correct};
    }

    /** A one-hot label matrix [n, classes]. */
    static Array oneHot(int[] labels, int classes, Precision precision) {
        float[] v = new float[labels.length * classes];
        for (int i = 0; i < labels.length; i++) {
            v[i * classes + labels[i]] = 1f;
        }
        return upload(labels.length, classes, v, precision);
    }
}
