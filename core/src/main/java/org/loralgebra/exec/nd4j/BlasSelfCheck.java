package org.loralgebra.exec.nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.function.Supplier;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas;
import org.loralgebra.exec.BackendCheckException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Checks, once per process and before anything is computed, that the BLAS and LAPACK routines the ND4J backend
 * calls return right numbers on this machine, in both precisions: every routine of {@link Lapack} and
 * {@link HostBlas}, ND4J's {@code gemm} in every transpose and layout, and the {@code ?asum} screen of the NaN scan.
 * Each result is measured against what it claims (orthonormal factors, reconstruction, singular triplets, agreement
 * with a plain-Java product) at the sizes that exposed OpenBLAS 0.3.19's wrong {@code dgesdd} vectors on its
 * AVX-512 kernels (120×80, top 40). It takes milliseconds.
 *
 * <p>A failure refuses every later computation with a {@link BackendCheckException} naming the routine, the error
 * measured, the processor, the library's kernels and the {@code OPENBLAS_CORETYPE} to run with instead: a library
 * that returns wrong numbers must never produce a result. {@code java … BlasSelfCheck} runs the check alone.
 *
 * <p>A pass is cached per machine ({@link BlasVerdictCache}, keyed by {@link BlasCheckKey}: the CPU, the OpenBLAS
 * build and environment, the ND4J and JavaCPP versions and {@link #CHECK_VERSION}), so a later process with the same
 * key skips the check. Failures are never cached. {@code LORA_BLAS_CHECK=always} runs the check in every process.
 */
public final class BlasSelfCheck {
    /** The version of the check itself, part of the cache key: bump it whenever the checks change. */
    static final int CHECK_VERSION = 2;

    /** The environment variable that, set to {@code always}, makes every process run the check (no cached verdict). */
    static final String FORCE_VARIABLE = "LORA_BLAS_CHECK";

    /** Rows and columns of the test matrix: the shape at which the wrong dgesdd vectors were found. */
    static final int ROWS = 120;

    static final int COLS = 80;
    /** Triplets asked of the top-k SVD (the failing case), and of the native-buffer variant. */
    static final int TOP = 40;

    static final int TOP_NATIVE = 8;
    /** Largest error accepted, by precision (right results measure about 1e-14 and 1e-6). */
    static final double TOLERANCE_F64 = 1e-9;

    static final double TOLERANCE_F32 = 1e-3;

    /** One measured error above its tolerance. */
    record Finding(String routine, String what, String shape, double measured, double tolerance) {
        @Override
        public String toString() {
            return routine + " (" + what + ", " + shape + "): " + String.format("%.3g", measured) + " where at most "
                    + String.format("%.0g", tolerance) + " is right";
        }
    }

    /** What one run of the check found, with the number of measurements made and the time it took. */
    record Result(List<Finding> findings, int measurements, double millis) {
        boolean passed() {
            return findings.isEmpty();
        }
    }

    static {
        Loader.load(openblas.class);
    }

    private BlasSelfCheck() {}

    /**
     * This process's verdict: the check's result when it ran here, or the number of measurements of the pass cached
     * for this machine when it did not.
     *
     * @param result       what the check found, when it ran in this process
     * @param cachedPass   the measurements of the cached pass found before deciding, if one was found
     * @param cacheWritten whether a pass was recorded in the cache by this process
     */
    record Verdict(Optional<Result> result, OptionalInt cachedPass, boolean cacheWritten) {
        boolean passed() {
            return result.map(Result::passed).orElse(true);
        }

        /** Whether the check was skipped because of a cached pass. */
        boolean fromCache() {
            return result.isEmpty();
        }
    }

    private static final class Once {
        static final Verdict VERDICT = decide(
                forced(System.getenv(FORCE_VARIABLE)) ? Optional.empty() : BlasCheckKey.current(),
                BlasVerdictCache.user(),
                BlasSelfCheck::run);
    }

    /** Whether the value of {@code LORA_BLAS_CHECK} asks for the check in every process. */
    static boolean forced(String value) {
        return value != null && value.trim().equalsIgnoreCase("always");
    }

    /**
     * Uses the pass cached under {@code key}, else runs {@code check} and caches its verdict if (and only if) it
     * passed. Without a key (unidentified machine, or the check forced) the check runs and nothing is cached.
     */
    static Verdict decide(Optional<BlasCheckKey> key, Optional<BlasVerdictCache> cache, Supplier<Result> check) {
        OptionalInt cached = OptionalInt.empty();
        if (key.isPresent() && cache.isPresent()) {
            cached = cache.get().pass(key.get());
            if (cached.isPresent()) {
                return new Verdict(Optional.empty(), cached, false);
            }
        }
        return checkNow(key, cache, cached, check);
    }

    /** Runs {@code check} and records a pass under {@code key} (never a failure). */
    private static Verdict checkNow(
            Optional<BlasCheckKey> key, Optional<BlasVerdictCache> cache, OptionalInt cached, Supplier<Result> check) {
        Result r = check.get();
        boolean written = r.passed()
                && key.isPresent()
                && cache.isPresent()
                && cache.get().recordPass(key.get(), r.measurements());
        return new Verdict(Optional.of(r), cached, written);
    }

    /**
     * Returns when the routines passed (checked once per process, or passed earlier on this machine and library);
     * refuses otherwise.
     *
     * @throws BackendCheckException naming the routine, the measured error, the CPU, the kernels and the way out
     */
    public static void ensure() {
        Verdict v = Once.VERDICT;
        if (!v.passed()) {
            throw new BackendCheckException(describe(v.result().orElseThrow().findings(), CpuDescription.current()));
        }
    }

    /**
     * A line for reports: "N checks passed in X ms on <CPU>, <kernels>", or "N checks passed (verdict cached …) on
     * …" when this process used the cached pass (runs the check if nothing has decided yet).
     */
    public static String summary() {
        return summary(Once.VERDICT);
    }

    private static String summary(Verdict v) {
        CpuDescription cpu = CpuDescription.current();
        String what = v.result()
                .map(r -> (r.passed()
                                ? r.measurements() + " checks passed"
                                : r.findings().size() + " of " + r.measurements() + " checks FAILED")
                        + " in " + String.format("%.0f", r.millis()) + " ms")
                .orElse(v.cachedPass().orElse(0) + " checks passed (verdict cached from an earlier run on this"
                        + " machine and library)");
        return what + " on " + cpu + ", " + cpu.kernels();
    }

    /**
     * For {@code lora self-check}: the check run in this process (now, unless it already ran here), the cache
     * refreshed with a pass, and whether a cached verdict existed: "… ; verdict: checked (cached pass before: yes)".
     *
     * @throws BackendCheckException when the check run now fails (the cached pass, if any, is removed)
     */
    public static String checkAndRefresh() {
        Verdict v = Once.VERDICT;
        if (v.fromCache()) {
            Optional<BlasCheckKey> key = BlasCheckKey.current();
            Optional<BlasVerdictCache> cache = BlasVerdictCache.user();
            v = checkNow(key, cache, v.cachedPass(), BlasSelfCheck::run);
            if (!v.passed() && key.isPresent() && cache.isPresent()) {
                cache.get().forget(key.get());
            }
        }
        if (!v.passed()) {
            throw new BackendCheckException(describe(v.result().orElseThrow().findings(), CpuDescription.current()));
        }
        return summary(v) + "; verdict: checked (cached pass before: "
                + (v.cachedPass().isPresent() ? "yes" : "no") + ", cache "
                + (v.cacheWritten() ? "refreshed" : "not written") + ")";
    }

    /** How this process's verdict came about, for logs and tests: "verdict: cached" or "verdict: checked". */
    static String verdictSource() {
        return Once.VERDICT.fromCache() ? "verdict: cached" : "verdict: checked";
    }

    /** The message of a refusal. */
    static String describe(List<Finding> findings, CpuDescription cpu) {
        StringBuilder s =
                new StringBuilder("the BLAS/LAPACK library returns wrong numbers on this machine, so LoRAlgebra "
                        + "computes nothing with it. ");
        s.append(findings.size() == 1 ? "Failed check: " : "Failed checks: ");
        for (int i = 0; i < findings.size(); i++) {
            s.append(i == 0 ? "" : "; ").append(findings.get(i));
        }
        s.append(". CPU: ")
                .append(cpu)
                .append("; OpenBLAS ")
                .append(openblasVersion())
                .append(" with ")
                .append(cpu.kernels())
                .append(". Way out: run with OPENBLAS_CORETYPE=")
                .append(cpu.saferCoretype())
                .append(" (for example `OPENBLAS_CORETYPE=")
                .append(cpu.saferCoretype())
                .append(" lora …`, or export it before starting Java or Jupyter), which selects older kernels; ")
                .append("check with `lora self-check` (or `java -cp <class path> ")
                .append(BlasSelfCheck.class.getName())
                .append("`), and report the CPU and this message to the LoRAlgebra maintainers.");
        return s.toString();
    }

    /** The version of the OpenBLAS preset on the class path, read at run time (the constant would be inlined at build). */
    static String openblasVersion() {
        try {
            Object v = openblas.class.getField("OPENBLAS_VERSION").get(null);
            return String.valueOf(v).replace("OpenBLAS", "").trim();
        } catch (ReflectiveOperationException e) {
            return "(version unknown)";
        }
    }

    /** OpenBLAS's build-time core name (DYNAMIC_ARCH builds: the baseline), read at run time. */
    static String openblasCoreName() {
        try {
            return String.valueOf(
                    openblas.class.getField("OPENBLAS_CHAR_CORENAME").get(null));
        } catch (ReflectiveOperationException e) {
            return "(core name unknown)";
        }
    }

    /** Runs every check now (not cached). */
    static Result run() {
        long start = System.nanoTime();
        Checks c = new Checks();
        Random rnd = new Random(20_261_206L);
        double[] a = new double[ROWS * COLS];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextGaussian();
        }
        double[] b = new double[COLS * 60];
        for (int i = 0; i < b.length; i++) {
            b[i] = rnd.nextGaussian();
        }
        guarded(c, "F64 routines", () -> checkDouble(c, a, b));
        guarded(c, "F32 routines", () -> checkFloat(c, rounded(a), rounded(b)));
        guarded(c, "?asum", () -> checkAsum(c));
        return new Result(List.copyOf(c.findings), c.measurements, (System.nanoTime() - start) / 1e6);
    }

    /** Runs a group of checks; a routine that fails outright (an error status, a crash of the wrapper) is a finding. */
    private static void guarded(Checks c, String group, Runnable checks) {
        try {
            checks.run();
        } catch (RuntimeException e) {
            c.findings.add(new Finding(group, "failed: " + e.getMessage(), ROWS + "×" + COLS, Double.NaN, 0));
        }
    }

    /** Measurements, and those above tolerance. */
    private static final class Checks {
        final List<Finding> findings = new ArrayList<>();
        int measurements;

        void expect(String routine, String what, String shape, double measured, double tolerance) {
            measurements++;
            if (!(measured <= tolerance)) { // NaN fails too
                findings.add(new Finding(routine, what, shape, measured, tolerance));
            }
        }
    }

    private static void checkDouble(Checks c, double[] a, double[] b) {
        double tol = TOLERANCE_F64;
        for (boolean wide : new boolean[] {false, true}) {
            int m = wide ? COLS : ROWS;
            int n = wide ? ROWS : COLS;
            double[] x = wide ? Residuals.transpose(a, ROWS, COLS) : a;
            String shape = m + "×" + n;
            double[][] usv = Lapack.svd(x.clone(), m, n, true);
            svdChecks(c, "LAPACKE_dgesdd", shape, x, m, n, usv, Math.min(m, n), tol);
            double[] values = Lapack.svd(x.clone(), m, n, false)[1];
            c.expect(
                    "LAPACKE_dgesdd",
                    "singular values without vectors vs with",
                    shape,
                    Residuals.relativeMaxDifference(values, usv[1]),
                    tol);
            double[][] qr = Lapack.qr(x.clone(), m, n);
            qrChecks(c, "LAPACKE_dgeqrf/dorgqr", shape, x, m, n, qr, tol);
        }
        String shape = ROWS + "×" + COLS;
        double[] full = Lapack.svd(a.clone(), ROWS, COLS, false)[1];
        double[][] top = Lapack.topSvd(a.clone(), ROWS, COLS, TOP);
        topChecks(c, "LAPACKE_dgesvdx", shape + ", top " + TOP, a, top, TOP, full, tol);
        try (DoublePointer native_ = new DoublePointer(a)) {
            double[][] topNative = Lapack.topSvd(native_, ROWS, COLS, TOP_NATIVE);
            topChecks(
                    c,
                    "LAPACKE_dgesvdx",
                    shape + ", top " + TOP_NATIVE + " in native memory",
                    a,
                    topNative,
                    TOP_NATIVE,
                    full,
                    tol);
        }
        double[] gram = gram(a, ROWS, COLS);
        double[] vectors = gram.clone();
        double[] lambda = Lapack.symmetricEigen(vectors, COLS);
        String square = COLS + "×" + COLS;
        c.expect("LAPACKE_dsyevd", "max |VᵀV − I|", square, Residuals.orthonormalColumns(vectors, COLS, COLS), tol);
        c.expect(
                "LAPACKE_dsyevd",
                "max ‖S·v − λ·v‖ / max|λ|",
                square,
                Residuals.eigenResidual(gram, COLS, lambda, vectors),
                tol);
        double[] ascending = new double[COLS];
        for (int i = 0; i < COLS; i++) {
            ascending[i] = Math.sqrt(Math.max(0, lambda[COLS - 1 - i]));
        }
        c.expect(
                "LAPACKE_dsyevd",
                "√eigenvalues of AᵀA vs singular values of A",
                square,
                Residuals.relativeMaxDifference(ascending, full),
                1e-6);
        double[][] rows = new double[ROWS][COLS];
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < COLS; j++) {
                rows[i][j] = a[i + j * ROWS];
            }
        }
        double[][] g = HostBlas.gram(rows);
        double[] got = new double[ROWS * ROWS];
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < ROWS; j++) {
                got[i + j * ROWS] = g[i][j];
            }
        }
        c.expect(
                "cblas_dsyrk",
                "‖G·x − X·(Xᵀ·x)‖ for G = X·Xᵀ",
                ROWS + "×" + COLS,
                Residuals.productResidual(got, a, Residuals.transpose(a, ROWS, COLS), ROWS, COLS, ROWS),
                tol);
        gemmChecks(c, DataType.DOUBLE, a, b, tol);
    }

    private static void checkFloat(Checks c, double[] a, double[] b) {
        double tol = TOLERANCE_F32;
        for (boolean wide : new boolean[] {false, true}) {
            int m = wide ? COLS : ROWS;
            int n = wide ? ROWS : COLS;
            double[] x = wide ? Residuals.transpose(a, ROWS, COLS) : a;
            String shape = m + "×" + n;
            float[][] usv = Lapack.svd(floats(x), m, n, true);
            svdChecks(c, "LAPACKE_sgesdd", shape, x, m, n, widen(usv), Math.min(m, n), tol);
            double[] values = doubles(Lapack.svd(floats(x), m, n, false)[1]);
            c.expect(
                    "LAPACKE_sgesdd",
                    "singular values without vectors vs with",
                    shape,
                    Residuals.relativeMaxDifference(values, doubles(usv[1])),
                    tol);
            qrChecks(c, "LAPACKE_sgeqrf/sorgqr", shape, x, m, n, widen(Lapack.qr(floats(x), m, n)), tol);
        }
        String shape = ROWS + "×" + COLS;
        double[] full = doubles(Lapack.svd(floats(a), ROWS, COLS, false)[1]);
        topChecks(
                c,
                "LAPACKE_sgesvdx",
                shape + ", top " + TOP,
                a,
                widen(Lapack.topSvd(floats(a), ROWS, COLS, TOP)),
                TOP,
                full,
                tol);
        try (FloatPointer native_ = new FloatPointer(floats(a))) {
            topChecks(
                    c,
                    "LAPACKE_sgesvdx",
                    shape + ", top " + TOP_NATIVE + " in native memory",
                    a,
                    widen(Lapack.topSvd(native_, ROWS, COLS, TOP_NATIVE)),
                    TOP_NATIVE,
                    full,
                    tol);
        }
        gemmChecks(c, DataType.FLOAT, a, b, tol);
    }

    private static void svdChecks(
            Checks c, String routine, String shape, double[] a, int m, int n, double[][] usv, int k, double tol) {
        c.expect(routine, "max |UᵀU − I|", shape, Residuals.orthonormalColumns(usv[0], m, k), tol);
        c.expect(routine, "max |VᵀV − I|", shape, Residuals.orthonormalRows(usv[2], k, n), tol);
        c.expect(
                routine,
                "‖A − U·S·Vᵀ‖ / ‖A‖",
                shape,
                Residuals.svdReconstruction(a, m, n, usv[0], usv[1], usv[2], k),
                tol);
        c.expect(routine, "singular values descending and ≥ 0", shape, Residuals.descendingNonNegative(usv[1]), tol);
    }

    private static void topChecks(
            Checks c, String routine, String shape, double[] a, double[][] usv, int k, double[] full, double tol) {
        c.expect(routine, "max |UᵀU − I|", shape, Residuals.orthonormalColumns(usv[0], ROWS, k), tol);
        c.expect(routine, "max |VᵀV − I|", shape, Residuals.orthonormalRows(usv[2], k, COLS), tol);
        c.expect(
                routine,
                "max ‖A·v − σ·u‖ / σ₁",
                shape,
                Residuals.tripletResidual(a, ROWS, COLS, usv[0], usv[1], usv[2], k),
                tol);
        double[] expected = Arrays.copyOf(full, k);
        c.expect(
                routine,
                "top singular values vs the full SVD's",
                shape,
                Residuals.relativeMaxDifference(usv[1], expected),
                tol);
    }

    private static void qrChecks(
            Checks c, String routine, String shape, double[] a, int m, int n, double[][] qr, double tol) {
        int k = Math.min(m, n);
        c.expect(routine, "max |QᵀQ − I|", shape, Residuals.orthonormalColumns(qr[0], m, k), tol);
        c.expect(
                routine,
                "‖A − Q·R‖ / ‖A‖, R upper triangular",
                shape,
                Residuals.qrReconstruction(a, m, n, qr[0], qr[1], k),
                tol);
    }

    /** ND4J's gemm (OpenBLAS's ?gemm underneath) for every transpose and layout, checked against A·(B·x). */
    private static void gemmChecks(Checks c, DataType type, double[] a, double[] b, double tol) {
        String routine = type == DataType.DOUBLE ? "dgemm (through ND4J)" : "sgemm (through ND4J)";
        int inner = COLS;
        int n = 60;
        for (char order : new char[] {'c', 'f'}) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    // op(X)·op(Y) = A·B, with X stored as Aᵀ when it is to be transposed (and Y as Bᵀ)
                    INDArray x = ta
                            ? upload(Residuals.transpose(a, ROWS, inner), inner, ROWS, type, order)
                            : upload(a, ROWS, inner, type, order);
                    INDArray y = tb
                            ? upload(Residuals.transpose(b, inner, n), n, inner, type, order)
                            : upload(b, inner, n, type, order);
                    INDArray out = Nd4j.gemm(x, y, ta, tb);
                    String shape = (ta ? "Aᵀ" : "A") + "·" + (tb ? "Bᵀ" : "B") + ", " + ROWS + "×" + inner + "·" + inner
                            + "×" + n + ", " + (order == 'c' ? "row" : "column") + "-major";
                    c.expect(
                            routine,
                            "‖C·x − A·(B·x)‖ for C = op(X)·op(Y)",
                            shape,
                            Residuals.productResidual(columnMajor(out), a, b, ROWS, inner, n),
                            tol);
                    x.close();
                    y.close();
                    out.close();
                }
            }
        }
    }

    /** AᵀA of the column-major m×n matrix a, by a plain loop. */
    private static double[] gram(double[] a, int m, int n) {
        double[] g = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double dot = 0;
                for (int r = 0; r < m; r++) {
                    dot += a[r + i * m] * a[r + j * m];
                }
                g[i + j * n] = dot;
                g[j + i * n] = dot;
            }
        }
        return g;
    }

    /** The NaN scan's screen: a sum of magnitudes is NaN when an element is, wherever it sits (vector body or tail). */
    private static void checkAsum(Checks c) {
        int n = 4099;
        for (int at : new int[] {0, 2050, n - 1}) {
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = (i % 7) - 3.25;
            }
            double sum = 0;
            for (double v : x) {
                sum += Math.abs(v);
            }
            try (DoublePointer d = new DoublePointer(x);
                    FloatPointer f = new FloatPointer(floats(x))) {
                c.expect(
                        "cblas_dasum",
                        "sum of |x| vs plain Java",
                        n + " values",
                        Math.abs(openblas.cblas_dasum(n, d, 1) - sum) / sum,
                        TOLERANCE_F64);
                c.expect(
                        "cblas_sasum",
                        "sum of |x| vs plain Java",
                        n + " values",
                        Math.abs(openblas.cblas_sasum(n, f, 1) - sum) / sum,
                        TOLERANCE_F32);
                d.put(at, Double.NaN);
                f.put(at, Float.NaN);
                c.expect(
                        "cblas_dasum",
                        "NaN propagated from index " + at,
                        n + " values",
                        Double.isNaN(openblas.cblas_dasum(n, d, 1)) ? 0 : 1,
                        0);
                c.expect(
                        "cblas_sasum",
                        "NaN propagated from index " + at,
                        n + " values",
                        Float.isNaN(openblas.cblas_sasum(n, f, 1)) ? 0 : 1,
                        0);
            }
        }
    }

    private static INDArray upload(double[] colMajor, int m, int n, DataType type, char order) {
        double[] values = order == 'f' ? colMajor : Residuals.transpose(colMajor, m, n);
        long[] shape = {m, n};
        return type == DataType.DOUBLE ? Nd4j.create(values, shape, order) : Nd4j.create(floats(values), shape, order);
    }

    /** The values of a fresh (dense, offset 0) result, column-major; read in bulk, not element by element. */
    private static double[] columnMajor(INDArray x) {
        int m = x.rows();
        int n = x.columns();
        double[] stored = x.data().asDouble();
        return x.ordering() == 'f' ? stored : Residuals.transpose(stored, n, m);
    }

    private static double[] rounded(double[] x) {
        return doubles(floats(x));
    }

    private static float[] floats(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }

    private static double[] doubles(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    private static double[][] widen(float[][] parts) {
        double[][] out = new double[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            out[i] = doubles(parts[i]);
        }
        return out;
    }

    /** Runs the check and prints what it found: exit status 0 when every routine passed, 1 otherwise. */
    public static void main(String[] args) {
        Result r = run();
        CpuDescription cpu = CpuDescription.current();
        if (r.passed()) {
            System.out.println("BLAS/LAPACK self-check: " + r.measurements() + " checks passed in "
                    + String.format("%.0f", r.millis()) + " ms on " + cpu + ", OpenBLAS " + openblasVersion() + ", "
                    + cpu.kernels());
            System.exit(0);
        }
        System.out.println("BLAS/LAPACK self-check: " + describe(r.findings(), cpu));
        System.exit(1);
    }
}
