package org.loralgebra.stdlib.route;

import java.util.List;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Engine;
import org.loralgebra.lang.Precision;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * The array work of routing: gate scores, the per-expert products, scatter-adds, the grouped, masked and dense
 * mixtures, and the softmax-regression steps. Two implementations: {@link Nd4jRouteArrays} on ND4J directly (the
 * tuned CPU path, used when the run's backend is ND4J's) and {@link BackendRouteArrays} on any other
 * {@link Backend} (its products by {@link Backend#matmul}, the light elementwise, gather and scatter work on host
 * arrays). The rest of the package holds {@link Array} handles and plain Java index arrays.
 *
 * <p>An implementation's arrays are accepted only by that implementation. Implementations are thread-safe.
 */
interface RouteArrays {
    /**
     * The arrays of the backend in force on this thread ({@code Engine.current().backend()}): ND4J's own when the
     * backend is ND4J's ({@code nd4j-cpu}), else arrays on that backend. The choice is made by the backend's name, so
     * no ND4J class is loaded when ND4J is not on the class path.
     */
    static RouteArrays current() {
        return of(Engine.current().backend());
    }

    /** The arrays for {@code backend} (see {@link #current}). */
    static RouteArrays of(Backend backend) {
        if (backend.name().startsWith("nd4j-")) {
            return Nd4jRouteArrays.INSTANCE;
        }
        return new BackendRouteArrays(backend);
    }

    /** What runs the products, for messages and tests ({@code nd4j}, or {@code backend NAME}). */
    String describe();

    /** A matrix held by one implementation, never changed after it is made. */
    interface Array {
        /** Rows. */
        int rows();

        /** Columns. */
        int cols();
    }

    /**
     * A region of one thread's work whose arrays are freed when it closes (except kept ones). Implementations whose
     * memory the garbage collector manages free nothing.
     */
    interface Scratch extends AutoCloseable {
        /** Lets {@code a} outlive this scratch; returns it. */
        Array keep(Array a);

        /** Frees the arrays made in this scratch on this thread, except kept ones. */
        @Override
        void close();
    }

    /** Opens a {@link Scratch} on this thread. */
    Scratch scratch();

    /** Frees an output now (it must not be used again, nor any view of it). */
    void free(Array a);

    // ---- moving values -------------------------------------------------------------------------------------

    /** A 2-D floating tensor as a matrix in the given precision. */
    Array upload(Tensor t, Precision precision);

    /** Row-major values as a matrix in the given precision. */
    Array upload(int rows, int cols, float[] rowMajor, Precision precision);

    /** The matrix as a tensor of a floating dtype. */
    Tensor download(Array m, DType dtype);

    /** Row-major values in single precision (a fresh copy). */
    float[] floats(Array m);

    /** Rows stacked (the experts' A's into A_cat, their Bᵀ's into B_catᵀ). */
    Array stackRows(List<Array> parts);

    /** Rows {@code [from, to)} (a view where the implementation can). */
    Array rowBlock(Array m, int from, int to);

    /** Columns {@code [from, to)} (a view where the implementation can). */
    Array columnBlock(Array m, int from, int to);

    // ---- gate scores ---------------------------------------------------------------------------------------

    /** Logits plus a bias row (a copy), or the logits when bias is null. */
    Array addBias(Array logits, Array bias);

    /**
     * Cosines from dot products {@code dots = X·Cᵀ} [tokens, experts]: each divided by ‖x_t‖·‖c_e‖ (a zero token
     * or prototype scores 0).
     */
    Array cosine(Array dots, Array x, Array prototypes);

    /** {@code X·A_catᵀ} [tokens, Σr]: every rank's input projection {@code a_jᵀx}. */
    Array project(Array x, Array aCat);

    /** |P| elementwise (FlyLoRA's rank scores). */
    Array abs(Array p);

    /** factor·|P| elementwise (Arrow's scores |x·p_e| / T). */
    Array absScaled(Array p, double factor);

    /** Per block e, the row norms ‖P[t, offsets[e]..offsets[e+1])‖₂ [tokens, blocks]. */
    Array blockNorms(Array p, int[] offsets);

    /** Per label, the mean of its rows [labels, cols] (labels without rows get a zero row). */
    Array labelMeans(Array x, float[] oneHotByLabel, int labels);

    // ---- mixtures ------------------------------------------------------------------------------------------

    /**
     * Grouped execution (S-LoRA/Punica) over the (token, expert) pairs sorted by expert: the pairs' rows — of the
     * projections {@code p = X·A_catᵀ} when given, else of X — scaled by each pair's factor (gate weight × scale);
     * per expert, its rows through its A (unless projected already) and through B_e, scatter-added into the output.
     *
     * @param x      tokens [T, in]
     * @param p      X·A_catᵀ [T, Σr], or null to gather rows of x instead
     * @param a      per expert, A_e [r_e, in] (null for rank 0)
     * @param bT     per expert, B_eᵀ [r_e, out] (null for rank 0)
     * @param blocks per expert, its first column in {@code p} (length experts + 1)
     * @param groups the pairs grouped by expert, tokens ascending within an expert
     */
    Array grouped(Array x, Array p, List<Array> a, List<Array> bT, int[] blocks, Selection.Groups groups, int outDim);

    /**
     * Masked execution: {@code Y = (P ⊙ M)·B_catᵀ}, where M [T, Σr] (row-major) holds each selected rank's factor
     * (gate weight × scale) and zero elsewhere.
     */
    Array masked(Array p, float[] mask, Array bCatT);

    /**
     * Dense execution, for checks: every expert's update materialized, {@code ΔW_e = B_e·A_e} [out, in], and
     * {@code Y = Σ_e diag(g_e)·X·ΔW_eᵀ} with g_e [T] each token's factor for e (zero when not selected).
     */
    Array dense(Array x, List<Array> a, List<Array> bT, float[][] factorsByExpert, int outDim);

    // ---- softmax regression --------------------------------------------------------------------------------

    /** Column means [1, cols]. */
    Array columnMeans(Array x);

    /** (X − 1·μ)·factor. */
    Array centerAndScale(Array x, Array mean, double factor);

    /** The mean squared entry of a matrix. */
    double meanSquare(Array x);

    /** (XᵀX/n)·v for a vector v [cols]: one step of the power iteration on the Gram matrix. */
    double[] gramTimes(Array x, double[] v);

    /**
     * One gradient evaluation of the mean cross-entropy of {@code softmax(X·Wᵀ + b)} against one-hot labels Y:
     * returns {@code [loss, correct]} and fills {@code gradW = (P − Y)ᵀX/n} and {@code gradB = mean(P − Y)}.
     */
    double[] softmaxGradient(
            Array x, Array onehot, double[] w, double[] b, int classes, double[] gradW, double[] gradB);

    /** A one-hot label matrix [n, classes]. */
    default Array oneHot(int[] labels, int classes, Precision precision) {
        float[] v = new float[labels.length * classes];
        for (int i = 0; i < labels.length; i++) {
            v[i * classes + labels[i]] = 1f;
        }
        return upload(labels.length, classes, v, precision);
    }
}
