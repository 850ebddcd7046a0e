package org.loralgebra.stdlib.lab.text;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The feed-forward block of one MiniLM layer, frozen: on its input a (n × 384, the attention output),
 * LN(a + gelu(a·W₁ᵀ + b₁)·W₂ᵀ + b₂) with W₁ = {@code intermediate.dense} (1536 × 384) and W₂ = {@code output.dense}
 * (384 × 1536), float32. Immutable: the arrays are never changed after construction.
 *
 * @param w1T W₁ᵀ (384 × 1536)
 * @param b1 b₁ (1 × 1536)
 * @param w2T W₂ᵀ (1536 × 384)
 * @param b2 b₂ (1 × 384)
 * @param gamma the output LayerNorm's γ (1 × 384)
 * @param beta the output LayerNorm's β (1 × 384)
 */
public record FeedForward(INDArray w1T, INDArray b1, INDArray w2T, INDArray b2, INDArray gamma, INDArray beta) {
    /** The block of layer l of the given weights. */
    public static FeedForward of(MiniLmWeights w, int layer) {
        String p = "encoder.layer." + layer + ".";
        return new FeedForward(
                MiniLm.matrix(w, p + "intermediate.dense.weight").transpose().dup('c'),
                MiniLm.row(w, p + "intermediate.dense.bias"),
                MiniLm.matrix(w, p + "output.dense.weight").transpose().dup('c'),
                MiniLm.row(w, p + "output.dense.bias"),
                MiniLm.row(w, p + "output.LayerNorm.weight"),
                MiniLm.row(w, p + "output.LayerNorm.bias"));
    }

    /** The module name of W₁ in layer l. */
    public static String intermediate(int layer) {
        return "encoder.layer." + layer + ".intermediate.dense";
    }

    /** The module name of W₂ in layer l. */
    public static String output(int layer) {
        return "encoder.layer." + layer + ".output.dense";
    }

    /** The block's output on a (n × 384). */
    public INDArray apply(INDArray a) {
        INDArray h = MiniLm.gelu(a.mmul(w1T).addiRowVector(b1));
        return MiniLm.layerNorm(h.mmul(w2T).addiRowVector(b2).addi(a), gamma, beta);
    }

    /** The mean of the rows of x, 1 × columns. */
    static INDArray meanRow(INDArray x) {
        return x.mean(0).reshape(1, x.columns());
    }

    /** The vector divided by its L2 norm. */
    static float[] normalized(INDArray row) {
        float[] v = row.dup('c').reshape(row.length()).toFloatVector();
        double s = 0;
        for (float f : v) {
            s += (double) f * f;
        }
        double norm = Math.sqrt(s);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] / norm);
        }
        return v;
    }

    /** A copy with W₁ and W₂ replaced (given as [out, in] row-major floats). */
    public FeedForward withWeights(float[] w1, float[] w2) {
        return new FeedForward(
                Nd4j.createFromArray(w1)
                        .reshape('c', MiniLm.INTERMEDIATE, MiniLm.HIDDEN)
                        .transpose()
                        .dup('c'),
                b1,
                Nd4j.createFromArray(w2)
                        .reshape('c', MiniLm.HIDDEN, MiniLm.INTERMEDIATE)
                        .transpose()
                        .dup('c'),
                b2,
                gamma,
                beta);
    }
}
