package org.loralgebra.cuda;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Backend.Qr;
import org.loralgebra.exec.Backend.Svd;
import org.loralgebra.exec.BackendUnavailableException;
import org.loralgebra.exec.Backends;
import org.loralgebra.exec.Matrix;
import org.loralgebra.lang.Precision;

/**
 * Every {@link Backend} operation of the cuda backend against closed forms on seeded matrices, in F32 and F64:
 * products against a triple loop in double, QR and the Gram root by their defining identities, SVDs (one by one and
 * batched) of matrices built as U·diag(s)·Vᵀ from known orthonormal U, V and s; the batch operations (products, Gram
 * roots, QRs with a nearly rank-deficient member, singular values) by the same identities. Tolerances: 1e-5 relative in F32,
 * 1e-10 in F64. An operation that throws fails its check and the others still run. Run by {@link CudaBackendTest} where a GPU is, and by the device kit's script as a {@code main}
 * (exit 0: all passed, 1: a check failed, 2: no GPU).
 */
public final class CudaChecks {
    private final Backend be;
    private final double tol;
    private final Random rnd;
    private final List<String> lines = new ArrayList<>();
    private int failures;

    CudaChecks(Backend be) {
        this(be, new Random(19));
    }

    private CudaChecks(Backend be, Random rnd) {
        this.be = be;
        this.rnd = rnd;
        this.tol = be == null || be.precision() == Precision.F64 ? 1e-10 : 1e-5;
    }

