package org.loralgebra.stdlib.lab;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Seeded mini-batch training of an {@link Mlp} with Adam on the mean softmax cross-entropy, float32, gradients in
 * closed form ({@link MlpNetwork}): the base network's weights from scratch, or LoRA factors on every layer with the
 * base frozen. One seed fixes everything: the initial values and the order of the examples in every epoch.
 *
 * @param epochs passes over the data
 * @param batch examples per step
 * @param learningRate Adam's η
 */
public record MlpTraining(int epochs, int batch, double learningRate) {
    /** Checks the settings. */
    public MlpTraining {
        if (epochs < 1 || batch < 1 || !(learningRate > 0)) {
            throw new IllegalArgumentException("training needs epochs ≥ 1, batch ≥ 1 and a learning rate > 0, got "
                    + epochs + ", " + batch + ", " + learningRate);
        }
    }

    /**
     * A network of the given sizes trained from scratch: W uniform in ±√(6/in) (He), b = 0.
     *
     * @param progress called after each epoch with (epochs done, epochs)
     */
    public Mlp base(String name, int[] sizes, LabeledImages data, long seed, Progress progress) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] w = new float[sizes.length - 1][];
        float[][] b = new float[sizes.length - 1][];
        for (int l = 0; l < w.length; l++) {
            w[l] = UniformValues.of(rnd, sizes[l + 1] * sizes[l], Math.sqrt(6.0 / sizes[l]));
            b[l] = new float[sizes[l + 1]];
        }
        MlpNetwork net = new Mlp(name, sizes, w, b).network(DataType.FLOAT);
        INDArray[] params = new INDArray[2 * w.length];
        for (int l = 0; l < w.length; l++) {
            params[2 * l] = net.weights[l];
            params[2 * l + 1] = net.biases[l];
        }
        Adam adam = new Adam(learningRate, params);
        run(net, data, rnd, adam, progress);
        for (int l = 0; l < w.length; l++) {
            w[l] = net.weights[l].dup('c').data().asFloat();
            b[l] = net.biases[l].dup('c').data().asFloat();
        }
        return new Mlp(name, sizes, w, b);
    }

    /**
     * LoRA factors of rank r on every layer of {@code base}, trained with the base frozen: A uniform in ±1/√in,
     * B = 0 (PEFT's initialization), ΔW = (alpha/r)·B·A.
     */
    public LoraFactors lora(Mlp base, LabeledImages data, int rank, double alpha, long seed, Progress progress) {
        int[] sizes = base.sizes();
        SplittableRandom rnd = new SplittableRandom(seed);
        MlpNetwork frozen = base.network(DataType.FLOAT);
        int layers = sizes.length - 1;
        INDArray[] a = new INDArray[layers];
        INDArray[] bm = new INDArray[layers];
        INDArray[] params = new INDArray[2 * layers];
        for (int l = 0; l < layers; l++) {
            a[l] = MlpNetwork.array(
                    DataType.FLOAT, UniformValues.of(rnd, rank * sizes[l], 1 / Math.sqrt(sizes[l])), rank, sizes[l]);
            bm[l] = Nd4j.zeros(DataType.FLOAT, sizes[l + 1], rank);
            params[2 * l] = a[l];
            params[2 * l + 1] = bm[l];
        }
        MlpNetwork net = new MlpNetwork(frozen.weights, frozen.biases, a, bm, alpha / rank);
        run(net, data, rnd, new Adam(learningRate, params), progress);
        float[][] fa = new float[layers][];
        float[][] fb = new float[layers][];
        for (int l = 0; l < layers; l++) {
            fa[l] = a[l].dup('c').data().asFloat();
            fb[l] = bm[l].dup('c').data().asFloat();
        }
        return new LoraFactors(base.name(), sizes, rank, alpha, fa, fb);
    }

    private void run(MlpNetwork net, LabeledImages data, SplittableRandom rnd, Adam adam, Progress progress) {
        SingleThread.run(() -> {
            steps(net, data, rnd, adam, progress);
            return null;
        });
    }

    private void steps(MlpNetwork net, LabeledImages data, SplittableRandom rnd, Adam adam, Progress progress) {
        int pixels = data.pixels();
        float[] values = data.values();
        int[] labels = data.labels();
        MiniBatches.run(
                data.count(),
                epochs,
                batch,
                rnd,
                (order, from, size) -> {
                    float[] x = new float[size * pixels];
                    int[] y = new int[size];
                    for (int k = 0; k < size; k++) {
                        System.arraycopy(values, order[from + k] * pixels, x, k * pixels, pixels);
                        y[k] = labels[order[from + k]];
                    }
                    MlpNetwork.Pass pass = net.forward(MlpNetwork.array(DataType.FLOAT, x, size, pixels));
                    MlpNetwork.Gradients g = net.backward(pass, y);
                    INDArray[] grads = new INDArray[2 * g.first().length];
                    for (int l = 0; l < g.first().length; l++) {
                        grads[2 * l] = g.first()[l];
                        grads[2 * l + 1] = g.second()[l];
                    }
                    adam.step(grads);
                },
                progress);
    }
}
