package org.loralgebra.stdlib.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.loralgebra.Adapter;
import org.loralgebra.DenseMatrix;
import org.loralgebra.io.safetensors.SafetensorsWriter;
import org.loralgebra.lang.LoraException;
import org.loralgebra.stdlib.route.Activations;
import org.loralgebra.stdlib.route.ModuleRoute;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A ReLU multilayer perceptron on images, float32, whose linear layers are named like a Hugging Face model's
 * ({@code layers.0}, {@code layers.1}, …): layer l maps aₗ₋₁ to relu(aₗ₋₁·Wₗᵀ + bₗ), the last without the ReLU,
 * and the prediction is the arg-max of the last layer. Immutable: {@link #with(Adapter)} returns a new model.
 */
public final class Mlp implements Model<LabeledImages> {
    /** Images per forward batch when predicting. */
    private static final int BATCH = 2048;

    private final String name;
    private final int[] sizes;
    private final float[][] weights;
    private final float[][] biases;

    /**
     * A network of the given layer sizes (input first, classes last) with row-major weights W (outₗ × inₗ) and
     * biases per layer (copied).
     */
    public Mlp(String name, int[] sizes, float[][] weights, float[][] biases) {
        if (sizes.length < 2 || weights.length != sizes.length - 1 || biases.length != weights.length) {
            throw new IllegalArgumentException("an MLP of sizes " + Arrays.toString(sizes) + " needs "
                    + (sizes.length - 1) + " weights and biases, got " + weights.length + " and " + biases.length);
        }
        for (int l = 0; l < weights.length; l++) {
            if (weights[l].length != (long) sizes[l + 1] * sizes[l] || biases[l].length != sizes[l + 1]) {
                throw new IllegalArgumentException("layer " + l + " of an MLP of sizes " + Arrays.toString(sizes)
                        + ": weight of " + weights[l].length + " values and bias of " + biases[l].length);
            }
        }
        this.name = name;
        this.sizes = sizes.clone();
        this.weights = deepCopy(weights);
        this.biases = deepCopy(biases);
    }

    /** The module name of layer l. */
    public static String module(int layer) {
        return "layers." + layer;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> modules() {
        List<String> out = new ArrayList<>();
        for (int l = 0; l < weights.length; l++) {
            out.add(module(l));
        }
        return out;
    }

    /** Layer sizes, input first (a copy). */
    public int[] sizes() {
        return sizes.clone();
    }

    /** Row-major weight of layer l, outₗ × inₗ (a copy). */
    public float[] weight(int layer) {
        return weights[layer].clone();
    }

    /** Bias of layer l (a copy). */
    public float[] bias(int layer) {
        return biases[layer].clone();
    }

    @Override
    public int[] predict(LabeledImages images) {
        return SingleThread.run(() -> predict(images.values(), images.count()));
    }

    /** The predicted classes of {@code count} row-major images. */
    int[] predict(float[] values, int count) {
        if (values.length != (long) count * sizes[0]) {
            throw new IllegalArgumentException(
                    "model " + name + " takes " + sizes[0] + " inputs per example, got " + values.length / count);
        }
        MlpNetwork net = network(DataType.FLOAT);
        int[] out = new int[count];
        for (int from = 0; from < count; from += BATCH) {
            int to = Math.min(count, from + BATCH);
            float[] batch = Arrays.copyOfRange(values, from * sizes[0], to * sizes[0]);
            INDArray logits = net.forward(MlpNetwork.array(DataType.FLOAT, batch, to - from, sizes[0]))
                    .logits();
            INDArray best = Nd4j.argMax(logits, 1);
            for (int i = 0; i < to - from; i++) {
                out[from + i] = best.getInt(i);
            }
        }
        return out;
    }

    @Override
    public Map<String, Activations> moduleInputs(LabeledImages images) {
        return SingleThread.run(() -> {
            MlpNetwork net = network(DataType.FLOAT);
            int count = images.count();
            float[][] inputs = new float[weights.length][];
            for (int l = 0; l < weights.length; l++) {
                inputs[l] = new float[count * sizes[l]];
            }
            float[] values = images.values();
            for (int from = 0; from < count; from += BATCH) {
                int to = Math.min(count, from + BATCH);
                float[] batch = Arrays.copyOfRange(values, from * sizes[0], to * sizes[0]);
                List<INDArray> in = net.forward(MlpNetwork.array(DataType.FLOAT, batch, to - from, sizes[0]))
                        .inputs();
                for (int l = 0; l < weights.length; l++) {
                    float[] v = in.get(l).dup('c').reshape(in.get(l).length()).toFloatVector();
                    System.arraycopy(v, 0, inputs[l], from * sizes[l], v.length);
                }
            }
            Map<String, Activations> out = new LinkedHashMap<>();
            for (int l = 0; l < weights.length; l++) {
                out.put(module(l), Activations.of(count, sizes[l], inputs[l]));
            }
            return out;
        });
    }

    @Override
    public int[] predict(LabeledImages images, Map<String, ModuleRoute> routes) {
        double[][] logits = logits(images, routes);
        int[] out = new int[logits.length];
        for (int i = 0; i < logits.length; i++) {
            int best = 0;
            for (int c = 1; c < logits[i].length; c++) {
                if (logits[i][c] > logits[i][best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /**
     * The logits (count × classes, in double) when the modules named in {@code routes} add their routed update:
     * layer l computes zₗ = aₗ₋₁·Wₗᵀ + bₗ + routeₗ(aₗ₋₁) (float32).
     *
     * @throws LoraException when a route names a module the model lacks or has another shape
     */
    public double[][] logits(LabeledImages images, Map<String, ModuleRoute> routes) {
        for (Map.Entry<String, ModuleRoute> e : routes.entrySet()) {
            int l = modules().indexOf(e.getKey());
            if (l < 0) {
                throw new LoraException("route for module " + e.getKey() + " that model " + name
                        + " lacks (its modules: " + modules() + ")");
            }
            ModuleRoute r = e.getValue();
            if (r.in() != sizes[l] || r.out() != sizes[l + 1]) {
                throw new LoraException("module " + e.getKey() + ": route of " + r.out() + "×" + r.in() + ", model "
                        + name + " expects " + sizes[l + 1] + "×" + sizes[l]);
            }
        }
        return SingleThread.run(() -> {
            MlpNetwork net = network(DataType.FLOAT);
            int count = images.count();
            double[][] out = new double[count][];
            float[] values = images.values();
            for (int from = 0; from < count; from += BATCH) {
                int to = Math.min(count, from + BATCH);
                int n = to - from;
                INDArray a = MlpNetwork.array(
                        DataType.FLOAT, Arrays.copyOfRange(values, from * sizes[0], to * sizes[0]), n, sizes[0]);
                for (int l = 0; l < weights.length; l++) {
                    INDArray z = a.mmul(net.weights[l].transpose());
                    ModuleRoute route = routes.get(module(l));
                    if (route != null) {
                        float[] x = a.dup('c').reshape(a.length()).toFloatVector();
                        float[] y = route.apply(Activations.of(n, sizes[l], x)).outputValues();
                        z.addi(MlpNetwork.array(DataType.FLOAT, y, n, sizes[l + 1]));
                    }
                    z.addiRowVector(net.biases[l]);
                    a = l == weights.length - 1 ? z : Transforms.relu(z, true);
                }
                double[][] batch = a.castTo(DataType.DOUBLE).toDoubleMatrix();
                System.arraycopy(batch, 0, out, from, n);
            }
            return out;
        });
    }

    /**
     * Writes this model's weights as a base-model checkpoint: {@code model.safetensors} in {@code folder}, tensors
     * {@code layers.l.weight} [out, in] and {@code layers.l.bias} [out] in F32 (what {@code Checkpoint.open} and
     * {@code lora analyze intruders} read).
     */
    public void saveCheckpoint(Path folder) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int l = 0; l < weights.length; l++) {
            tensors.put(
                    module(l) + ".weight", Tensor.ofFloats(DType.F32, new long[] {sizes[l + 1], sizes[l]}, weights[l]));
            tensors.put(module(l) + ".bias", Tensor.ofFloats(DType.F32, new long[] {sizes[l + 1]}, biases[l]));
        }
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new LoraException("cannot create folder " + folder + ": " + e.getMessage());
        }
        SafetensorsWriter.write(folder.resolve("model.safetensors"), Map.of("format", "pt"), tensors);
    }

    /** The logits of the given images (count × classes), in double. */
    public double[][] logits(LabeledImages images) {
        return network(DataType.FLOAT)
                .forward(MlpNetwork.array(DataType.FLOAT, images.values(), images.count(), sizes[0]))
                .logits()
                .castTo(DataType.DOUBLE)
                .toDoubleMatrix();
    }

    @Override
    public Mlp with(Adapter adapter) {
        return (Mlp) Model.super.with(adapter);
    }

    @Override
    public Mlp withUpdates(Map<String, DenseMatrix> updates, double lambda) {
        Set<String> unknown = new LinkedHashSet<>(updates.keySet());
        unknown.removeAll(modules());
        if (!unknown.isEmpty()) {
            throw new LoraException(
                    "module(s) " + unknown + " are not in model " + name + " (its modules: " + modules() + ")");
        }
        float[][] w = deepCopy(weights);
        for (int l = 0; l < weights.length; l++) {
            DenseMatrix delta = updates.get(module(l));
            if (delta == null) {
                continue;
            }
            if (delta.rows() != sizes[l + 1] || delta.cols() != sizes[l]) {
                throw new LoraException("module " + module(l) + ": update of " + delta.rows() + "×" + delta.cols()
                        + ", model " + name + " expects " + sizes[l + 1] + "×" + sizes[l]);
            }
            double[] d = delta.toArray();
            for (int i = 0; i < d.length; i++) {
                w[l][i] = (float) (weights[l][i] + lambda * d[i]);
            }
        }
        return new Mlp(name, sizes, w, biases);
    }

    /** The network's arrays in the given data type (for training and prediction). */
    MlpNetwork network(DataType type) {
        INDArray[] w = new INDArray[weights.length];
        INDArray[] b = new INDArray[weights.length];
        for (int l = 0; l < weights.length; l++) {
            w[l] = MlpNetwork.array(type, weights[l], sizes[l + 1], sizes[l]);
            b[l] = MlpNetwork.array(type, biases[l], 1, sizes[l + 1]);
        }
        return new MlpNetwork(w, b);
    }

    private static float[][] deepCopy(float[][] a) {
        float[][] out = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }
}