    /** Runs the checks on F32 and F64, prints one line per check; exits 0, 1 (a failure) or 2 (no GPU). */
    public static void main(String[] args) {
        int failed = 0;
        for (Precision p : List.of(Precision.F32, Precision.F64)) {
            Backend be;
            try {
                be = Backends.create("cuda", p);
            } catch (BackendUnavailableException e) {
                System.out.println("no GPU: " + e.getMessage());
                System.exit(2);
                return;
            } catch (RuntimeException e) { // found a GPU but did not start: the other precision may
                System.out.println("FAIL " + p + ": the cuda backend did not start: "
                        + e.getClass().getSimpleName() + ": " + e.getMessage());
                failed++;
                continue;
            }
            CudaChecks c = new CudaChecks(be);
            c.all();
            c.lines.forEach(System.out::println);
            failed += c.failures;
        }
        System.out.println(failed == 0 ? "cuda checks: all passed" : "cuda checks: " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }

    /**
     * Every check; the lines say what each measured. A check whose operation throws (a CUDA, cuBLAS or cuSOLVER error,
     * say) is a failure with the exception's message, and the checks after it still run.
     */
    List<String> all() {
        for (int[] s : new int[][] {{7, 5, 3}, {64, 16, 300}, {1, 9, 4}}) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    guarded(
                            "matmul " + s[0] + "x" + s[1] + "·" + s[1] + "x" + s[2],
                            () -> product(s[0], s[1], s[2], ta, tb));
                }
            }
        }
        guarded("qr 50x8", () -> qr(50, 8));
        guarded("qr 8x50", () -> qr(8, 50));
        guarded("qr 512x16", () -> qr(4096 / 8, 16));
        guarded("gramRoot 300x16", () -> gramRoot(300, 16));
        guarded("gramRoot 5x12", () -> gramRoot(5, 12));
        guarded("svd 40x12", () -> svd(40, 12));
        guarded("svd 12x40", () -> svd(12, 40));
        guarded("svd 256x64", () -> svd(256, 64));
        guarded("topSvd 600x300", () -> topSvd(600, 300, 16));
        guarded("svdBatch 37×16x16", () -> svdBatch(16, 16, 37));
        guarded("svdBatch 3×40x40", () -> svdBatch(40, 40, 3));
        guarded("singularValuesBatch 23×16x16", () -> singularValuesBatch(16, 16, 23));
        guarded("singularValuesBatch 4×32x32", () -> singularValuesBatch(32, 32, 4));
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                guarded("matmulBatch 9×7x16·16x16", () -> matmulBatch(7, 16, 16, 9, ta, tb));
            }
        }
        guarded("matmulBatch 3×4096x16·16x16", () -> matmulBatch(4096, 16, 16, 3, false, false));
        guarded("gramRootBatch 12×300x16", () -> gramRootBatch(300, 16, 12));
        guarded("gramRootBatch 3×4096x32", () -> gramRootBatch(4096, 32, 3));
        guarded("gramRootBatch 2×100x40", () -> gramRootBatch(100, 40, 2));
        guarded("qrBatch 9×512x16", () -> qrBatch(4096 / 8, 16, 9));
        guarded("qrBatch 3×300x48", () -> qrBatch(300, 48, 3));
        return lines;
    }

    /** Runs one check; an exception it throws is recorded as a failure of {@code what}, with its message. */
    private void guarded(String what, Runnable check) {
        try {
            check.run();
        } catch (RuntimeException e) {
            failures++;
            lines.add("FAIL " + be.precision() + " " + what + ": threw "
                    + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    int failures() {
        return failures;
    }

    private void record(String what, double err, double limit) {
        boolean ok = err <= limit;
        if (!ok) {
            failures++;
        }
        lines.add((ok ? "ok   " : "FAIL ") + be.precision() + " " + what + ": error " + err + " (limit " + limit + ")");
    }

    private double[] gaussian(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }

    private void product(int m, int k, int n, boolean ta, boolean tb) {
        double[] a = gaussian(m * k);
        double[] b = gaussian(k * n);
        Matrix ma = ta ? be.fromRowMajor(k, m, transpose(a, m, k)) : be.fromRowMajor(m, k, a);
        Matrix mb = tb ? be.fromRowMajor(n, k, transpose(b, k, n)) : be.fromRowMajor(k, n, b);
        double[] got = be.toRowMajor(be.matmul(ma, ta, mb, tb));
        double[] want = multiply(a, b, m, k, n);
        record(
                "matmul " + m + "x" + k + "·" + k + "x" + n + (ta ? " Aᵀ" : "") + (tb ? " Bᵀ" : ""),
                maxDiff(got, want) / Math.max(1, maxAbs(want)),
                tol * Math.sqrt(k));
    }

    private void qr(int m, int n) {
        double[] a = gaussian(m * n);
        Qr qr = be.qr(be.fromRowMajor(m, n, a));
        int k = Math.min(m, n);
        double[] q = be.toRowMajor(qr.q());
        double[] r = be.toRowMajor(qr.r());
        double below = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < Math.min(i, n); j++) {
                below = Math.max(below, Math.abs(r[i * n + j]));
            }
        }
        record("qr " + m + "x" + n + ": Q·R − A", maxDiff(multiply(q, r, m, k, n), a) / maxAbs(a), tol * 10);
        record(
                "qr " + m + "x" + n + ": QᵀQ − I",
                maxDiff(multiply(transpose(q, m, k), q, k, m, k), identity(k)),
                tol * 10);
        record("qr " + m + "x" + n + ": R below the diagonal", below, 0);
    }

    private void gramRoot(int m, int n) {
        double[] a = gaussian(m * n);
        Matrix r = be.gramRoot(be.fromRowMajor(m, n, a));
        int k = r.rows();
        double[] rv = be.toRowMajor(r);
        double[] rtr = multiply(transpose(rv, k, n), rv, n, k, n);
        double[] ata = multiply(transpose(a, m, n), a, n, m, n);
        record("gramRoot " + m + "x" + n + ": RᵀR − AᵀA", maxDiff(rtr, ata) / maxAbs(ata), tol * 10);
    }

    /** A = U·diag(s)·Vᵀ (rows×cols) with known factors: {A, s}. */
    static double[][] knownSvd(Random rnd, int m, int n) {
        return new CudaChecks(null, rnd).known(m, n);
    }

    /** A = U·diag(s)·Vᵀ with orthonormal U [m, k], V [n, k] and s = 10, 10/1.5, ... */
    private double[][] known(int m, int n) {
        int k = Math.min(m, n);
        double[] u = orthonormalColumns(m, k);
        double[] v = orthonormalColumns(n, k);
        double[] s = new double[k];
        for (int i = 0; i < k; i++) {
            s[i] = 10 * Math.pow(1.5, -i);
        }
        double[] us = u.clone();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < k; j++) {
                us[i * k + j] *= s[j];
            }
        }
        return new double[][] {multiply(us, transpose(v, n, k), m, k, n), s};
    }

    private void svd(int m, int n) {
        double[][] known = known(m, n);
        Svd svd = be.svd(be.fromRowMajor(m, n, known[0]));
        checkSvd("svd " + m + "x" + n, svd, known, m, n);
    }

    private void topSvd(int m, int n, int k) {
        double[][] known = known(m, n);
        Svd top = be.topSvd(be.fromRowMajor(m, n, known[0]), k);
        record(
                "topSvd " + m + "x" + n + " k=" + k + ": σ − s",
                maxDiff(top.s(), Arrays.copyOf(known[1], k)) / known[1][0],
                tol * 100);
    }

    /** {@code count} matrices of {@link #known}'s kind, drawn in order. */
    private List<double[][]> knowns(int m, int n, int count) {
        List<double[][]> knowns = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            knowns.add(known(m, n));
        }
        return knowns;
    }

    private void svdBatch(int m, int n, int count) {
        List<double[][]> knowns = knowns(m, n, count);
        List<Matrix> in =
                knowns.stream().map(known -> be.fromRowMajor(m, n, known[0])).toList();
        List<Svd> out = be.svdBatch(in);
        for (int b = 0; b < count; b++) {
            checkSvd("svdBatch " + count + "×" + m + "x" + n + " #" + b, out.get(b), knowns.get(b), m, n);
        }
    }

    private void singularValuesBatch(int m, int n, int count) {
        List<double[][]> knowns = knowns(m, n, count);
        List<Matrix> in =
                knowns.stream().map(known -> be.fromRowMajor(m, n, known[0])).toList();
        List<double[]> out = be.singularValuesBatch(in);
        double err = 0;
        for (int b = 0; b < count; b++) {
            err = Math.max(err, maxDiff(out.get(b), knowns.get(b)[1]) / knowns.get(b)[1][0]);
        }
        record("singularValuesBatch " + count + "×" + m + "x" + n + ": σ − s (worst)", err, tol * 10);
    }

    /** {@code count} products of op(A) m×k by op(B) k×n against the triple loop in double. */
    private void matmulBatch(int m, int k, int n, int count, boolean ta, boolean tb) {
        List<Matrix> as = new ArrayList<>();
        List<Matrix> bs = new ArrayList<>();
        List<double[]> wants = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double[] a = gaussian(m * k);
            double[] b = gaussian(k * n);
            as.add(ta ? be.fromRowMajor(k, m, transpose(a, m, k)) : be.fromRowMajor(m, k, a));
            bs.add(tb ? be.fromRowMajor(n, k, transpose(b, k, n)) : be.fromRowMajor(k, n, b));
            wants.add(multiply(a, b, m, k, n));
        }
        List<Matrix> got = be.matmulBatch(as, ta, bs, tb);
        double err = 0;
        for (int i = 0; i < count; i++) {
            double[] want = wants.get(i);
            err = Math.max(err, maxDiff(be.toRowMajor(got.get(i)), want) / Math.max(1, maxAbs(want)));
        }
        record(
                "matmulBatch " + count + "×" + m + "x" + k + "·" + k + "x" + n + (ta ? " Aᵀ" : "") + (tb ? " Bᵀ" : "")
                        + " (worst)",
                err,
                tol * Math.sqrt(k));
    }

    private void gramRootBatch(int m, int n, int count) {
        List<Matrix> in = new ArrayList<>();
        List<double[]> as = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double[] a = gaussian(m * n);
            as.add(a);
            in.add(be.fromRowMajor(m, n, a));
        }
        List<Matrix> rs = be.gramRootBatch(in);
        double err = 0;
        for (int i = 0; i < count; i++) {
            Matrix r = rs.get(i);
            double[] rv = be.toRowMajor(r);
            double[] rtr = multiply(transpose(rv, r.rows(), n), rv, n, r.rows(), n);
            double[] ata = multiply(transpose(as.get(i), m, n), as.get(i), n, m, n);
            err = Math.max(
                    err, r.rows() == Math.min(m, n) ? maxDiff(rtr, ata) / maxAbs(ata) : Double.POSITIVE_INFINITY);
        }
        record("gramRootBatch " + count + "×" + m + "x" + n + ": RᵀR − AᵀA (worst)", err, tol * 10);
    }

    /**
     * {@code count} QRs of m×n matrices, the last one nearly rank-deficient (its last column the first plus 1e-9 noise:
     * κ ≈ 1e9, which a device's CholeskyQR must hand to Householder QR): Q·R − A, QᵀQ − I, R upper triangular.
     */
    private void qrBatch(int m, int n, int count) {
        List<Matrix> in = new ArrayList<>();
        List<double[]> as = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double[] a = gaussian(m * n);
            if (i == count - 1) {
                for (int row = 0; row < m; row++) {
                    a[row * n + n - 1] = a[row * n] + 1e-9 * rnd.nextGaussian();
                }
            }
            as.add(a);
            in.add(be.fromRowMajor(m, n, a));
        }
        List<Qr> out = be.qrBatch(in);
        double residual = 0;
        double orthogonality = 0;
        double below = 0;
        for (int i = 0; i < count; i++) {
            double[] q = be.toRowMajor(out.get(i).q());
            double[] r = be.toRowMajor(out.get(i).r());
            for (int row = 0; row < n; row++) {
                for (int col = 0; col < row; col++) {
                    below = Math.max(below, Math.abs(r[row * n + col]));
                }
            }
            residual = Math.max(residual, maxDiff(multiply(q, r, m, n, n), as.get(i)) / maxAbs(as.get(i)));
            orthogonality = Math.max(orthogonality, maxDiff(multiply(transpose(q, m, n), q, n, m, n), identity(n)));
        }
        String what = "qrBatch " + count + "×" + m + "x" + n;
        record(what + ": Q·R − A (worst)", residual, tol * 10);
        record(what + ": QᵀQ − I (worst)", orthogonality, tol * 10);
        record(what + ": R below the diagonal", below, 0);
    }

    private void checkSvd(String what, Svd svd, double[][] known, int m, int n) {
        int k = svd.s().length;
        double[] u = be.toRowMajor(svd.u());
        double[] vt = be.toRowMajor(svd.vt());
        double[] us = u.clone();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < k; j++) {
                us[i * k + j] *= svd.s()[j];
            }
        }
        record(what + ": σ − s", maxDiff(svd.s(), known[1]) / known[1][0], tol * 10);
        record(what + ": U·S·Vᵀ − A", maxDiff(multiply(us, vt, m, k, n), known[0]) / known[1][0], tol * 10);
    }

    private double[] orthonormalColumns(int rows, int k) {
        double[] g = gaussian(rows * k);
        for (int j = 0; j < k; j++) {
            for (int pass = 0; pass < 2; pass++) {
                for (int p = 0; p < j; p++) {
                    double dot = 0;
                    for (int i = 0; i < rows; i++) {
                        dot += g[i * k + j] * g[i * k + p];
                    }
                    for (int i = 0; i < rows; i++) {
                        g[i * k + j] -= dot * g[i * k + p];
                    }
                }
            }
            double norm = 0;
            for (int i = 0; i < rows; i++) {
                norm += g[i * k + j] * g[i * k + j];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < rows; i++) {
                g[i * k + j] /= norm;
            }
        }
        return g;
    }

    static double[] multiply(double[] a, double[] b, int m, int k, int n) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                double x = a[i * k + p];
                for (int j = 0; j < n; j++) {
                    c[i * n + j] += x * b[p * n + j];
                }
            }
        }
        return c;
    }

    static double[] transpose(double[] a, int rows, int cols) {
        double[] t = new double[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = a[i * cols + j];
            }
        }
        return t;
    }

    private static double[] identity(int k) {
        double[] e = new double[k * k];
        for (int i = 0; i < k; i++) {
            e[i * k + i] = 1;
        }
        return e;
    }

    static double maxDiff(double[] x, double[] y) {
        if (x.length != y.length) {
            return Double.POSITIVE_INFINITY;
        }
        double d = 0;
        for (int i = 0; i < x.length; i++) {
            d = Math.max(d, Math.abs(x[i] - y[i]));
        }
        return d;
    }

    static double maxAbs(double[] x) {
        double d = 0;
        for (double v : x) {
            d = Math.max(d, Math.abs(v));
        }
        return d;
    }
}
