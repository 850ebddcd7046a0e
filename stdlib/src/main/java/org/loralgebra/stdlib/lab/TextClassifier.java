package org.loralgebra.stdlib.lab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.loralgebra.Adapter;
import org.loralgebra.DenseMatrix;
import org.loralgebra.lang.LoraException;
import org.loralgebra.stdlib.lab.text.FeedForward;
import org.loralgebra.stdlib.lab.text.MiniLm;
import org.loralgebra.stdlib.lab.text.MiniLmWeights;
import org.loralgebra.stdlib.route.Activations;
import org.loralgebra.stdlib.route.ModuleRoute;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The text suite's model: all-MiniLM-L6-v2 with a linear classification head over the suite's labels. On a text
 * whose top-layer feed-forward input is a (tokens × 384, {@link TextExamples}), the top layer's block gives
 * h = LN(a + gelu(a·W₁ᵀ + b₁)·W₂ᵀ + b₂), the sentence embedding is e = mean(h)/‖mean(h)‖ and the logits
 * z = e·Hᵀ + c; the prediction is the best label in the text's task range. The modules an adapter may change are the
 * top layer's {@code encoder.layer.5.intermediate.dense} (W₁, 1536 × 384) and {@code encoder.layer.5.output.dense}
 * (W₂, 384 × 1536). Immutable: {@link #with} returns a new model.
 */
public final class TextClassifier implements Model<TextExamples> {
    /** The base model's name, as written in an adapter's {@code base_model_name_or_path}. */
    public static final String NAME = "sentence-transformers/all-MiniLM-L6-v2";

    /** The layer whose feed-forward block adapters change. */
    public static final int TOP = MiniLm.LAYERS - 1;

    private static final int TOKENS_PER_BATCH = 4096;

    private final FeedForward ffn;
    private final float[] w1;
    private final float[] w2;
    private final int classes;
    private final float[] head;
    private final float[] headBias;

    private TextClassifier(FeedForward ffn, float[] w1, float[] w2, int classes, float[] head, float[] headBias) {
        this.ffn = ffn;
        this.w1 = w1;
        this.w2 = w2;
        this.classes = classes;
        this.head = head;
        this.headBias = headBias;
    }

    /**
     * MiniLM's top layer with a head of {@code classes} rows: H row-major (classes × 384) and c (copied).
     */
    public static TextClassifier of(MiniLmWeights weights, int classes, float[] head, float[] headBias) {
        if (head.length != classes * MiniLm.HIDDEN || headBias.length != classes) {
            throw new IllegalArgumentException("a head of " + classes + " classes needs " + classes * MiniLm.HIDDEN
                    + " weights and " + classes + " biases, got " + head.length + " and " + headBias.length);
        }
        return new TextClassifier(
                FeedForward.of(weights, TOP),
                weights.get(FeedForward.intermediate(TOP) + ".weight"),
                weights.get(FeedForward.output(TOP) + ".weight"),
                classes,
                head.clone(),
                headBias.clone());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> modules() {
        return List.of(FeedForward.intermediate(TOP), FeedForward.output(TOP));
    }

    /** The number of labels of the head. */
    public int classes() {
        return classes;
    }

    /** The top layer's feed-forward block with this model's W₁ and W₂. */
    FeedForward feedForward() {
        return ffn;
    }

    /** The head's weights H (classes × 384, row-major; a copy). */
    public float[] head() {
        return head.clone();
    }

    /** The head's biases c (a copy). */
    public float[] headBias() {
        return headBias.clone();
    }

    /** W₁ or W₂ by module name, [out, in] row-major (a copy). */
    public float[] weight(String module) {
        int k = modules().indexOf(module);
        if (k < 0) {
            throw new LoraException("model " + NAME + " has no module " + module + " (its modules: " + modules() + ")");
        }
        return (k == 0 ? w1 : w2).clone();
    }

    @Override
    public int[] predict(TextExamples examples) {
        double[][] z = logits(examples);
        int[] out = new int[z.length];
        for (int i = 0; i < z.length; i++) {
            int best = examples.from(i);
            for (int c = best + 1; c < examples.to(i); c++) {
                if (z[i][c] > z[i][best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /** The logits of every text (count × classes), in double. */
    public double[][] logits(TextExamples examples) {
        float[][] e = embeddings(examples);
        double[][] out = new double[e.length][classes];
        for (int i = 0; i < e.length; i++) {
            for (int c = 0; c < classes; c++) {
                double s = headBias[c];
                for (int j = 0; j < MiniLm.HIDDEN; j++) {
                    s += (double) head[c * MiniLm.HIDDEN + j] * e[i][j];
                }
                out[i][c] = s;
            }
        }
        return out;
    }

    /** The L2-normalised sentence embedding e of every text (count × 384), float32. */
    public float[][] embeddings(TextExamples examples) {
        return SingleThread.run(() -> {
            int n = examples.count();
            float[][] out = new float[n][];
            int from = 0;
            while (from < n) {
                int to = from;
                int tokens = 0;
                while (to < n && (to == from || tokens + examples.tokens(to) <= TOKENS_PER_BATCH)) {
                    tokens += examples.tokens(to);
                    to++;
                }
                int d = MiniLm.HIDDEN;
                float[] xs = new float[tokens * d];
                float[] ps = new float[(to - from) * tokens];
                int row = 0;
                for (int i = from; i < to; i++) {
                    int t = examples.tokens(i);
                    System.arraycopy(examples.rows(i), 0, xs, row * d, t * d);
                    for (int r = 0; r < t; r++) {
                        ps[(i - from) * tokens + row + r] = 1f / t;
                    }
                    row += t;
                }
                INDArray x = Nd4j.createFromArray(xs).reshape('c', tokens, d);
                INDArray pool = Nd4j.createFromArray(ps).reshape('c', to - from, tokens);
                INDArray pooled = pool.mmul(ffn.apply(x));
                INDArray norms =
                        Transforms.sqrt(pooled.mul(pooled).sum(1), false).reshape(to - from, 1);
                pooled.diviColumnVector(norms);
                float[] flat = pooled.dup('c').reshape(pooled.length()).toFloatVector();
                for (int i = from; i < to; i++) {
                    out[i] = Arrays.copyOfRange(flat, (i - from) * MiniLm.HIDDEN, (i - from + 1) * MiniLm.HIDDEN);
                }
                from = to;
            }
            return out;
        });
    }

    @Override
    public TextClassifier with(Adapter adapter) {
        return (TextClassifier) Model.super.with(adapter);
    }

    @Override
    public TextClassifier withUpdates(Map<String, DenseMatrix> updates, double lambda) {
        Set<String> unknown = new LinkedHashSet<>(updates.keySet());
        unknown.removeAll(modules());
        if (!unknown.isEmpty()) {
            throw new LoraException(
                    "module(s) " + unknown + " are not in model " + NAME + " (its modules: " + modules() + ")");
        }
        List<float[]> ws = new ArrayList<>(List.of(w1.clone(), w2.clone()));
        int[][] shapes = {{MiniLm.INTERMEDIATE, MiniLm.HIDDEN}, {MiniLm.HIDDEN, MiniLm.INTERMEDIATE}};
        for (int k = 0; k < 2; k++) {
            String m = modules().get(k);
            DenseMatrix delta = updates.get(m);
            if (delta == null) {
                continue;
            }
            if (delta.rows() != shapes[k][0] || delta.cols() != shapes[k][1]) {
                throw new LoraException("module " + m + ": update of " + delta.rows() + "×" + delta.cols() + ", model "
                        + NAME + " expects " + shapes[k][0] + "×" + shapes[k][1]);
            }
            double[] d = delta.toArray();
            float[] base = k == 0 ? w1 : w2;
            float[] w = ws.get(k);
            for (int i = 0; i < d.length; i++) {
                w[i] = (float) (base[i] + lambda * d[i]);
            }
        }
        return new TextClassifier(ffn.withWeights(ws.get(0), ws.get(1)), ws.get(0), ws.get(1), classes, head, headBias);
    }

    /** Not supported by the text suite: routing needs one activation row per example, and texts have many. */
    @Override
    public Map<String, Activations> moduleInputs(TextExamples examples) {
        throw new LoraException("the text suite does not support routing yet (its modules read one row per token, "
                + "not one per example); use --suite fmnist");
    }

    /** Not supported by the text suite (see {@link #moduleInputs}). */
    @Override
    public int[] predict(TextExamples examples, Map<String, ModuleRoute> routes) {
        if (routes.isEmpty()) {
            return predict(examples);
        }
        throw new LoraException("the text suite does not support routing yet (its modules read one row per token, "
                + "not one per example); use --suite fmnist");
    }
}
