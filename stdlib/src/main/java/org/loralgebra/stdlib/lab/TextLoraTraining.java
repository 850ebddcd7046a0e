package org.loralgebra.stdlib.lab;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.SplittableRandom;
import org.loralgebra.stdlib.lab.text.FeedForward;
import org.loralgebra.stdlib.lab.text.MiniLm;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Seeded training of LoRA factors on the top layer's feed-forward block of a {@link TextClassifier}, with ND4J
 * SameDiff (autodiff, Adam) and everything else frozen: W₁ + s·B₁A₁ and W₂ + s·B₂A₂ (s = alpha/r) in
 * h = LN(a + gelu(a·(W₁ + sB₁A₁)ᵀ + b₁)·(W₂ + sB₂A₂)ᵀ + b₂), then the mean over each text's tokens, L2
 * normalisation, the frozen head, and the mean softmax cross-entropy over each text's own labels. A starts uniform in
 * ±1/√in, B at 0 (PEFT's initialisation); one seed fixes them and the order of the texts in every epoch.
 *
 * @param epochs passes over the data
 * @param batch texts per step
 * @param learningRate Adam's η
 */
public record TextLoraTraining(int epochs, int batch, double learningRate) {
    /** Checks the settings. */
    public TextLoraTraining {
        if (epochs < 1 || batch < 1 || !(learningRate > 0)) {
            throw new IllegalArgumentException("training needs epochs ≥ 1, batch ≥ 1 and a learning rate > 0, got "
                    + epochs + ", " + batch + ", " + learningRate);
        }
    }

    /**
     * LoRA factors of rank r on {@code encoder.layer.5.intermediate.dense} and {@code encoder.layer.5.output.dense},
     * trained on {@code data} with the base frozen.
     *
     * @param progress called after each epoch with (epochs done, epochs)
     */
    public TextLoraFactors lora(
            TextClassifier base, TextExamples data, int rank, double alpha, long seed, Progress progress) {
        return SingleThread.run(() -> train(base, data, rank, alpha, seed, progress));
    }

    private TextLoraFactors train(
            TextClassifier base, TextExamples data, int rank, double alpha, long seed, Progress progress) {
        int d = MiniLm.HIDDEN;
        int f = MiniLm.INTERMEDIATE;
        int classes = base.classes();
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] a1 = UniformValues.of(rnd, rank * d, 1 / Math.sqrt(d));
        float[] a2 = UniformValues.of(rnd, rank * f, 1 / Math.sqrt(f));
        FeedForward ffn = base.feedForward();
        double s = alpha / rank;

        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, d);
        SDVariable pool = sd.placeHolder("pool", DataType.FLOAT, -1, -1);
        SDVariable mask = sd.placeHolder("mask", DataType.FLOAT, -1, classes);
        SDVariable y = sd.placeHolder("y", DataType.FLOAT, -1, classes);
        // the factors are held transposed (Aᵀ, Bᵀ) so that x·Aᵀ·Bᵀ is two plain products
        SDVariable va1 = sd.var(
                "a1T",
                Nd4j.createFromArray(a1).reshape('c', rank, d).transpose().dup('c'));
        SDVariable vb1 = sd.var("b1T", Nd4j.zeros(DataType.FLOAT, rank, f));
        SDVariable va2 = sd.var(
                "a2T",
                Nd4j.createFromArray(a2).reshape('c', rank, f).transpose().dup('c'));
        SDVariable vb2 = sd.var("b2T", Nd4j.zeros(DataType.FLOAT, rank, d));
        SDVariable u = x.mmul(sd.constant("w1T", ffn.w1T()))
                .add(sd.constant("bias1", ffn.b1()))
                .add(x.mmul(va1).mmul(vb1).mul(s));
        SDVariable g = u.mul(0.5).mul(sd.math.erf(u.mul(1 / Math.sqrt(2))).add(1.0));
        SDVariable v = g.mmul(sd.constant("w2T", ffn.w2T()))
                .add(sd.constant("bias2", ffn.b2()))
                .add(g.mmul(va2).mmul(vb2).mul(s))
                .add(x);
        SDVariable centred = v.sub(v.mean(true, 1));
        SDVariable std = sd.math.sqrt(centred.mul(centred).mean(true, 1).add(MiniLm.EPS));
        SDVariable h = centred.div(std).mul(sd.constant("gamma", ffn.gamma())).add(sd.constant("beta", ffn.beta()));
        SDVariable pooled = pool.mmul(h);
        SDVariable e = pooled.div(sd.math.sqrt(pooled.mul(pooled).sum(true, 1)));
        INDArray headT = Nd4j.createFromArray(base.head())
                .reshape('c', classes, d)
                .transpose()
                .dup('c');
        SDVariable logits = e.mmul(sd.constant("headT", headT))
                .add(sd.constant(
                        "headBias", Nd4j.createFromArray(base.headBias()).reshape(1, classes)))
                .add(mask);
        sd.loss.softmaxCrossEntropy("loss", y, logits, null);
        sd.setLossVariables("loss");
        sd.setTrainingConfig(TrainingConfig.builder()
                .updater(new Adam(learningRate))
                .dataSetFeatureMapping("x", "pool", "mask")
                .dataSetLabelMapping("y")
                .build());

        MiniBatches.run(
                data.count(),
                epochs,
                batch,
                rnd,
                (order, from, size) -> fitQuietly(sd, batch(data, order, from, size, classes)),
                progress);
        List<int[]> shapes = List.of(new int[] {f, d}, new int[] {d, f});
        return new TextLoraFactors(
                base.modules(),
                shapes,
                rank,
                alpha,
                List.of(values(sd, "a1T"), values(sd, "a2T")),
                List.of(values(sd, "b1T"), values(sd, "b2T")));
    }

    /** One step: SameDiff 1.0.0-M2.1 prints "Added differentiated op …" on System.out while it differentiates. */
    private static void fitQuietly(SameDiff sd, MultiDataSet batch) {
        synchronized (System.class) {
            PrintStream out = System.out;
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            try {
                sd.fit(batch);
            } finally {
                System.setOut(out);
            }
        }
    }

    /** The placeholders of one batch: token rows, the pooling matrix (1/tokens), the label mask, one-hot labels. */
    private static MultiDataSet batch(TextExamples data, int[] order, int from, int size, int classes) {
        int tokens = 0;
        for (int k = 0; k < size; k++) {
            tokens += data.tokens(order[from + k]);
        }
        int d = data.width();
        float[] x = new float[tokens * d];
        float[] pool = new float[size * tokens];
        float[] mask = new float[size * classes];
        float[] y = new float[size * classes];
        int row = 0;
        for (int k = 0; k < size; k++) {
            int i = order[from + k];
            int t = data.tokens(i);
            System.arraycopy(data.rows(i), 0, x, row * d, t * d);
            for (int r = 0; r < t; r++) {
                pool[k * tokens + row + r] = 1f / t;
            }
            row += t;
            for (int c = 0; c < classes; c++) {
                mask[k * classes + c] = c >= data.from(i) && c < data.to(i) ? 0 : -1e9f;
            }
            y[k * classes + data.label(i)] = 1;
        }
        return new MultiDataSet(
                new INDArray[] {
                    Nd4j.createFromArray(x).reshape('c', tokens, d),
                    Nd4j.createFromArray(pool).reshape('c', size, tokens),
                    Nd4j.createFromArray(mask).reshape('c', size, classes)
                },
                new INDArray[] {Nd4j.createFromArray(y).reshape('c', size, classes)});
    }

    /** The values of a factor held transposed, back in its own row-major layout. */
    private static float[] values(SameDiff sd, String name) {
        INDArray v = sd.getVariable(name).getArr().transpose().dup('c');
        return v.reshape(v.length()).toFloatVector();
    }
}
