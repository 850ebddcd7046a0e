package org.loralgebra.stdlib.route;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Matrix;
import org.loralgebra.lang.Precision;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * {@link RouteArrays} on any {@link Backend} (the {@code cuda} backend, a plug-in without ND4J): every product over
 * the token batch — the gate's and the projections {@code X·A_catᵀ} [tokens, in]·[in, Σr], the mixtures' products
 * through B [tokens, r]·[r, out], the dense updates — goes to {@link Backend#matmul} (with {@link Backend#scaleRows}
 * and {@link Backend#addScaled} in the dense check); the light work on [tokens, experts] scores and [tokens, Σr]
 * projections (bias, cosine, |·|, block norms, masks, row gathers, scatter-adds, softmax) runs on host arrays in
 * double precision.
 *
 * <p>An array holds a backend matrix, row-major host values, or both: each is made from the other when first asked
 * for and then kept. Memory is the garbage collector's (a {@link Scratch} frees nothing). Two instances are equal when
 * they wrap the same backend, so that a batch uploaded once is reused by every route prepared on that backend.
 */
final class BackendRouteArrays implements RouteArrays {
    private final Backend be;

    BackendRouteArrays(Backend backend) {
        this.be = backend;
    }

    @Override
    public String describe() {
        return "backend " + be.name();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BackendRouteArrays other && other.be == be;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(be);
    }

    /** A backend matrix and/or its row-major host values; never changed after it is made. */
    private static final class Values implements Array {
        private final Backend be;
        private final int rows;
        private final int cols;
        private volatile double[] host;
        private volatile Matrix matrix;

        private Values(Backend be, int rows, int cols, double[] host, Matrix matrix) {
            this.be = be;
            this.rows = rows;
            this.cols = cols;
            this.host = host;
            this.matrix = matrix;
        }

        @Override
        public int rows() {
            return rows;
        }

        @Override
        public int cols() {
            return cols;
        }

        /** Row-major values (shared: never write into them). */
        double[] host() {
            double[] h = host;
            if (h == null) {
                h = be.toRowMajor(matrix);
                host = h;
            }
            return h;
        }

        /** The backend's matrix. */
        Matrix matrix() {
            Matrix m = matrix;
            if (m == null) {
                m = be.fromRowMajor(rows, cols, host);
                matrix = m;
            }
            return m;
        }
    }

    private Values host(int rows, int cols, double[] values) {
        return new Values(be, rows, cols, values, null);
    }

    private Values on(Matrix m) {
        return new Values(be, m.rows(), m.cols(), null, m);
    }

    private static Values v(Array a) {
        return (Values) a;
    }

    private static Matrix m(Array a) {
        return v(a).matrix();
    }

    private static double[] h(Array a) {
        return v(a).host();
    }

    @Override
    public Scratch scratch() {
        return new Scratch() {
            @Override
            public Array keep(Array a) {
                return a;
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public void free(Array a) {}

    // ---- moving values -------------------------------------------------------------------------------------

    @Override
    public Array upload(Tensor t, Precision precision) {
        if (t.rank() != 2) {
            throw new IllegalArgumentException("expected a 2-D tensor, got rank " + t.rank());
        }
        if (precision == Precision.F32 && t.dtype() == DType.F64) {
            return on(be.fromRowMajor((int) t.dim(0), (int) t.dim(1), widen(t.toFloatArray())));
        }
        return on(be.fromTensor(t));
    }

    @Override
    public Array upload(int rows, int cols, float[] rowMajor, Precision precision) {
        return host(rows, cols, widen(rowMajor));
    }

    private static double[] widen(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    @Override
    public Tensor download(Array a, DType dtype) {
        Values x = v(a);
        Matrix mat = x.matrix;
        if (mat != null) {
            return be.toTensor(mat, dtype);
        }
        return Tensor.ofDoubles(dtype, new long[] {x.rows(), x.cols()}, x.host());
    }

    @Override
    public float[] floats(Array a) {
        double[] d = h(a);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    @Override
    public Array stackRows(List<Array> parts) {
        List<Matrix> ms = new ArrayList<>(parts.size());
        for (Array p : parts) {
            ms.add(m(p));
        }
        return on(be.vcat(ms));
    }

    @Override
    public Array rowBlock(Array a, int from, int to) {
        return on(be.rows(m(a), from, to));
    }

    @Override
    public Array columnBlock(Array a, int from, int to) {
        double[] src = h(a);
        int rows = a.rows();
        int cols = a.cols();
        int n = to - from;
        double[] out = new double[rows * n];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(src, i * cols + from, out, i * n, n);
        }
        return host(rows, n, out);
    }

    // ---- gate scores ---------------------------------------------------------------------------------------

    @Override
    public Array addBias(Array logits, Array bias) {
        if (bias == null) {
            return logits;
        }
        double[] l = h(logits);
        double[] b = h(bias);
        int cols = logits.cols();
        double[] out = new double[l.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = l[i] + b[i % cols];
        }
        return host(logits.rows(), cols, out);
    }

    @Override
    public Array cosine(Array dots, Array x, Array prototypes) {
        double[] xn = rowNorms(x);
        double[] pn = rowNorms(prototypes);
        double[] d = h(dots);
        int cols = dots.cols();
        double[] out = new double[d.length];
        for (int t = 0; t < dots.rows(); t++) {
            for (int e = 0; e < cols; e++) {
                out[t * cols + e] = d[t * cols + e] / xn[t] / pn[e];
            }
        }
        return host(dots.rows(), cols, out);
    }

    /** ‖row‖₂ of every row, at least the smallest normal double (a zero row then scores 0). */
    private static double[] rowNorms(Array a) {
        double[] v = h(a);
        int cols = a.cols();
        double[] n = new double[a.rows()];
        for (int i = 0; i < n.length; i++) {
            double s = 0;
            for (int j = i * cols; j < (i + 1) * cols; j++) {
                s += v[j] * v[j];
            }
            n[i] = Math.max(Math.sqrt(s), Double.MIN_NORMAL);
        }
        return n;
    }

    @Override
    public Array project(Array x, Array aCat) {
        return on(be.matmul(m(x), false, m(aCat), true));
    }

    @Override
    public Array abs(Array p) {
        return absScaled(p, 1.0);
    }

    @Override
    public Array absScaled(Array p, double factor) {
        double[] v = h(p);
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = factor * Math.abs(v[i]);
        }
        return host(p.rows(), p.cols(), out);
    }

    @Override
    public Array blockNorms(Array p, int[] offsets) {
        double[] v = h(p);
        int cols = p.cols();
        int blocks = offsets.length - 1;
        double[] out = new double[p.rows() * blocks];
        for (int t = 0; t < p.rows(); t++) {
            for (int e = 0; e < blocks; e++) {
                double s = 0;
                for (int j = offsets[e]; j < offsets[e + 1]; j++) {
                    double x = v[t * cols + j];
                    s += x * x;
                }
                out[t * blocks + e] = Math.sqrt(s);
            }
        }
        return host(p.rows(), blocks, out);
    }

    @Override
    public Array labelMeans(Array x, float[] oneHotByLabel, int labels) {
        int tokens = x.rows();
        double[] inverseCounts = new double[labels];
        for (int l = 0; l < labels; l++) {
            double n = 0;
            for (int t = 0; t < tokens; t++) {
                n += oneHotByLabel[l * tokens + t];
            }
            inverseCounts[l] = 1 / Math.max(n, 1.0);
        }
        Matrix onehot = be.fromRowMajor(labels, tokens, widen(oneHotByLabel));
        return on(be.scaleRows(be.matmul(onehot, false, m(x), false), inverseCounts));
    }

    // ---- mixtures ------------------------------------------------------------------------------------------

    /**
     * {@inheritDoc}
     *
     * <p>Here per expert e with n_e pairs: its rows gathered on the host (of P, each scaled by its factor, or of X),
     * the products through A_e (unless projected) and B_e by the backend ([n_e, in]·[in, r_e], [n_e, r_e]·[r_e, out]),
     * and the [n_e, out] result scatter-added into the host output.
     */
    @Override
    public Array grouped(
            Array x, Array p, List<Array> a, List<Array> bT, int[] blocks, Selection.Groups groups, int outDim) {
        int tokens = x.rows();
        double[] y = new double[Math.multiplyExact(tokens, outDim)];
        int[] starts = groups.starts();
        int[] pairTokens = groups.tokens();
        float[] factors = groups.factors();
        double[] src = p != null ? h(p) : h(x);
        int width = p != null ? p.cols() : x.cols();
        for (int e = 0; e < a.size(); e++) {
            int n = groups.size(e);
            if (n == 0 || a.get(e) == null) {
                continue;
            }
            int from = p != null ? blocks[e] : 0;
            int cols = p != null ? blocks[e + 1] - blocks[e] : width;
            double[] rows = new double[n * cols];
            double[] f = new double[n];
            for (int i = 0; i < n; i++) {
                int pair = starts[e] + i;
                f[i] = factors[pair];
                double scale = p != null ? f[i] : 1.0;
                int at = pairTokens[pair] * width + from;
                for (int j = 0; j < cols; j++) {
                    rows[i * cols + j] = scale * src[at + j];
                }
            }
            Matrix h = be.fromRowMajor(n, cols, rows);
            if (p == null) {
                h = be.scaleRows(be.matmul(h, false, m(a.get(e)), true), f);
            }
            double[] z = be.toRowMajor(be.matmul(h, false, m(bT.get(e)), false));
            for (int i = 0; i < n; i++) {
                int row = pairTokens[starts[e] + i] * outDim;
                for (int j = 0; j < outDim; j++) {
                    y[row + j] += z[i * outDim + j];
                }
            }
        }
        return host(tokens, outDim, y);
    }

    @Override
    public Array masked(Array p, float[] mask, Array bCatT) {
        double[] v = h(p);
        double[] masked = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            masked[i] = v[i] * mask[i];
        }
        return on(be.matmul(be.fromRowMajor(p.rows(), p.cols(), masked), false, m(bCatT), false));
    }

    @Override
    public Array dense(Array x, List<Array> a, List<Array> bT, float[][] factorsByExpert, int outDim) {
        Matrix y = null;
        for (int e = 0; e < a.size(); e++) {
            if (a.get(e) == null) {
                continue;
            }
            Matrix deltaT = be.matmul(m(a.get(e)), true, m(bT.get(e)), false); // ΔW_eᵀ [in, out]
            Matrix ye = be.scaleRows(be.matmul(m(x), false, deltaT, false), widen(factorsByExpert[e]));
            y = y == null ? ye : be.addScaled(y, ye, 1.0);
        }
        return on(y != null ? y : be.zeros(x.rows(), outDim));
    }

    // ---- softmax regression --------------------------------------------------------------------------------

    @Override
    public Array columnMeans(Array x) {
        double[] v = h(x);
        int cols = x.cols();
        double[] mean = new double[cols];
        for (int i = 0; i < x.rows(); i++) {
            for (int j = 0; j < cols; j++) {
                mean[j] += v[i * cols + j];
            }
        }
        for (int j = 0; j < cols; j++) {
            mean[j] /= x.rows();
        }
        return host(1, cols, mean);
    }

    @Override
    public Array centerAndScale(Array x, Array mean, double factor) {
        double[] v = h(x);
        double[] mu = h(mean);
        int cols = x.cols();
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (v[i] - mu[i % cols]) * factor;
        }
        return host(x.rows(), cols, out);
    }

    @Override
    public double meanSquare(Array x) {
        double s = 0;
        for (double e : h(x)) {
            s += e * e;
        }
        return s / ((double) x.rows() * x.cols());
    }

    @Override
    public double[] gramTimes(Array x, double[] vector) {
        Matrix xv = be.matmul(m(x), false, be.fromRowMajor(vector.length, 1, vector), false);
        double[] g = be.toRowMajor(be.matmul(m(x), true, xv, false));
        for (int i = 0; i < g.length; i++) {
            g[i] /= x.rows();
        }
        return g;
    }

    @Override
    public double[] softmaxGradient(
            Array x, Array onehot, double[] w, double[] b, int classes, double[] gradW, double[] gradB) {
        int n = x.rows();
        int d = x.cols();
        double[] logits = be.toRowMajor(be.matmul(m(x), false, be.fromRowMajor(classes, d, w), true));
        double[] y = h(onehot);
        double correct = 0;
        double loss = 0;
        double[] diff = new double[n * classes];
        Arrays.fill(gradB, 0, classes, 0.0);
        for (int t = 0; t < n; t++) {
            int row = t * classes;
            int best = 0;
            int label = 0;
            for (int c = 0; c < classes; c++) {
                logits[row + c] += b[c];
                if (logits[row + c] > logits[row + best]) {
                    best = c;
                }
                if (y[row + c] > y[row + label]) {
                    label = c;
                }
            }
            correct += best == label ? 1 : 0;
            double max = logits[row + best];
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(logits[row + c] - max);
            }
            // loss = mean(log Σ exp(shifted) − shifted[label])
            loss += Math.log(sum);
            for (int c = 0; c < classes; c++) {
                double shifted = logits[row + c] - max;
                loss -= shifted * y[row + c];
                double g = Math.exp(shifted) / sum - y[row + c];
                diff[row + c] = g;
                gradB[c] += g / n;
            }
        }
        double[] gw = be.toRowMajor(be.matmul(be.fromRowMajor(n, classes, diff), true, m(x), false));
        for (int i = 0; i < classes * d; i++) {
            gradW[i] = gw[i] / n;
        }
        return new double[] {loss / n, correct};
    }
}
