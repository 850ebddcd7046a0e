package org.loralgebra.cuda;

import static org.loralgebra.cuda.DeviceArrays.d;
import static org.loralgebra.cuda.DeviceArrays.f;
import static org.loralgebra.cuda.DeviceArrays.i;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.cuda.cusolver.gesvdjInfo;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cusolver;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.loralgebra.cuda.DeviceMemory.Block;
import org.loralgebra.exec.Backend.Qr;
import org.loralgebra.exec.Backend.Svd;
import org.loralgebra.exec.HostMatrix;

/**
 * The cuSOLVER routines of {@link CudaBackend} on host row-major matrices: QR ({@code geqrf} then {@code orgqr}), SVD
 * ({@code gesvd}, m ≥ n; a wide matrix through its transpose), batched SVD of small matrices
 * ({@code gesvdjBatched}, at most 32×32) and the symmetric eigendecomposition behind {@code gramRoot}
 * ({@code syevd} of AᵀA formed by {@code dgemm}, in double whatever the backend's precision).
 */
final class CudaSolver {
    /** The largest side {@code gesvdjBatched} accepts. */
    static final int BATCHED_MAX = 32;

    private final DeviceArrays arrays;
    private final DeviceArrays doubles;

    CudaSolver(DeviceArrays arrays, DeviceArrays doubles) {
        this.arrays = arrays;
        this.doubles = doubles;
    }

    /** Thin QR of a rows×cols row-major matrix. */
    Qr qr(HostMatrix a) {
        int m = a.rows();
        int n = a.cols();
        int k = Math.min(m, n);
        if (k == 0) {
            return new Qr(new HostMatrix(m, 0, new double[0]), new HostMatrix(0, n, new double[0]));
        }
        CudaContext ctx = CudaContext.current();
        boolean dp = arrays.doubles();
        try (Block dA = arrays.upload(DeviceArrays.transposed(a.v(), m, n), "QR input");
                Block tau = arrays.allocate(k, "QR tau");
                Block info = doubles.allocateInts(1, "QR info");
                IntPointer lwork = new IntPointer(1)) {
            CudaStatus.cusolver(
                    dp
                            ? cusolver.cusolverDnDgeqrf_bufferSize(ctx.solver, m, n, d(dA), m, lwork)
                            : cusolver.cusolverDnSgeqrf_bufferSize(ctx.solver, m, n, f(dA), m, lwork),
                    "geqrf_bufferSize");
            try (Block work = arrays.allocate(lwork.get(), "QR workspace")) {
                CudaStatus.cusolver(
                        dp
                                ? cusolver.cusolverDnDgeqrf(
                                        ctx.solver, m, n, d(dA), m, d(tau), d(work), lwork.get(), i(info))
                                : cusolver.cusolverDnSgeqrf(
                                        ctx.solver, m, n, f(dA), m, f(tau), f(work), lwork.get(), i(info)),
                        "geqrf");
                CudaStatus.info(DeviceArrays.downloadInt(info, "geqrf info"), "geqrf", m, n);
            }
            double[] factored = arrays.download(dA, m * n, "QR factors");
            double[] r = new double[k * n];
            for (int row = 0; row < k; row++) {
                for (int col = row; col < n; col++) {
                    r[row * n + col] = factored[col * m + row];
                }
            }
            CudaStatus.cusolver(
                    dp
                            ? cusolver.cusolverDnDorgqr_bufferSize(ctx.solver, m, k, k, d(dA), m, d(tau), lwork)
                            : cusolver.cusolverDnSorgqr_bufferSize(ctx.solver, m, k, k, f(dA), m, f(tau), lwork),
                    "orgqr_bufferSize");
            try (Block work = arrays.allocate(lwork.get(), "orgqr workspace")) {
                CudaStatus.cusolver(
                        dp
                                ? cusolver.cusolverDnDorgqr(
                                        ctx.solver, m, k, k, d(dA), m, d(tau), d(work), lwork.get(), i(info))
                                : cusolver.cusolverDnSorgqr(
                                        ctx.solver, m, k, k, f(dA), m, f(tau), f(work), lwork.get(), i(info)),
                        "orgqr");
                CudaStatus.info(DeviceArrays.downloadInt(info, "orgqr info"), "orgqr", m, k);
            }
            double[] q = DeviceArrays.transposed(arrays.download(dA, m * k, "Q"), k, m);
            return new Qr(new HostMatrix(m, k, q), new HostMatrix(k, n, r));
        }
    }

