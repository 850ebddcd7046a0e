package org.loralgebra.cuda;

import java.util.ArrayList;
import java.util.List;
import org.loralgebra.lang.LoraException;

/**
 * {@link BatchDevice} on the host, with cuBLAS's and cuSOLVER's semantics, for testing the batched algorithms without
 * a GPU: buffers are Java arrays (single precision rounds every stored value to float), {@code gemmStridedBatched} is
 * a triple loop over column-major operands in double, {@code syevjBatched} is cyclic Jacobi, its eigenpairs left in
 * the order the sweeps leave them. Allocations are held to the budget as {@link DeviceMemory} holds them, and the
 * largest total in use is recorded; every launch is counted.
 */
final class HostBatchDevice implements BatchDevice {
    private final long budget;
    private long inUse;
    private long peak;
    private final List<String> launches = new ArrayList<>();

    HostBatchDevice(long budget) {
        this.budget = budget;
    }

    /** A host buffer. */
    private final class HostBuffer implements Buffer {
        final double[] v;
        final boolean doubles;
        private boolean closed;

        HostBuffer(int count, boolean doubles) {
            this.v = new double[count];
            this.doubles = doubles;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                inUse -= bytes(v.length, doubles);
            }
        }
    }

    private static long bytes(long count, boolean doubles) {
        return count * (doubles ? 8 : 4);
    }

    /** The largest number of bytes allocated at once. */
    long peak() {
        return peak;
    }

    /** Every launch so far ({@code gemm} or {@code syevj}), in order. */
    List<String> launches() {
        return List.copyOf(launches);
    }

    @Override
    public long budget() {
        return budget;
    }

    @Override
    public Buffer upload(double[] values, boolean doubles, String what) {
        HostBuffer b = (HostBuffer) allocate(values.length, doubles, what);
        for (int i = 0; i < values.length; i++) {
            b.v[i] = doubles ? values[i] : (float) values[i];
        }
        return b;
    }

    @Override
    public Buffer allocate(long count, boolean doubles, String what) {
        long size = bytes(count, doubles);
        if (inUse + size > budget) {
            throw new LoraException(
                    "host device: " + what + " needs " + size + " bytes, " + inUse + " of " + budget + " in use");
        }
        inUse += size;
        peak = Math.max(peak, inUse);
        return new HostBuffer(Math.toIntExact(count), doubles);
    }

    @Override
    public double[] download(Buffer b, int count, boolean doubles, String what) {
        HostBuffer h = (HostBuffer) b;
        if (h.doubles != doubles || count > h.v.length) {
            throw new IllegalArgumentException(what + ": " + count + " elements of a buffer of " + h.v.length);
        }
        double[] out = new double[count];
        System.arraycopy(h.v, 0, out, 0, count);
        return out;
    }

    @Override
    public void gemmStridedBatched(
            boolean doubles,
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            Buffer a,
            int lda,
            long strideA,
            Buffer b,
            int ldb,
            long strideB,
            Buffer c,
            int ldc,
            long strideC,
            int batch) {
        launches.add("gemm " + batch);
        double[] av = ((HostBuffer) a).v;
        double[] bv = ((HostBuffer) b).v;
        HostBuffer cb = (HostBuffer) c;
        if (((HostBuffer) a).doubles != doubles || ((HostBuffer) b).doubles != doubles || cb.doubles != doubles) {
            throw new IllegalArgumentException("gemm: buffers of another precision");
        }
        for (int p = 0; p < batch; p++) {
            long oa = p * strideA;
            long ob = p * strideB;
            long oc = p * strideC;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int l = 0; l < k; l++) {
                        double x = transA ? av[(int) (oa + i * (long) lda + l)] : av[(int) (oa + l * (long) lda + i)];
                        double y = transB ? bv[(int) (ob + l * (long) ldb + j)] : bv[(int) (ob + j * (long) ldb + l)];
                        s += x * y;
                    }
                    cb.v[(int) (oc + j * (long) ldc + i)] = doubles ? s : (float) s;
                }
            }
        }
    }

    @Override
    public int[] symmetricEigenBatched(Buffer g, Buffer w, int n, int batch) {
        if (n < 1 || n > EIGEN_BATCHED_MAX) {
            throw new IllegalArgumentException("syevjBatched takes 1 ≤ n ≤ 32, got " + n);
        }
        launches.add("syevj " + batch);
        double[] gv = ((HostBuffer) g).v;
        double[] wv = ((HostBuffer) w).v;
        for (int p = 0; p < batch; p++) {
            int base = p * n * n;
            double[][] a = new double[n][n];
            for (int j = 0; j < n; j++) {
                for (int i = 0; i <= j; i++) {
                    a[i][j] = gv[base + j * n + i];
                    a[j][i] = a[i][j];
                }
            }
            double[][] v = jacobi(a);
            for (int j = 0; j < n; j++) {
                wv[p * n + j] = a[j][j];
                for (int i = 0; i < n; i++) {
                    gv[base + j * n + i] = v[i][j];
                }
            }
        }
        return new int[batch];
    }

    /** Cyclic Jacobi: diagonalizes {@code a} in place, returns the eigenvectors as columns. */
    private static double[][] jacobi(double[][] a) {
        int n = a.length;
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < 60; sweep++) {
            double off = 0;
            double all = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    all += a[i][j] * a[i][j];
                    off += i == j ? 0 : a[i][j] * a[i][j];
                }
            }
            if (off <= 1e-32 * all) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] == 0) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta == 0 ? 1 : theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double kp = a[k][p];
                        double kq = a[k][q];
                        a[k][p] = c * kp - s * kq;
                        a[k][q] = s * kp + c * kq;
                    }
                    for (int k = 0; k < n; k++) {
                        double pk = a[p][k];
                        double qk = a[q][k];
                        a[p][k] = c * pk - s * qk;
                        a[q][k] = s * pk + c * qk;
                    }
                    for (int k = 0; k < n; k++) {
                        double kp = v[k][p];
                        double kq = v[k][q];
                        v[k][p] = c * kp - s * kq;
                        v[k][q] = s * kp + c * kq;
                    }
                }
            }
        }
        return v;
    }
}
