package org.loralgebra.exec.nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas;
import org.loralgebra.exec.NumericFailure;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * QR and SVD through OpenBLAS's LAPACKE on column-major Java arrays. ND4J 1.0.0-M2.1's own SVD is broken or
 * slow (its gesvd with vectors takes 9 s on 1024²), so the backend calls divide-and-conquer {@code ?gesdd}
 * and Householder {@code ?geqrf}/{@code ?orgqr} directly.
 */
final class Lapack {
    static {
        Loader.load(openblas.class);
    }

    private Lapack() {}

    /** Thin QR of a column-major m×n matrix: Q (m×k, column-major) and R (k×n, column-major), k = min(m, n). */
    static double[][] qr(double[] a, int m, int n) {
        requireFinite("dgeqrf", a);
        int k = Math.min(m, n);
        double[] tau = new double[Math.max(1, k)];
        check("dgeqrf", openblas.LAPACKE_dgeqrf(openblas.LAPACK_COL_MAJOR, m, n, a, Math.max(1, m), tau), a);
        double[] r = upperTriangle(a, m, n, k);
        double[] q = Arrays.copyOf(a, m * k);
        check("dorgqr", openblas.LAPACKE_dorgqr(openblas.LAPACK_COL_MAJOR, m, k, k, q, Math.max(1, m), tau), q);
        return new double[][] {q, r};
    }

    /** Single-precision {@link #qr(double[], int, int)}. */
    static float[][] qr(float[] a, int m, int n) {
        requireFinite("sgeqrf", a);
        int k = Math.min(m, n);
        float[] tau = new float[Math.max(1, k)];
        check("sgeqrf", openblas.LAPACKE_sgeqrf(openblas.LAPACK_COL_MAJOR, m, n, a, Math.max(1, m), tau), a);
        float[] r = upperTriangle(a, m, n, k);
        float[] q = Arrays.copyOf(a, m * k);
        check("sorgqr", openblas.LAPACKE_sorgqr(openblas.LAPACK_COL_MAJOR, m, k, k, q, Math.max(1, m), tau), q);
        return new float[][] {q, r};
    }

    /**
     * {@link #qr(float[], int, int)} of a tall matrix (m ≥ n) in native memory, in place: {@code a} (column-major
     * m×n) becomes Q and R (n×n, column-major) is returned. The same routines on the same values give the same bits;
     * no copy crosses JNI (an array argument is copied in and back out on each call).
     */
    static float[] qrInPlace(FloatPointer a, int m, int n) {
        if (m < n || n < 1) {
            throw new IllegalArgumentException("qrInPlace: a tall matrix (m ≥ n ≥ 1), got " + m + "x" + n);
        }
        requireFinite("sgeqrf", a.position(0).asByteBuffer().limit((int) ((long) m * n * 4)), DType.F32);
        try (FloatPointer tau = new FloatPointer((long) n)) {
            check("sgeqrf", openblas.LAPACKE_sgeqrf(openblas.LAPACK_COL_MAJOR, m, n, a.position(0), m, tau), "");
            float[] r = new float[n * n];
            FloatBuffer values = a.position(0).asBuffer();
            for (int j = 0; j < n; j++) {
                for (int i = 0; i <= j; i++) {
                    r[i + j * n] = values.get(i + j * m);
                }
            }
            check("sorgqr", openblas.LAPACKE_sorgqr(openblas.LAPACK_COL_MAJOR, m, n, n, a.position(0), m, tau), "");
            return r;
        }
    }

    /**
     * Eigenvalues (ascending) of a symmetric n×n matrix; {@code a} (either layout, it is symmetric) is
     * overwritten with the orthonormal eigenvectors, column-major. Divide and conquer ({@code dsyevd}).
     */
    static double[] symmetricEigen(double[] a, int n) {
        requireFinite("dsyevd", a);
        double[] w = new double[n];
        check(
                "dsyevd",
                openblas.LAPACKE_dsyevd(openblas.LAPACK_COL_MAJOR, (byte) 'V', (byte) 'U', n, a, Math.max(1, n), w),
                a);
        return w;
    }