    /** Thin SVD, singular values descending. */
    Svd svd(HostMatrix a) {
        int m = a.rows();
        int n = a.cols();
        if (m < n) {
            Svd t = svd(new HostMatrix(n, m, DeviceArrays.transposed(a.v(), m, n)));
            HostMatrix u = (HostMatrix) t.u();
            HostMatrix vt = (HostMatrix) t.vt();
            return new Svd(
                    new HostMatrix(vt.cols(), vt.rows(), DeviceArrays.transposed(vt.v(), vt.rows(), vt.cols())),
                    t.s(),
                    new HostMatrix(u.cols(), u.rows(), DeviceArrays.transposed(u.v(), u.rows(), u.cols())));
        }
        if (n == 0) {
            return new Svd(new HostMatrix(m, 0, new double[0]), new double[0], new HostMatrix(0, 0, new double[0]));
        }
        CudaContext ctx = CudaContext.current();
        boolean dp = arrays.doubles();
        byte job = (byte) 'S';
        try (Block dA = arrays.upload(DeviceArrays.transposed(a.v(), m, n), "SVD input");
                Block s = arrays.allocate(n, "singular values");
                Block u = arrays.allocate((long) m * n, "U");
                Block vt = arrays.allocate((long) n * n, "Vt");
                Block info = doubles.allocateInts(1, "SVD info");
                IntPointer lwork = new IntPointer(1)) {
            CudaStatus.cusolver(
                    dp
                            ? cusolver.cusolverDnDgesvd_bufferSize(ctx.solver, m, n, lwork)
                            : cusolver.cusolverDnSgesvd_bufferSize(ctx.solver, m, n, lwork),
                    "gesvd_bufferSize");
            try (Block work = arrays.allocate(lwork.get(), "SVD workspace")) {
                CudaStatus.cusolver(
                        dp
                                ? cusolver.cusolverDnDgesvd(
                                        ctx.solver,
                                        job,
                                        job,
                                        m,
                                        n,
                                        d(dA),
                                        m,
                                        d(s),
                                        d(u),
                                        m,
                                        d(vt),
                                        n,
                                        d(work),
                                        lwork.get(),
                                        (DoublePointer) null,
                                        i(info))
                                : cusolver.cusolverDnSgesvd(
                                        ctx.solver,
                                        job,
                                        job,
                                        m,
                                        n,
                                        f(dA),
                                        m,
                                        f(s),
                                        f(u),
                                        m,
                                        f(vt),
                                        n,
                                        f(work),
                                        lwork.get(),
                                        (FloatPointer) null,
                                        i(info)),
                        "gesvd");
                CudaStatus.info(DeviceArrays.downloadInt(info, "gesvd info"), "gesvd", m, n);
            }
            double[] sv = arrays.download(s, n, "singular values");
            double[] uu = DeviceArrays.transposed(arrays.download(u, m * n, "U"), n, m);
            double[] vv = DeviceArrays.transposed(arrays.download(vt, n * n, "Vt"), n, n);
            return new Svd(new HostMatrix(m, n, uu), sv, new HostMatrix(n, n, vv));
        }
    }

