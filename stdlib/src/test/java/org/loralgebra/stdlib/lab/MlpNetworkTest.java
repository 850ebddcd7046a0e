package org.loralgebra.stdlib.lab;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The closed-form gradients against central finite differences, in float64 on a small network. */
class MlpNetworkTest {
    private static final int[] SIZES = {7, 6, 5, 3};
    private static final int[] LABELS = {0, 2, 1, 2, 0};

    private static INDArray random(SplittableRandom rnd, long rows, long cols) {
        float[] v = new float[(int) (rows * cols)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return MlpNetwork.array(DataType.DOUBLE, v, rows, cols);
    }

    private static MlpNetwork network(boolean lora) {
        SplittableRandom rnd = new SplittableRandom(3);
        int layers = SIZES.length - 1;
        INDArray[] w = new INDArray[layers];
        INDArray[] b = new INDArray[layers];
        INDArray[] a = new INDArray[layers];
        INDArray[] bm = new INDArray[layers];
        for (int l = 0; l < layers; l++) {
            w[l] = random(rnd, SIZES[l + 1], SIZES[l]);
            b[l] = random(rnd, 1, SIZES[l + 1]);
            a[l] = random(rnd, 2, SIZES[l]);
            bm[l] = random(rnd, SIZES[l + 1], 2);
        }
        return lora ? new MlpNetwork(w, b, a, bm, 1.5) : new MlpNetwork(w, b);
    }

    private static double worstError(MlpNetwork net, INDArray[] params, INDArray[] grads, INDArray x) {
        DoubleSupplier loss = () -> MlpNetwork.loss(net.forward(x).logits(), LABELS);
        double worst = 0;
        double h = 1e-6;
        for (int p = 0; p < params.length; p++) {
            INDArray flat = params[p];
            for (int i = 0; i < flat.length(); i++) {
                double v = flat.getDouble(i);
                flat.putScalar(i, v + h);
                double up = loss.getAsDouble();
                flat.putScalar(i, v - h);
                double down = loss.getAsDouble();
                flat.putScalar(i, v);
                double numeric = (up - down) / (2 * h);
                double analytic = grads[p].reshape(flat.shape()).getDouble(i);
                worst = Math.max(worst, Math.abs(numeric - analytic) / (1e-3 + Math.abs(numeric)));
            }
        }
        return worst;
    }

    @Test
    void baseGradientsMatchFiniteDifferences() {
        MlpNetwork net = network(false);
        INDArray x = random(new SplittableRandom(9), LABELS.length, SIZES[0]);
        MlpNetwork.Gradients g = net.backward(net.forward(x), LABELS);
        int layers = SIZES.length - 1;
        INDArray[] params = new INDArray[2 * layers];
        INDArray[] grads = new INDArray[2 * layers];
        for (int l = 0; l < layers; l++) {
            params[2 * l] = net.weights[l];
            params[2 * l + 1] = net.biases[l];
            grads[2 * l] = g.first()[l];
            grads[2 * l + 1] = g.second()[l];
        }
        double worst = worstError(net, params, grads, x);
        assertTrue(worst < 1e-5, "W and b gradients against finite differences: worst relative error " + worst);
    }

    @Test
    void loraGradientsMatchFiniteDifferences() {
        MlpNetwork net = network(true);
        INDArray x = random(new SplittableRandom(9), LABELS.length, SIZES[0]);
        MlpNetwork.Gradients g = net.backward(net.forward(x), LABELS);
        int layers = SIZES.length - 1;
        INDArray[] params = new INDArray[2 * layers];
        INDArray[] grads = new INDArray[2 * layers];
        for (int l = 0; l < layers; l++) {
            params[2 * l] = net.loraA[l];
            params[2 * l + 1] = net.loraB[l];
            grads[2 * l] = g.first()[l];
            grads[2 * l + 1] = g.second()[l];
        }
        double worst = worstError(net, params, grads, x);
        assertTrue(worst < 1e-5, "A and B gradients against finite differences: worst relative error " + worst);
    }
}
