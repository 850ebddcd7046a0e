package org.loralgebra.exec.nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Matrix;
import org.loralgebra.exec.MatrixScope;
import org.loralgebra.exec.SpanHint;
import org.loralgebra.exec.TopSvdStats;
import org.loralgebra.lang.Precision;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The ND4J backend: matrix products through ND4J's BLAS (OpenBLAS on CPU, cuBLAS with the {@code cuda}
 * profile), QR and SVD through LAPACKE on host copies (they are only ever applied to thin or r×r matrices
 * on the factored path, and to dense matrices only when a user asks for them).
 */
public final class Nd4jBackend implements Backend {
    private final Precision precision;
    private final DataType dataType;

    /**
     * A backend computing in the given precision.
     *
     * @throws org.loralgebra.exec.BackendCheckException when the BLAS/LAPACK library fails its self-check on this
     *                                                   machine ({@link BlasSelfCheck}, run once per process
     *                                                   unless a pass is cached for this machine and library)
     */
    public Nd4jBackend(Precision precision) {
        BlasSelfCheck.ensure();
        this.precision = precision;
        this.dataType = precision == Precision.F64 ? DataType.DOUBLE : DataType.FLOAT;
    }

    @Override
    public String name() {
        String backend = Nd4j.getBackend().getClass().getSimpleName();
        return backend.toLowerCase().contains("cublas") || backend.toLowerCase().contains("cuda")
                ? "nd4j-cuda"
                : "nd4j-cpu";
    }

    @Override
    public String description() {
        return "ND4J on the CPU, BLAS/LAPACK from OpenBLAS " + BlasSelfCheck.openblasVersion();
    }

    /** OpenBLAS {@code dsyrk} ({@link HostBlas#gram}). */
    @Override
    public double[][] gramOfRows(double[][] rows) {
        return HostBlas.gram(rows);
    }

    /** OpenBLAS {@code sgemm} ({@link HostBlas#transposeProduct}). */
    @Override
    public float[] transposeProduct(float[] x, int n, int kx, float[] y, int ky) {
        return HostBlas.transposeProduct(x, n, kx, y, ky);
    }

    /** Runs the BLAS/LAPACK check in this process even when a cached pass let construction skip it. */
    @Override
    public String selfCheck() {
        return "BLAS/LAPACK (OpenBLAS " + BlasSelfCheck.openblasVersion() + "): " + BlasSelfCheck.checkAndRefresh();
    }

    @Override
    public Precision precision() {
        return precision;
    }

    /*
     * Fresh arrays the backend fills whole come from Nd4jScope.uninitialized: ND4J's createUninitialized, which its
     * gemm, dup, castTo and concat call for their results, zeroes the memory first (measured: zeroing and first-touch
     * page faults of those results were 17% of the time of (a + b).truncate(16) over a Llama-2-7B adapter).
     */

    /** op(a)·op(b) into a fresh array; gemm with β = 0 never reads its output. */
    private static INDArray gemm(INDArray a, INDArray b, boolean transposeA, boolean transposeB) {
        long m = transposeA ? a.columns() : a.rows();
        long n = transposeB ? b.rows() : b.columns();
        char order = a.ordering() == 'c' && b.ordering() == 'c' ? 'c' : 'f';
        INDArray c = Nd4jScope.uninitialized(a.dataType(), new long[] {m, n}, order);
        return Nd4j.gemm(a, b, c, transposeA, transposeB, 1.0, 0.0);
    }

    /** A dense copy of {@code a} (any strides) as {@code type}, in {@code order}. */
    private static INDArray copyOf(INDArray a, DataType type, char order) {
        INDArray out = Nd4jScope.uninitialized(type, a.shape(), order);
        return out.length() == 0 ? out : out.assign(a);
    }

