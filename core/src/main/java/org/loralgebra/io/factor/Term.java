package org.loralgebra.io.factor;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.loralgebra.io.safetensors.TensorInfo;
import org.loralgebra.tensor.Tensor;

/**
 * One stored matrix {@code W} ({@code out × in}, a convolution kernel flattened as {@code in = c·kh·kw}) in a form that
 * gives it exactly as a product {@code W = B·A}:
 *
 * <ul>
 *   <li>{@link #split}: {@code W = b·a}, as stored (rank = the columns of {@code b});</li>
 *   <li>{@link #full}: {@code W} itself, as {@code I·W} or {@code W·I} (rank {@code min(out, in)});</li>
 *   <li>{@link #tucker}: LyCORIS' and PEFT's Tucker form {@code W[p,c,k] = Σᵢⱼ t[i,j,k]·u[i,p]·v[j,c]} with
 *       {@code u [r₁, out]}, {@code v [r₂, c]}: {@code B = uᵀ}, {@code A[i, c·K+k] = Σⱼ t[i,j,k]·v[j,c]} (rank r₁);</li>
 *   <li>{@link #tuckerConv}: LyCORIS' LoCon Tucker form {@code up [out, r₁, 1, 1]}, {@code mid [r₁, r₂, kh, kw]},
 *       {@code down [r₂, c, 1, 1]}, the same with {@code u = upᵀ}.</li>
 * </ul>
 *
 * Shapes are checked by the readers, which name the tensors; the constructors only check that they multiply.
 */
public final class Term {
    private enum Kind {
        SPLIT,
        FULL,
        TUCKER,
        TUCKER_CONV
    }

    private final Kind kind;
    private final List<TensorInfo> tensors;
    private final int out;
    private final int in;
    private final int rank;
    private final long[] kernel;

    private Term(Kind kind, List<TensorInfo> tensors, long out, long in, long rank, long[] kernel) {
        this.kind = kind;
        this.tensors = List.copyOf(tensors);
        this.out = Math.toIntExact(out);
        this.in = Math.toIntExact(in);
        this.rank = Math.toIntExact(rank);
        this.kernel = kernel;
    }

    /** {@code W = b·a}: {@code b [out, r]} (trailing 1s allowed), {@code a [r, in…]}. */
    public static Term split(TensorInfo b, TensorInfo a) {
        long r = b.dim(1);
        require(a.dim(0) == r && numel(b) == b.dim(0) * r, "split factors " + b + " and " + a);
        return new Term(Kind.SPLIT, List.of(b, a), b.dim(0), numel(a) / r, r, trailing(a));
    }

    /** {@code W} stored whole: {@code w [out, in…]}. */
    public static Term full(TensorInfo w) {
        long out = w.dim(0);
        long in = numel(w) / out;
        return new Term(Kind.FULL, List.of(w), out, in, Math.min(out, in), trailing(w));
    }

    /** Tucker form with mode matrices: {@code t [r₁, r₂, k…]}, {@code u [r₁, out]}, {@code v [r₂, c]}. */
    public static Term tucker(TensorInfo t, TensorInfo u, TensorInfo v) {
        require(
                t.rank() >= 3 && u.rank() == 2 && v.rank() == 2 && t.dim(0) == u.dim(0) && t.dim(1) == v.dim(0),
                "Tucker core " + t + " with " + u + " and " + v);
        long[] k = trailing(t);
        return new Term(Kind.TUCKER, List.of(t, u, v), u.dim(1), v.dim(1) * product(k), t.dim(0), k);
    }

    /** LoCon's Tucker form: {@code up [out, r₁, 1…]}, {@code mid [r₁, r₂, k…]}, {@code down [r₂, c, 1…]}. */
    public static Term tuckerConv(TensorInfo up, TensorInfo mid, TensorInfo down) {
        require(
                mid.rank() >= 3
                        && mid.dim(0) == up.dim(1)
                        && mid.dim(1) == down.dim(0)
                        && numel(up) == up.dim(0) * up.dim(1)
                        && numel(down) == down.dim(0) * down.dim(1),
                "Tucker core " + mid + " with " + up + " and " + down);
        long[] k = trailing(mid);
        return new Term(Kind.TUCKER_CONV, List.of(up, mid, down), up.dim(0), down.dim(1) * product(k), mid.dim(0), k);
    }

    /** Rows of {@code W}. */
    public int out() {
        return out;
    }

    /** Columns of {@code W} (a kernel flattened in). */
    public int in() {
        return in;
    }

    /** The rank of this exact form: the inner dimension of {@code B·A}. */
    public int rank() {
        return rank;
    }

    /** The kernel dims this form stores ({@code [kh, kw]}, {@code [1, 1]} included), empty when {@code W} is stored flat. */
    public long[] kernel() {
        return kernel.clone();
    }

    /** The stored tensors, in the order the factories took them. */
    public List<TensorInfo> tensors() {
        return tensors;
    }

    /** Whether computing {@code B} and {@code A} sums products (a Tucker core), so is exact only to round-off. */
    public boolean sums() {
        return kind == Kind.TUCKER || kind == Kind.TUCKER_CONV;
    }

    /** {@code B} and {@code A} from the stored values. */
    LowRank resolve(Function<TensorInfo, Tensor> read) {
        return switch (kind) {
            case SPLIT ->
                new LowRank(Mat.of(read.apply(tensors.get(0)), out), Mat.of(read.apply(tensors.get(1)), rank));
            case FULL -> {
                Mat w = Mat.of(read.apply(tensors.get(0)), out);
                yield out <= in ? new LowRank(Mat.identity(out), w) : new LowRank(w, Mat.identity(in));
            }
            case TUCKER ->
                new LowRank(
                        Mat.of(read.apply(tensors.get(1)), rank).transpose(),
                        core(read.apply(tensors.get(0)), Mat.of(read.apply(tensors.get(2)), (int)
                                tensors.get(2).dim(0))));
            case TUCKER_CONV ->
                new LowRank(
                        Mat.of(read.apply(tensors.get(0)), out),
                        core(read.apply(tensors.get(1)), Mat.of(read.apply(tensors.get(2)), (int)
                                tensors.get(2).dim(0))));
        };
    }

    /** {@code A[i, c·K + k] = Σⱼ t[i, j, k]·v[j, c]} for the core {@code t [r₁, r₂, K]} and {@code v [r₂, C]}. */
    private Mat core(Tensor t, Mat v) {
        double[] core = t.toDoubleArray();
        int r2 = v.rows();
        int channels = v.cols();
        int k = (int) product(kernel);
        double[] a = new double[rank * channels * k];
        for (int i = 0; i < rank; i++) {
            for (int j = 0; j < r2; j++) {
                int coreRow = (i * r2 + j) * k;
                for (int c = 0; c < channels; c++) {
                    double vjc = v.get(j, c);
                    if (vjc == 0) {
                        continue;
                    }
                    int base = (i * channels + c) * k;
                    for (int kk = 0; kk < k; kk++) {
                        a[base + kk] += core[coreRow + kk] * vjc;
                    }
                }
            }
        }
        return new Mat(rank, channels * k, a);
    }

    private static long[] trailing(TensorInfo t) {
        long[] s = t.shape();
        return Arrays.copyOfRange(s, Math.min(2, s.length), s.length);
    }

    private static long numel(TensorInfo t) {
        return Tensor.numel(t.shape());
    }

    private static long product(long[] k) {
        long n = 1;
        for (long x : k) {
            n *= x;
        }
        return n;
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException(what + " do not form a matrix product");
        }
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase() + " " + out + "x" + in + " rank " + rank;
    }
}
