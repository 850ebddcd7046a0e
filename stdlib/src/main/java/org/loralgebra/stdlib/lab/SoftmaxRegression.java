package org.loralgebra.stdlib.lab;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Seeded mini-batch training of a linear classifier z = x·Wᵀ + b on fixed features with Adam on the mean softmax
 * cross-entropy over each example's allowed labels {@code [from, to)} (the others masked out), gradients in closed
 * form: with P the masked softmax and Y the one-hot labels, ∂L/∂W = (P − Y)ᵀ·X/n and ∂L/∂b = Σ_rows (P − Y)/n.
 * W starts at 0. One seed fixes the order of the examples in every epoch.
 *
 * @param epochs passes over the data
 * @param batch examples per step
 * @param learningRate Adam's η
 */
public record SoftmaxRegression(int epochs, int batch, double learningRate) {
    /** Checks the settings. */
    public SoftmaxRegression {
        if (epochs < 1 || batch < 1 || !(learningRate > 0)) {
            throw new IllegalArgumentException("training needs epochs ≥ 1, batch ≥ 1 and a learning rate > 0, got "
                    + epochs + ", " + batch + ", " + learningRate);
        }
    }

    /** Trained weights: W (classes × width, row-major) and b. */
    public record Weights(float[] w, float[] b) {}

    /**
     * The classifier of {@code classes} labels trained on {@code features} (one row per example) with the labels
     * and ranges of {@code examples}.
     */
    public Weights fit(float[][] features, Examples labels, int[] from, int[] to, int classes, long seed) {
        int n = features.length;
        int width = features[0].length;
        return SingleThread.run(() -> {
            INDArray w = Nd4j.zeros(DataType.FLOAT, classes, width);
            INDArray b = Nd4j.zeros(DataType.FLOAT, 1, classes);
            Adam adam = new Adam(learningRate, w, b);
            MiniBatches.run(
                    n,
                    epochs,
                    batch,
                    new SplittableRandom(seed),
                    (order, s, size) -> {
                        float[] xs = new float[size * width];
                        float[] mask = new float[size * classes];
                        float[] y = new float[size * classes];
                        for (int k = 0; k < size; k++) {
                            int i = order[s + k];
                            System.arraycopy(features[i], 0, xs, k * width, width);
                            for (int c = 0; c < classes; c++) {
                                mask[k * classes + c] = c >= from[i] && c < to[i] ? 0 : -1e9f;
                            }
                            y[k * classes + labels.label(i)] = 1;
                        }
                        INDArray x = Nd4j.createFromArray(xs).reshape('c', size, width);
                        INDArray z = x.mmul(w.transpose())
                                .addiRowVector(b)
                                .addi(Nd4j.createFromArray(mask).reshape('c', size, classes));
                        INDArray g = MlpNetwork.softmax(z)
                                .subi(Nd4j.createFromArray(y).reshape('c', size, classes))
                                .divi(size);
                        adam.step(g.transpose().mmul(x), g.sum(0).reshape(1, classes));
                    },
                    Progress.NONE);
            return new Weights(w.dup('c').data().asFloat(), b.dup('c').data().asFloat());
        });
    }
}