    /**
     * SVDs of many matrices of one shape of at most 32×32 in one {@code gesvdjBatched} call (Jacobi, to the
     * library's default tolerance, about machine precision); others one by one.
     */
    List<Svd> svdBatch(List<HostMatrix> all) {
        if (all.isEmpty()) {
            return List.of();
        }
        int m = all.get(0).rows();
        int n = all.get(0).cols();
        boolean uniform = all.stream().allMatch(a -> a.rows() == m && a.cols() == n);
        if (!uniform || m > BATCHED_MAX || n > BATCHED_MAX || m == 0 || n == 0 || all.size() == 1) {
            List<Svd> out = new ArrayList<>(all.size());
            for (HostMatrix a : all) {
                out.add(svd(a));
            }
            return out;
        }
        int batch = all.size();
        int k = Math.min(m, n);
        double[] packed = new double[batch * m * n];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(DeviceArrays.transposed(all.get(b).v(), m, n), 0, packed, b * m * n, m * n);
        }
        CudaContext ctx = CudaContext.current();
        boolean dp = arrays.doubles();
        gesvdjInfo params = new gesvdjInfo();
        CudaStatus.cusolver(cusolver.cusolverDnCreateGesvdjInfo(params), "cusolverDnCreateGesvdjInfo");
        try (Block dA = arrays.upload(packed, "batched SVD input");
                Block s = arrays.allocate((long) batch * k, "batched singular values");
                Block u = arrays.allocate((long) batch * m * m, "batched U");
                Block v = arrays.allocate((long) batch * n * n, "batched V");
                Block info = doubles.allocateInts(batch, "batched SVD infos");
                IntPointer lwork = new IntPointer(1)) {
            int mode = cusolver.CUSOLVER_EIG_MODE_VECTOR;
            CudaStatus.cusolver(
                    dp
                            ? cusolver.cusolverDnDgesvdjBatched_bufferSize(
                                    ctx.solver, mode, m, n, d(dA), m, d(s), d(u), m, d(v), n, lwork, params, batch)
                            : cusolver.cusolverDnSgesvdjBatched_bufferSize(
                                    ctx.solver, mode, m, n, f(dA), m, f(s), f(u), m, f(v), n, lwork, params, batch),
                    "gesvdjBatched_bufferSize");
            try (Block work = arrays.allocate(lwork.get(), "batched SVD workspace")) {
                CudaStatus.cusolver(
                        dp
                                ? cusolver.cusolverDnDgesvdjBatched(
                                        ctx.solver,
                                        mode,
                                        m,
                                        n,
                                        d(dA),
                                        m,
                                        d(s),
                                        d(u),
                                        m,
                                        d(v),
                                        n,
                                        d(work),
                                        lwork.get(),
                                        i(info),
                                        params,
                                        batch)
                                : cusolver.cusolverDnSgesvdjBatched(
                                        ctx.solver,
                                        mode,
                                        m,
                                        n,
                                        f(dA),
                                        m,
                                        f(s),
                                        f(u),
                                        m,
                                        f(v),
                                        n,
                                        f(work),
                                        lwork.get(),
                                        i(info),
                                        params,
                                        batch),
                        "gesvdjBatched");
            }
            int[] infos = DeviceArrays.downloadInts(info, batch, "gesvdjBatched infos");
            for (int b = 0; b < batch; b++) {
                CudaStatus.info(infos[b], "gesvdjBatched (matrix " + b + " of " + batch + ")", m, n);
            }
            double[] ss = arrays.download(s, batch * k, "batched singular values");
            double[] uu = arrays.download(u, batch * m * m, "batched U");
            double[] vv = arrays.download(v, batch * n * n, "batched V");
            List<Svd> out = new ArrayList<>(batch);
            for (int b = 0; b < batch; b++) {
                out.add(sorted(m, n, k, Arrays.copyOfRange(ss, b * k, (b + 1) * k), uu, b * m * m, vv, b * n * n));
            }
            return out;
        } finally {
            cusolver.cusolverDnDestroyGesvdjInfo(params);
        }
    }

    /**
     * A thin SVD from what {@code gesvdjBatched} leaves for one matrix: k = min(m, n) singular values in no promised
     * order, U [m, m] and V (not Vᵀ) [n, n] column-major at the given offsets; triplets sorted by σ descending.
     */
    static Svd sorted(int m, int n, int k, double[] s, double[] u, int uAt, double[] v, int vAt) {
        Integer[] order = new Integer[k];
        for (int j = 0; j < k; j++) {
            order[j] = j;
        }
        Arrays.sort(order, (x, y) -> Double.compare(s[y], s[x]));
        double[] so = new double[k];
        double[] uo = new double[m * k];
        double[] vt = new double[k * n];
        for (int c = 0; c < k; c++) {
            int j = order[c];
            so[c] = s[j];
            for (int row = 0; row < m; row++) {
                uo[row * k + c] = u[uAt + j * m + row];
            }
            for (int col = 0; col < n; col++) {
                vt[c * n + col] = v[vAt + j * n + col];
            }
        }
        return new Svd(new HostMatrix(m, k, uo), so, new HostMatrix(k, n, vt));
    }

    /**
     * R [k, n] with RᵀR = AᵀA (k = min(m, n)): AᵀA by {@code dgemm} in double, its eigendecomposition by
     * {@code dsyevd}, R = Λ^½·Vᵀ over the k largest eigenvalues (negative rounding clamped to 0).
     */
    HostMatrix gramRoot(HostMatrix a) {
        int m = a.rows();
        int n = a.cols();
        int k = Math.min(m, n);
        if (k == 0) {
            return new HostMatrix(0, n, new double[0]);
        }
        CudaContext ctx = CudaContext.current();
        try (Block dA = doubles.upload(a.v(), "Gram input");
                Block g = doubles.allocate((long) n * n, "Gram matrix");
                Block w = doubles.allocate(n, "eigenvalues");
                Block info = doubles.allocateInts(1, "syevd info");
                DoublePointer one = new DoublePointer(1.0);
                DoublePointer zero = new DoublePointer(0.0);
                IntPointer lwork = new IntPointer(1)) {
            // row-major A [m, n] is column-major Aᵀ [n, m]: G = (Aᵀ)·(Aᵀ)ᵀ
            CudaStatus.cublas(
                    cublas.cublasDgemm_v2(
                            ctx.blas,
                            cublas.CUBLAS_OP_N,
                            cublas.CUBLAS_OP_T,
                            n,
                            n,
                            m,
                            one,
                            d(dA),
                            n,
                            d(dA),
                            n,
                            zero,
                            d(g),
                            n),
                    "dgemm (Gram matrix)");
            int mode = cusolver.CUSOLVER_EIG_MODE_VECTOR;
            int uplo = cublas.CUBLAS_FILL_MODE_UPPER;
            CudaStatus.cusolver(
                    cusolver.cusolverDnDsyevd_bufferSize(ctx.solver, mode, uplo, n, d(g), n, d(w), lwork),
                    "syevd_bufferSize");
            try (Block work = doubles.allocate(lwork.get(), "syevd workspace")) {
                CudaStatus.cusolver(
                        cusolver.cusolverDnDsyevd(
                                ctx.solver, mode, uplo, n, d(g), n, d(w), d(work), lwork.get(), i(info)),
                        "syevd");
                CudaStatus.info(DeviceArrays.downloadInt(info, "syevd info"), "syevd", n, n);
            }
            double[] lambda = doubles.download(w, n, "eigenvalues");
            double[] vectors = doubles.download(g, n * n, "eigenvectors");
            double[] r = new double[k * n];
            for (int row = 0; row < k; row++) {
                int e = n - 1 - row; // ascending eigenvalues: the largest last
                double root = Math.sqrt(Math.max(lambda[e], 0));
                for (int col = 0; col < n; col++) {
                    r[row * n + col] = root * vectors[e * n + col];
                }
            }
            return new HostMatrix(k, n, r);
        }
    }
}