    /** The parts side by side along {@code dimension} (0: stacked rows, 1: columns), C order. */
    private static INDArray concat(List<INDArray> parts, int dimension) {
        long rows = dimension == 0
                ? parts.stream().mapToLong(INDArray::rows).sum()
                : parts.get(0).rows();
        long cols = dimension == 1
                ? parts.stream().mapToLong(INDArray::columns).sum()
                : parts.get(0).columns();
        INDArray out = Nd4jScope.uninitialized(parts.get(0).dataType(), new long[] {rows, cols}, 'c');
        long at = 0;
        for (INDArray p : parts) {
            long size = dimension == 0 ? p.rows() : p.columns();
            INDArray target = dimension == 0
                    ? out.get(NDArrayIndex.interval(at, at + size), NDArrayIndex.all())
                    : out.get(NDArrayIndex.all(), NDArrayIndex.interval(at, at + size));
            target.assign(p);
            at += size;
        }
        return out;
    }

    private static INDArray arr(Matrix m) {
        return ((Nd4jMatrix) m).array();
    }

    /** A freshly allocated array as a matrix, freed with the current {@link Nd4jScope}. */
    private static Matrix wrap(INDArray fresh) {
        return new Nd4jMatrix(Nd4jScope.track(fresh));
    }

    /** A view of another matrix's array: freed with that one, never on its own. */
    private static Matrix view(INDArray view) {
        return new Nd4jMatrix(view);
    }

    @Override
    public MatrixScope openScope() {
        return Nd4jScope.open();
    }

    @Override
    public Matrix keep(Matrix m) {
        Nd4jScope.keep(arr(m));
        return m;
    }

    private static int operationThreads;

    @Override
    public void useOperationThreads(int threads) {
        synchronized (Nd4jBackend.class) {
            if (threads == operationThreads) {
                return;
            }
            // ND4J's OpenMP loops and OpenBLAS each start a thread per core by default; with modules already
            // running in parallel that oversubscribes the cores (measured 6x slower spectra on 2 cores)
            Nd4j.getEnvironment().setMaxThreads(threads);
            Nd4j.getEnvironment().setMaxMasterThreads(threads);
            Nd4j.factory().blas().setMaxThreads(threads);
            operationThreads = threads;
        }
    }

    @Override
    public Matrix fromTensor(Tensor tensor) {
        if (tensor.rank() != 2) {
            throw new IllegalArgumentException("expected a 2-D tensor, got shape " + Arrays.toString(tensor.shape()));
        }
        long[] shape = tensor.shape();
        if (precision == Precision.F32 && tensor.dtype() == DType.F32) {
            // one copy, from the file straight into ND4J's buffer (little-endian both sides)
            INDArray a = Nd4jScope.uninitialized(DataType.FLOAT, shape, 'c');
            if (a.length() > 0) {
                tensor.copyTo(a.data().asNio());
            }
            return wrap(a);
        }
        if (precision == Precision.F64) {
            return wrap(upload(tensor.toDoubleArray(), shape, 'c'));
        }
        return wrap(upload(tensor.toFloatArray(), shape, 'c'));
    }

    @Override
    public Matrix fromRowMajor(int rows, int cols, double[] values) {
        if (precision == Precision.F64) {
            return wrap(upload(values.clone(), new long[] {rows, cols}, 'c'));
        }
        return wrap(upload(narrow(values), new long[] {rows, cols}, 'c'));
    }

    @Override
    public Tensor toTensor(Matrix m, DType dtype) {
        long[] shape = {m.rows(), m.cols()};
        INDArray a = arr(m);
        if (dtype == DType.F64) {
            return Tensor.ofDoubles(DType.F64, shape, rowMajorDoubles(a));
        }
        if (dtype == DType.F32 && a.dataType() == DataType.FLOAT && dense(a, 'c') && a.length() > 0) {
            // already the stored layout: one copy, buffer to buffer
            ByteBuffer bytes = ByteBuffer.allocate((int) a.length() * 4).order(ByteOrder.LITTLE_ENDIAN);
            bytes.put(a.data().asNio().duplicate().limit((int) a.length() * 4)).flip();
            return Tensor.ofBytes(DType.F32, shape, bytes);
        }
        return Tensor.ofFloats(dtype, shape, rowMajorFloats(a));
    }