    /**
     * The Cholesky factor R (n×n, row-major, upper triangular, RᵀR = a) of a symmetric n×n matrix ({@code dpotrf}),
     * or null when {@code a} is not numerically positive definite (a zero or negative pivot). {@code a} (either
     * layout, it is symmetric) is overwritten.
     */
    static double[] cholesky(double[] a, int n) {
        requireFinite("dpotrf", a);
        int info = openblas.LAPACKE_dpotrf(openblas.LAPACK_COL_MAJOR, (byte) 'U', n, a, Math.max(1, n));
        if (info > 0) {
            return null;
        }
        check("dpotrf", info, a);
        double[] r = new double[n * n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i <= j; i++) {
                r[i * n + j] = a[i + j * n];
            }
        }
        return r;
    }

    /** R (k×n, column-major): the upper triangle of the first k rows of {@code ?geqrf}'s column-major m×n output. */
    private static double[] upperTriangle(double[] a, int m, int n, int k) {
        double[] r = new double[k * n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i <= Math.min(j, k - 1); i++) {
                r[i + j * k] = a[i + j * m];
            }
        }
        return r;
    }

    /** {@link #upperTriangle(double[], int, int, int)} in single precision. */
    private static float[] upperTriangle(float[] a, int m, int n, int k) {
        float[] r = new float[k * n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i <= Math.min(j, k - 1); i++) {
                r[i + j * k] = a[i + j * m];
            }
        }
        return r;
    }

    /**
     * Thin SVD of a column-major m×n matrix (overwritten): {U (m×k), S (k), Vᵀ (k×n)}, all column-major;
     * with {@code vectors} false only S is computed.
     */
    static double[][] svd(double[] a, int m, int n, boolean vectors) {
        requireFinite("dgesdd", a);
        int k = Math.min(m, n);
        double[] s = new double[k];
        double[] u = vectors ? new double[m * k] : new double[1];
        double[] vt = vectors ? new double[k * n] : new double[1];
        check(
                "dgesdd",
                openblas.LAPACKE_dgesdd(
                        openblas.LAPACK_COL_MAJOR,
                        (byte) (vectors ? 'S' : 'N'),
                        m,
                        n,
                        a,
                        Math.max(1, m),
                        s,
                        u,
                        Math.max(1, m),
                        vt,
                        Math.max(1, k)),
                a);
        return new double[][] {u, s, vt};
    }

    /** Single-precision {@link #svd(double[], int, int, boolean)}. */
    static float[][] svd(float[] a, int m, int n, boolean vectors) {
        requireFinite("sgesdd", a);
        int k = Math.min(m, n);
        float[] s = new float[k];
        float[] u = vectors ? new float[m * k] : new float[1];
        float[] vt = vectors ? new float[k * n] : new float[1];
        check(
                "sgesdd",
                openblas.LAPACKE_sgesdd(
                        openblas.LAPACK_COL_MAJOR,
                        (byte) (vectors ? 'S' : 'N'),
                        m,
                        n,
                        a,
                        Math.max(1, m),
                        s,
                        u,
                        Math.max(1, m),
                        vt,
                        Math.max(1, k)),
                a);
        return new float[][] {u, s, vt};
    }

    /**
     * The k largest singular triplets of a column-major m×n matrix (overwritten), 1 ≤ k ≤ min(m, n): {U (m×k),
     * S (k), Vᵀ (k×n)}, all column-major. Bidiagonal reduction, then bisection and inverse iteration for the wanted
     * values and vectors only ({@code dgesvdx}).
     */
    static double[][] topSvd(double[] a, int m, int n, int k) {
        requireFinite("dgesvdx", a);
        double[] s = new double[Math.min(m, n)];
        double[] u = new double[m * k];
        double[] vt = new double[k * n];
        int[] found = new int[1];
        int[] fails = new int[12 * Math.min(m, n)];
        check(
                "dgesvdx",
                openblas.LAPACKE_dgesvdx(
                        openblas.LAPACK_COL_MAJOR,
                        (byte) 'V',
                        (byte) 'V',
                        (byte) 'I',
                        m,
                        n,
                        a,
                        Math.max(1, m),
                        0,
                        0,
                        1,
                        k,
                        found,
                        s,
                        u,
                        Math.max(1, m),
                        vt,
                        Math.max(1, k),
                        fails),
                a);
        checkFound("dgesvdx", found[0], k);
        return new double[][] {u, Arrays.copyOf(s, k), vt};
    }

    /** Single-precision {@link #topSvd(double[], int, int, int)} ({@code sgesvdx}). */
    static float[][] topSvd(float[] a, int m, int n, int k) {
        requireFinite("sgesvdx", a);
        float[] s = new float[Math.min(m, n)];
        float[] u = new float[m * k];
        float[] vt = new float[k * n];
        int[] found = new int[1];
        int[] fails = new int[12 * Math.min(m, n)];
        check(
                "sgesvdx",
                openblas.LAPACKE_sgesvdx(
                        openblas.LAPACK_COL_MAJOR,
                        (byte) 'V',
                        (byte) 'V',
                        (byte) 'I',
                        m,
                        n,
                        a,
                        Math.max(1, m),
                        0f,
                        0f,
                        1,
                        k,
                        found,
                        s,
                        u,
                        Math.max(1, m),
                        vt,
                        Math.max(1, k),
                        fails),
                a);
        checkFound("sgesvdx", found[0], k);
        return new float[][] {u, Arrays.copyOf(s, k), vt};
    }

    /**
     * {@link #topSvd(float[], int, int, int)} of a column-major matrix in native memory (overwritten), so that a
     * large input is not copied through JNI.
     */
    static float[][] topSvd(FloatPointer a, int m, int n, int k) {
        requireFinite(
                "sgesvdx",
                a.position(0).asByteBuffer().limit((int) Math.min(Integer.MAX_VALUE, (long) m * n * 4)),
                DType.F32);
        int small = Math.min(m, n);
        try (FloatPointer s = new FloatPointer(small);
                FloatPointer u = new FloatPointer((long) m * k);
                FloatPointer vt = new FloatPointer((long) k * n);
                IntPointer found = new IntPointer(1L);
                IntPointer fails = new IntPointer(12L * small)) {
            int info = openblas.LAPACKE_sgesvdx(
                    openblas.LAPACK_COL_MAJOR,
                    (byte) 'V',
                    (byte) 'V',
                    (byte) 'I',
                    m,
                    n,
                    a.position(0),
                    Math.max(1, m),
                    0f,
                    0f,
                    1,
                    k,
                    found,
                    s,
                    u,
                    Math.max(1, m),
                    vt,
                    Math.max(1, k),
                    fails);
            if (info != 0) {
                float[] input = new float[Math.multiplyExact(m, n)];
                a.position(0).get(input);
                check("sgesvdx", info, input);
            }
            checkFound("sgesvdx", found.get(0), k);
            float[][] out = {new float[m * k], new float[k], new float[k * n]};
            u.get(out[0]);
            s.get(out[1]);
            vt.get(out[2]);
            return out;
        }
    }

    /** Double-precision {@link #topSvd(FloatPointer, int, int, int)}. */
    static double[][] topSvd(DoublePointer a, int m, int n, int k) {
        requireFinite(
                "dgesvdx",
                a.position(0).asByteBuffer().limit((int) Math.min(Integer.MAX_VALUE, (long) m * n * 8)),
                DType.F64);
        int small = Math.min(m, n);
        try (DoublePointer s = new DoublePointer(small);
                DoublePointer u = new DoublePointer((long) m * k);
                DoublePointer vt = new DoublePointer((long) k * n);
                IntPointer found = new IntPointer(1L);
                IntPointer fails = new IntPointer(12L * small)) {
            int info = openblas.LAPACKE_dgesvdx(
                    openblas.LAPACK_COL_MAJOR,
                    (byte) 'V',
                    (byte) 'V',
                    (byte) 'I',
                    m,
                    n,
                    a.position(0),
                    Math.max(1, m),
                    0,
                    0,
                    1,
                    k,
                    found,
                    s,
                    u,
                    Math.max(1, m),
                    vt,
                    Math.max(1, k),
                    fails);
            if (info != 0) {
                double[] input = new double[Math.multiplyExact(m, n)];
                a.position(0).get(input);
                check("dgesvdx", info, input);
            }
            checkFound("dgesvdx", found.get(0), k);
            double[][] out = {new double[m * k], new double[k], new double[k * n]};
            u.get(out[0]);
            s.get(out[1]);
            vt.get(out[2]);
            return out;
        }
    }

    private static void checkFound(String routine, int found, int wanted) {
        if (found != wanted) {
            throw new NumericFailure("LAPACK " + routine + " found " + found + " of the " + wanted
                    + " singular values asked for (the matrix holds values it cannot resolve)");
        }
    }

    /**
     * Refuses a matrix holding NaN or an infinity before LAPACK sees it: LAPACKE's NaN check lets infinities through,
     * and {@code sgesdd} given one was measured iterating for over ten minutes without returning.
     */
    private static void requireFinite(String routine, float[] a) {
        int bad = nonFiniteCount(a);
        if (bad > 0) {
            throw new NumericFailure("LAPACK " + routine + " was not called: " + nonFinite(bad, a.length));
        }
    }

    /** {@link #requireFinite(String, float[])} in double precision. */
    private static void requireFinite(String routine, double[] a) {
        int bad = nonFiniteCount(a);
        if (bad > 0) {
            throw new NumericFailure("LAPACK " + routine + " was not called: " + nonFinite(bad, a.length));
        }
    }

    /** {@link #requireFinite(String, float[])} for a matrix in native memory (scanned in place, no copy). */
    private static void requireFinite(String routine, ByteBuffer bytes, DType dtype) {
        long first = Tensor.firstNonFinite(dtype, bytes.order(ByteOrder.LITTLE_ENDIAN));
        if (first >= 0) {
            throw new NumericFailure(
                    "LAPACK " + routine + " was not called: its input holds NaN or an infinity (first at "
                            + "flat index " + first + " of " + bytes.remaining() / dtype.byteSize() + ")");
        }
    }

    /** {@link #check(String, int)}, saying how many of the input's values were not finite when the routine failed. */
    private static void check(String routine, int info, float[] input) {
        if (info != 0) {
            check(routine, info, nonFinite(nonFiniteCount(input), input.length));
        }
    }

    /** {@link #check(String, int, float[])} for double precision. */
    private static void check(String routine, int info, double[] input) {
        if (info != 0) {
            check(routine, info, nonFinite(nonFiniteCount(input), input.length));
        }
    }

    /** How many of the values are NaN or infinite. */
    private static int nonFiniteCount(float[] values) {
        int bad = 0;
        for (float v : values) {
            bad += Float.isFinite(v) ? 0 : 1;
        }
        return bad;
    }

    /** {@link #nonFiniteCount(float[])} in double precision. */
    private static int nonFiniteCount(double[] values) {
        int bad = 0;
        for (double v : values) {
            bad += Double.isFinite(v) ? 0 : 1;
        }
        return bad;
    }

    private static String nonFinite(int bad, int total) {
        return bad == 0 ? "" : bad + " of the " + total + " values of its input are NaN or infinite";
    }

    /**
     * A negative {@code info} with a non-finite input is LAPACKE's NaN check refusing the matrix (it reports the
     * matrix argument as invalid): a {@link NumericFailure}. Without one it is a wrong argument, a bug. A positive
     * {@code info} is a routine that did not converge.
     */
    private static void check(String routine, int info, String nonFinite) {
        if (info < 0 && nonFinite.isEmpty()) {
            throw new IllegalStateException(
                    "LAPACK " + routine + ": argument " + (-info) + " was invalid (a bug in LoRAlgebra)");
        }
        if (info < 0) {
            throw new NumericFailure("LAPACK " + routine + " refused its input: " + nonFinite);
        }
        if (info > 0) {
            throw new NumericFailure("LAPACK " + routine + " did not converge (info " + info + ")"
                    + (nonFinite.isEmpty() ? "" : ": " + nonFinite));
        }
    }
}
