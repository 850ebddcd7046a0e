package org.loralgebra.stdlib.lab;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The arithmetic of a ReLU multilayer perceptron with optional LoRA factors on every layer, forward and backward,
 * on ND4J arrays of one data type. Layer l computes zₗ = aₗ₋₁·Wₗᵀ + s·(aₗ₋₁·Aₗᵀ)·Bₗᵀ + bₗ and aₗ = relu(zₗ)
 * (no ReLU on the last layer); the loss is the mean softmax cross-entropy. Gradients are the closed forms:
 * with δ = ∂L/∂zₗ, ∂L/∂Wₗ = δᵀ·aₗ₋₁, ∂L/∂bₗ = Σ_rows δ, ∂L/∂Bₗ = s·δᵀ·(aₗ₋₁Aₗᵀ), ∂L/∂Aₗ = s·(δBₗ)ᵀ·aₗ₋₁,
 * ∂L/∂aₗ₋₁ = δ·Wₗ + s·(δBₗ)·Aₗ. Every reduction names its axis. Mutable working state of one training run;
 * not thread-safe and not part of the public API.
 */
final class MlpNetwork {
    final INDArray[] weights;
    final INDArray[] biases;
    final INDArray[] loraA;
    final INDArray[] loraB;
    final double scale;

    /** A network without LoRA factors. */
    MlpNetwork(INDArray[] weights, INDArray[] biases) {
        this(weights, biases, null, null, 0);
    }

    /** A network with LoRA factors A (r×in) and B (out×r) on every layer, scaled by s. */
    MlpNetwork(INDArray[] weights, INDArray[] biases, INDArray[] loraA, INDArray[] loraB, double scale) {
        this.weights = weights;
        this.biases = biases;
        this.loraA = loraA;
        this.loraB = loraB;
        this.scale = scale;
    }

    int layers() {
        return weights.length;
    }

    boolean hasLora() {
        return loraA != null;
    }

    /** What the backward pass needs of a forward pass. */
    record Pass(List<INDArray> inputs, List<INDArray> lowRank, List<INDArray> preActivations, INDArray logits) {}

    /** The forward pass on a batch (n × in). */
    Pass forward(INDArray x) {
        List<INDArray> inputs = new ArrayList<>();
        List<INDArray> lowRank = new ArrayList<>();
        List<INDArray> pre = new ArrayList<>();
        INDArray a = x;
        for (int l = 0; l < layers(); l++) {
            inputs.add(a);
            INDArray z = a.mmul(weights[l].transpose());
            if (hasLora()) {
                INDArray u = a.mmul(loraA[l].transpose());
                lowRank.add(u);
                z.addi(u.mmul(loraB[l].transpose()).muli(scale));
            }
            z.addiRowVector(biases[l]);
            pre.add(z);
            a = l == layers() - 1 ? z : Transforms.relu(z, true);
        }
        return new Pass(inputs, lowRank, pre, a);
    }

    /** Row-wise softmax of logits (n × classes), the row maximum subtracted first. */
    static INDArray softmax(INDArray logits) {
        INDArray shifted = logits.subColumnVector(logits.max(1).reshape(logits.rows(), 1));
        INDArray e = Transforms.exp(shifted, false);
        return e.diviColumnVector(e.sum(1).reshape(logits.rows(), 1));
    }

    /** The mean cross-entropy of a batch's logits against its labels. */
    static double loss(INDArray logits, int[] labels) {
        INDArray p = softmax(logits);
        double s = 0;
        for (int i = 0; i < labels.length; i++) {
            s -= Math.log(Math.max(p.getDouble(i, labels[i]), 1e-300));
        }
        return s / labels.length;
    }

    /** Gradients of the mean cross-entropy: of W and b per layer, or of A and B per layer when LoRA is on. */
    record Gradients(INDArray[] first, INDArray[] second) {}

    /** The backward pass: W and b gradients without LoRA, A and B gradients with it (the base is frozen then). */
    Gradients backward(Pass pass, int[] labels) {
        int n = labels.length;
        INDArray delta = softmax(pass.logits());
        for (int i = 0; i < n; i++) {
            delta.putScalar(i, labels[i], delta.getDouble(i, labels[i]) - 1);
        }
        delta.divi(n);
        INDArray[] first = new INDArray[layers()];
        INDArray[] second = new INDArray[layers()];
        for (int l = layers() - 1; l >= 0; l--) {
            INDArray in = pass.inputs().get(l);
            INDArray v = null;
            if (hasLora()) {
                v = delta.mmul(loraB[l]);
                first[l] = v.transpose().mmul(in).muli(scale);
                second[l] = delta.transpose().mmul(pass.lowRank().get(l)).muli(scale);
            } else {
                first[l] = delta.transpose().mmul(in);
                second[l] = delta.sum(0);
            }
            if (l > 0) {
                INDArray da = delta.mmul(weights[l]);
                if (v != null) {
                    da.addi(v.mmul(loraA[l]).muli(scale));
                }
                INDArray mask = pass.preActivations().get(l - 1).gt(0).castTo(da.dataType());
                delta = da.muli(mask);
            }
        }
        return new Gradients(first, second);
    }

    /** Arrays of the given data type from row-major floats. */
    static INDArray array(DataType type, float[] values, long rows, long cols) {
        return Nd4j.createFromArray(values).reshape('c', rows, cols).castTo(type);
    }
}