    @Override
    public double[] toRowMajor(Matrix m) {
        return rowMajorDoubles(arr(m));
    }

    @Override
    public Matrix zeros(int rows, int cols) {
        return wrap(Nd4j.zeros(dataType, rows, cols));
    }

    @Override
    public Matrix matmul(Matrix a, boolean transposeA, Matrix b, boolean transposeB) {
        int inner = transposeA ? a.rows() : a.cols();
        int innerB = transposeB ? b.cols() : b.rows();
        if (inner != innerB) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: " + a + (transposeA ? "ᵀ" : "") + " · "
                    + b + (transposeB ? "ᵀ" : ""));
        }
        int m = transposeA ? a.cols() : a.rows();
        int n = transposeB ? b.rows() : b.cols();
        if (inner == 0 || m == 0 || n == 0) {
            return zeros(m, n);
        }
        if ((long) m * n * inner <= SmallProduct.LIMIT) {
            return smallProduct(transposeA ? arr(a).transpose() : arr(a), transposeB ? arr(b).transpose() : arr(b));
        }
        return wrap(gemm(arr(a), arr(b), transposeA, transposeB));
    }

    /** {@link SmallProduct} of small x [m, k] and y [k, n], rounded once to the backend's precision. */
    private Matrix smallProduct(INDArray x, INDArray y) {
        double[] xs = precision == Precision.F64 ? rowMajorDoubles(x) : toDouble(rowMajorFloats(x));
        double[] ys = precision == Precision.F64 ? rowMajorDoubles(y) : toDouble(rowMajorFloats(y));
        double[] c = SmallProduct.of(xs, ys, x.rows(), x.columns(), y.columns());
        return hostMatrix(c, x.rows(), y.columns(), 'c', precision == Precision.F64);
    }

    @Override
    public Matrix scale(Matrix a, double factor) {
        return wrap(arr(a).mul(factor));
    }

    @Override
    public Matrix addScaled(Matrix a, Matrix b, double factor) {
        if (a.rows() != b.rows() || a.cols() != b.cols()) {
            throw new IllegalArgumentException("addScaled: shapes differ: " + a + " and " + b);
        }
        // on Java arrays: ND4J's pairwise ops on operands of different layouts take a slow generic path
        long[] shape = {a.rows(), a.cols()};
        if (precision == Precision.F64) {
            double[] x = rowMajorDoubles(arr(a));
            double[] y = rowMajorDoubles(arr(b));
            for (int i = 0; i < x.length; i++) {
                x[i] += factor * y[i];
            }
            return wrap(upload(x, shape, 'c'));
        }
        float[] x = rowMajorFloats(arr(a));
        float[] y = rowMajorFloats(arr(b));
        float f = (float) factor;
        for (int i = 0; i < x.length; i++) {
            x[i] += f * y[i];
        }
        return wrap(upload(x, shape, 'c'));
    }

    @Override
    public Matrix transpose(Matrix a) {
        return view(arr(a).transpose()); // a view: no copy (ND4J's order-changing dup costs ~50 ns per element)
    }

    @Override
    public Matrix hcat(List<Matrix> parts) {
        List<INDArray> nonEmpty = new ArrayList<>();
        int rows = parts.isEmpty() ? 0 : parts.get(0).rows();
        for (Matrix p : parts) {
            if (p.rows() != rows) {
                throw new IllegalArgumentException("hcat: row counts differ: " + parts);
            }
            if (p.cols() > 0) {
                nonEmpty.add(arr(p));
            }
        }
        if (nonEmpty.isEmpty()) {
            return zeros(rows, 0);
        }
        return nonEmpty.size() == 1
                ? parts.stream().filter(p -> p.cols() > 0).findFirst().orElseThrow()
                : wrap(concat(nonEmpty, 1));
    }

    @Override
    public Matrix vcat(List<Matrix> parts) {
        List<INDArray> nonEmpty = new ArrayList<>();
        int cols = parts.isEmpty() ? 0 : parts.get(0).cols();
        for (Matrix p : parts) {
            if (p.cols() != cols) {
                throw new IllegalArgumentException("vcat: column counts differ: " + parts);
            }
            if (p.rows() > 0) {
                nonEmpty.add(arr(p));
            }
        }
        if (nonEmpty.isEmpty()) {
            return zeros(0, cols);
        }
        return nonEmpty.size() == 1
                ? parts.stream().filter(p -> p.rows() > 0).findFirst().orElseThrow()
                : wrap(concat(nonEmpty, 0));
    }

    @Override
    public Matrix columns(Matrix a, int from, int to) {
        if (from == 0 && to == a.cols()) {
            return a;
        }
        if (to <= from) {
            return zeros(a.rows(), 0);
        }
        return wrap(copyOf(
                arr(a).get(NDArrayIndex.all(), NDArrayIndex.interval(from, to)), arr(a).dataType(), arr(a).ordering()));
    }

    @Override
    public Matrix rows(Matrix a, int from, int to) {
        if (from == 0 && to == a.rows()) {
            return a;
        }
        if (to <= from) {
            return zeros(0, a.cols());
        }
        return wrap(copyOf(
                arr(a).get(NDArrayIndex.interval(from, to), NDArrayIndex.all()), arr(a).dataType(), arr(a).ordering()));
    }

    @Override
    public Matrix scaleColumns(Matrix a, double[] factors) {
        if (factors.length != a.cols()) {
            throw new IllegalArgumentException("scaleColumns: " + factors.length + " factors for " + a);
        }
        if (a.rows() == 0 || a.cols() == 0) {
            return a;
        }
        // a·diag(f) as a product: ND4J's broadcast ops take slow paths on 'f'-ordered and view arrays
        INDArray d = diagonal(factors);
        INDArray out = gemm(arr(a), d, false, false);
        d.close();
        return wrap(out);
    }

    @Override
    public Matrix scaleRows(Matrix a, double[] factors) {
        if (factors.length != a.rows()) {
            throw new IllegalArgumentException("scaleRows: " + factors.length + " factors for " + a);
        }
        if (a.rows() == 0 || a.cols() == 0) {
            return a;
        }
        INDArray d = diagonal(factors);
        INDArray out = gemm(d, arr(a), false, false);
        d.close();
        return wrap(out);
    }

    @Override
    public Qr qr(Matrix a) {
        int m = a.rows();
        int n = a.cols();
        int k = Math.min(m, n);
        if (k == 0) {
            return new Qr(zeros(m, 0), zeros(0, n));
        }
        if (precision == Precision.F64) {
            double[][] qr = Lapack.qr(colMajorDoubles(arr(a)), m, n);
            return new Qr(wrap(upload(qr[0], new long[] {m, k}, 'f')), wrap(upload(qr[1], new long[] {k, n}, 'f')));
        }
        // a C-ordered matrix is transposed here: LAPACKE's row-major geqrf/orgqr do the same transposes in native
        // code with the same bits, but 1.4-1.8x slower in all for 4096x32 and 11008x32 (AMD EPYC and Intel Xeon)
        if (m >= n) {
            // tall, the usual case: Q is computed in place in the array returned, its values copied in once
            INDArray x = arr(a);
            INDArray q;
            if (x.dataType() == DataType.FLOAT && dense(x, 'f')) { // Aᵀ as a view of A: already column-major
                q = Nd4jScope.uninitialized(DataType.FLOAT, new long[] {m, n}, 'f');
                Pointer.memcpy(floatPointer(q), floatPointer(x), 4L * m * n);
            } else {
                q = upload(colMajorFloats(x), new long[] {m, n}, 'f');
            }
            float[] r = Lapack.qrInPlace(floatPointer(q), m, n);
            return new Qr(wrap(q), wrap(upload(r, new long[] {k, n}, 'f')));
        }
        float[][] qr = Lapack.qr(colMajorFloats(arr(a)), m, n);
        return new Qr(wrap(upload(qr[0], new long[] {m, k}, 'f')), wrap(upload(qr[1], new long[] {k, n}, 'f')));
    }

    /** The memory of a dense FLOAT array (offset 0) as a pointer over its elements; the array must stay reachable. */
    private static FloatPointer floatPointer(INDArray dense) {
        FloatPointer p = new FloatPointer(dense.data().addressPointer());
        p.capacity(dense.length());
        p.limit(dense.length());
        return p;
    }

    @Override
    public Matrix gramRoot(Matrix a) {
        int m = a.rows();
        int n = a.cols();
        int k = Math.min(m, n);
        if (k == 0) {
            return zeros(0, n);
        }
        double[] gram = gram(arr(a));
        if (m >= n) {
            // Cholesky: as accurate a root as the eigendecomposition's (a backward error of order ε·‖aᵀa‖ either way)
            // at a tenth of the cost for r×r; it refuses a numerically singular Gram matrix, which then goes on below
            double[] r = Lapack.cholesky(gram.clone(), n);
            if (r != null) {
                return fromRowMajor(n, n, r);
            }
        }
        double[] lambda = Lapack.symmetricEigen(gram, n); // ascending; gram now holds the eigenvectors by column
        double[] r = new double[k * n];
        for (int i = 0; i < k; i++) {
            int col = n - 1 - i; // the k largest, descending
            double root = Math.sqrt(Math.max(0.0, lambda[col]));
            for (int j = 0; j < n; j++) {
                r[i * n + j] = root * gram[j + col * n];
            }
        }
        return fromRowMajor(k, n, r);
    }

    /** xᵀx [n, n] in double, row-major (symmetric). */
    private static double[] gram(INDArray x) {
        int n = x.columns();
        // a transposed view is multiplied as its C-ordered base, x·xᵀ, so nothing is re-laid out
        boolean view = x.ordering() == 'f' && !dense(x, 'c');
        INDArray base = view ? x.transpose() : x;
        if (base.dataType() == DataType.FLOAT && dense(base, 'c') && n <= WideningGram.MAX_SIDE) {
            FloatBuffer values = base.data().asNio().asFloatBuffer();
            return view ? WideningGram.ofRows(values, n, x.rows()) : WideningGram.ofColumns(values, x.rows(), n);
        }
        INDArray d = base.dataType() == DataType.DOUBLE ? base : copyOf(base, DataType.DOUBLE, base.ordering());
        INDArray g = view ? gemm(d, d, false, true) : gemm(d, d, true, false);
        double[] gram = doubles(g);
        if (d != base) {
            d.close();
        }
        g.close();
        return gram;
    }

    @Override
    public Svd svd(Matrix a) {
        int m = a.rows();
        int n = a.cols();
        int k = Math.min(m, n);
        if (k == 0) {
            return new Svd(zeros(m, 0), new double[0], zeros(0, n));
        }
        if (precision == Precision.F64) {
            double[][] usv = Lapack.svd(colMajorDoubles(arr(a)), m, n, true);
            return new Svd(
                    wrap(upload(usv[0], new long[] {m, k}, 'f')), usv[1], wrap(upload(usv[2], new long[] {k, n}, 'f')));
        }
        float[][] usv = Lapack.svd(colMajorFloats(arr(a)), m, n, true);
        return new Svd(
                wrap(upload(usv[0], new long[] {m, k}, 'f')),
                toDouble(usv[1]),
                wrap(upload(usv[2], new long[] {k, n}, 'f')));
    }

    @Override
    public Svd topSvd(Matrix a, int k) {
        int m = a.rows();
        int n = a.cols();
        int full = Math.min(m, n);
        if (k < 1 || k > full) {
            throw new IllegalArgumentException("topSvd: k = " + k + " for " + a + " (1 ≤ k ≤ " + full + ")");
        }
        if (4 * k > full) {
            return Backend.super.topSvd(a, k); // most of the spectrum anyway: divide and conquer is faster
        }
        if (precision == Precision.F64) {
            double[][] usv = Lapack.topSvd(colMajorDoubles(arr(a)), m, n, k);
            return new Svd(
                    wrap(upload(usv[0], new long[] {m, k}, 'f')), usv[1], wrap(upload(usv[2], new long[] {k, n}, 'f')));
        }
        float[][] usv = Lapack.topSvd(colMajorFloats(arr(a)), m, n, k);
        return new Svd(
                wrap(upload(usv[0], new long[] {m, k}, 'f')),
                toDouble(usv[1]),
                wrap(upload(usv[2], new long[] {k, n}, 'f')));
    }

    /**
     * Whether {@link #topSvdOfRows} tries randomized subspace iteration first ({@link RandomizedTopSvd}, falling back
     * to the exact gesvdx when its residual check fails): on unless {@code -Dlora.topsvd=exact} or
     * {@code LORA_TOPSVD=exact}.
     */
    static final boolean RANDOMIZED_TOP_SVD = !"exact"
            .equals(System.getProperty("lora.topsvd", System.getenv().getOrDefault("LORA_TOPSVD", "randomized")));

    /** The relative residual ‖A·vᵢ − σᵢ·uᵢ‖/σ₁ every triplet must meet (float products have ~1e-7 rounding). */
    static final double RANDOMIZED_TOLERANCE_F32 = 1e-5;

    static final double RANDOMIZED_TOLERANCE_F64 = 1e-9;

    /** Subspace iterations before falling back to the exact SVD. */
    static final int RANDOMIZED_ITERATIONS = 12;

    @Override
    public Svd topSvdOfRows(int rows, int cols, RowFill fill, int k) {
        return topSvdOfRows(rows, cols, fill, k, null);
    }

    /** The randomized iteration starts from the hint's directions on the side it works on (the short one). */
    @Override
    public Svd topSvdOfRows(int rows, int cols, RowFill fill, int k, SpanHint hint) {
        if (hint != null && (hint.rows() != rows || hint.cols() != cols)) {
            throw new IllegalArgumentException("a span hint for a " + hint.rows() + "x" + hint.cols()
                    + " matrix given for a " + rows + "x" + cols + " one");
        }
        int full = Math.min(rows, cols);
        if (k < 1 || k > full) {
            throw new IllegalArgumentException(
                    "topSvd: k = " + k + " for a " + rows + "x" + cols + " matrix (1 ≤ k ≤ " + full + ")");
        }
        if (4 * k > full) {
            return Backend.super.topSvdOfRows(rows, cols, fill, k);
        }
        boolean f64 = precision == Precision.F64;
        // LAPACK's bidiagonal reduction is fastest on a tall matrix (measured 8.5 s for 11008×4096 against 12.5 s for
        // its transpose): A column-major when it is tall, else its rows as the columns of a column-major Aᵀ
        boolean tall = rows >= cols;
        Pointer buffer = StreamedRows.intoScratch(rows, cols, fill, f64);
        if (RANDOMIZED_TOP_SVD) {
            // the buffer holds a tall column-major matrix: A (tall) or Aᵀ; randomized subspace iteration,
            // residual-checked
            int m = tall ? rows : cols;
            int n = tall ? cols : rows;
            // the start lives in the short side's space: A's row space (tall), else A's column space (Aᵀ's rows)
            double[] start = hint == null ? null : tall ? hint.rightColumnMajor() : hint.leftColumnMajor();
            RandomizedTopSvd.Result r = RandomizedTopSvd.of(
                    buffer,
                    m,
                    n,
                    k,
                    f64 ? RANDOMIZED_TOLERANCE_F64 : RANDOMIZED_TOLERANCE_F32,
                    RANDOMIZED_ITERATIONS,
                    start,
                    hint == null ? 0 : hint.width());
            TopSvdStats.ran(r.converged(), r.iterations(), r.residual());
            if (r.converged()) {
                // tall: A = U·S·Vᵀ; else Aᵀ = U'·S·V'ᵀ, so A's U is V' (V'ᵀ column-major = V' row-major) and Vᵀ = U'ᵀ
                return tall
                        ? new Svd(hostMatrix(r.u(), rows, k, 'f', f64), r.s(), hostMatrix(r.vt(), k, cols, 'f', f64))
                        : new Svd(hostMatrix(r.vt(), rows, k, 'c', f64), r.s(), hostMatrix(r.u(), k, cols, 'c', f64));
            }
        }
        if (tall) {
            // A = U·S·Vᵀ directly: U [rows, k] and Vᵀ [k, cols], column-major
            if (f64) {
                double[][] usv = Lapack.topSvd((DoublePointer) buffer, rows, cols, k);
                return new Svd(
                        wrap(upload(usv[0], new long[] {rows, k}, 'f')),
                        usv[1],
                        wrap(upload(usv[2], new long[] {k, cols}, 'f')));
            }
            float[][] usv = Lapack.topSvd((FloatPointer) buffer, rows, cols, k);
            return new Svd(
                    wrap(upload(usv[0], new long[] {rows, k}, 'f')),
                    toDouble(usv[1]),
                    wrap(upload(usv[2], new long[] {k, cols}, 'f')));
        }
        // Aᵀ = V·S·Uᵀ: its V [cols, k] column-major is Vᵀ [k, cols] row-major, its Uᵀ [k, rows] column-major is U
        // [rows, k] row-major
        if (f64) {
            double[][] usv = Lapack.topSvd((DoublePointer) buffer, cols, rows, k);
            return new Svd(
                    wrap(upload(usv[2], new long[] {rows, k}, 'c')),
                    usv[1],
                    wrap(upload(usv[0], new long[] {k, cols}, 'c')));
        }
        float[][] usv = Lapack.topSvd((FloatPointer) buffer, cols, rows, k);
        return new Svd(
                wrap(upload(usv[2], new long[] {rows, k}, 'c')),
                toDouble(usv[1]),
                wrap(upload(usv[0], new long[] {k, cols}, 'c')));
    }

    @Override
    public double[] singularValues(Matrix a) {
        int m = a.rows();
        int n = a.cols();
        if (Math.min(m, n) == 0) {
            return new double[0];
        }
        if (precision == Precision.F64) {
            return Lapack.svd(colMajorDoubles(arr(a)), m, n, false)[1];
        }
        return toDouble(Lapack.svd(colMajorFloats(arr(a)), m, n, false)[1]);
    }

    private INDArray diagonal(double[] d) {
        int n = d.length;
        if (precision == Precision.F64) {
            double[] v = new double[n * n];
            for (int i = 0; i < n; i++) {
                v[i * n + i] = d[i];
            }
            return upload(v, new long[] {n, n}, 'c');
        }
        float[] v = new float[n * n];
        for (int i = 0; i < n; i++) {
            v[i * n + i] = (float) d[i];
        }
        return upload(v, new long[] {n, n}, 'c');
    }

    /** Whether a 2-D array covers its whole buffer from offset 0 with the given order's strides. */
    private static boolean dense(INDArray a, char order) {
        long m = a.rows();
        long n = a.columns();
        long[] st = a.stride();
        boolean strides = order == 'c'
                ? (st[1] == 1 || n == 1) && (st[0] == n || m == 1)
                : (st[0] == 1 || m == 1) && (st[1] == m || n == 1);
        return strides && a.offset() == 0 && a.data().length() == a.length();
    }

    /** Rows per block of {@link #colMajorFloats}'s and {@link #colMajorDoubles}' transposes. */
    private static final int TRANSPOSE_BLOCK = 64;

    /** A fresh column-major copy, without ND4J's slow order-changing dup where the layout allows. */
    private float[] colMajorFloats(INDArray a) {
        INDArray x = a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT);
        int m = x.rows();
        int n = x.columns();
        if (dense(x, 'f')) {
            return floats(x);
        }
        if (dense(x, 'c')) {
            float[] rowMajor = floats(x);
            float[] out = new float[rowMajor.length];
            for (int from = 0; from < m; from += TRANSPOSE_BLOCK) { // a block of rows stays in L1 across columns
                int to = Math.min(m, from + TRANSPOSE_BLOCK);
                for (int j = 0; j < n; j++) {
                    int col = j * m;
                    for (int i = from; i < to; i++) {
                        out[col + i] = rowMajor[i * n + j];
                    }
                }
            }
            return out;
        }
        return x.dup('f').data().asFloat();
    }

    /** A fresh row-major copy. */
    private float[] rowMajorFloats(INDArray a) {
        return colMajorFloats(a.transpose());
    }

    /** A fresh row-major copy. */
    private double[] rowMajorDoubles(INDArray a) {
        return colMajorDoubles(a.transpose());
    }

    /** Double-precision {@link #colMajorFloats}. */
    private double[] colMajorDoubles(INDArray a) {
        INDArray x = a.dataType() == DataType.DOUBLE ? a : a.castTo(DataType.DOUBLE);
        int m = x.rows();
        int n = x.columns();
        if (dense(x, 'f')) {
            return doubles(x);
        }
        if (dense(x, 'c')) {
            double[] rowMajor = doubles(x);
            double[] out = new double[rowMajor.length];
            for (int from = 0; from < m; from += TRANSPOSE_BLOCK) { // as colMajorFloats
                int to = Math.min(m, from + TRANSPOSE_BLOCK);
                for (int j = 0; j < n; j++) {
                    int col = j * m;
                    for (int i = from; i < to; i++) {
                        out[col + i] = rowMajor[i * n + j];
                    }
                }
            }
            return out;
        }
        return x.dup('f').data().asDouble();
    }

    /** A matrix of the backend's precision holding host doubles laid out in {@code order}. */
    private static Matrix hostMatrix(double[] values, int rows, int cols, char order, boolean f64) {
        if (f64) {
            return wrap(upload(values, new long[] {rows, cols}, order));
        }
        return wrap(upload(narrow(values), new long[] {rows, cols}, order));
    }

    /**
     * The values rounded to float. A loop of its own: in a method that also creates an ND4J array, C2's compilation
     * with that array's creation inlined took 0.3-0.5 s of a cold command's CPU (2-core AMD EPYC, -XX:+LogCompilation).
     */
    private static float[] narrow(double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }

    /** A fresh array holding {@code values} laid out in {@code order}: one bulk copy (ND4J's create copies element by element). */
    private static INDArray upload(float[] values, long[] shape, char order) {
        INDArray a = Nd4jScope.uninitialized(DataType.FLOAT, shape, order);
        if (values.length > 0) {
            a.data().asNio().asFloatBuffer().put(values, 0, (int) a.length());
        }
        return a;
    }

    /** Double-precision {@link #upload(float[], long[], char)}. */
    private static INDArray upload(double[] values, long[] shape, char order) {
        INDArray a = Nd4jScope.uninitialized(DataType.DOUBLE, shape, order);
        if (values.length > 0) {
            a.data().asNio().asDoubleBuffer().put(values, 0, (int) a.length());
        }
        return a;
    }

    /** The whole buffer of an array that covers it from offset 0, in one bulk copy. */
    private static float[] floats(INDArray dense) {
        float[] out = new float[(int) dense.length()];
        dense.data().asNio().asFloatBuffer().get(out);
        return out;
    }

    /** Double-precision {@link #floats(INDArray)}. */
    private static double[] doubles(INDArray dense) {
        double[] out = new double[(int) dense.length()];
        dense.data().asNio().asDoubleBuffer().get(out);
        return out;
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
