package org.loralgebra.stdlib.lab.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * all-MiniLM-L6-v2's forward pass on ND4J, float32, sequences in batches padded to the longest, padded positions
 * masked out of attention (and left out of everything returned).
 *
 * <p>Embeddings: e = LN(word[id] + position[i] + tokenType[0]). Each of the 6 layers, on x (n × 384):
 * q, k, v = x·Wᵀ + b; per head h (12 of 32 dims) ctxₕ = softmax(qₕ·kₕᵀ/√32)·vₕ; a = LN(x + ctx·W_oᵀ + b_o)
 * ({@code attention.output}); x' = LN(a + gelu(a·W₁ᵀ + b₁)·W₂ᵀ + b₂) ({@code intermediate.dense},
 * {@code output.dense}), with gelu(z) = z·(1 + erf(z/√2))/2 and LN(z) = (z − mean)/√(var + 10⁻¹²)·γ + β over the
 * 384 features. The sentence embedding is the mean of the last layer's rows, L2-normalised. Immutable.
 */
public final class MiniLm {
    /** Width of the hidden states. */
    public static final int HIDDEN = 384;
    /** Width of the feed-forward block. */
    public static final int INTERMEDIATE = 1536;
    /** Number of layers. */
    public static final int LAYERS = 6;
    /** Number of attention heads. */
    public static final int HEADS = 12;
    /** LayerNorm's ε. */
    public static final double EPS = 1e-12;

    private static final int HEAD = HIDDEN / HEADS;

    private final float[] word;
    private final float[] position;
    private final int positions;
    private final INDArray tokenType;
    private final INDArray embGamma;
    private final INDArray embBeta;
    private final Layer[] layers;

    /** The weights of one layer: linear weights [out, in] (as INDArrays transposed for x·Wᵀ), biases rows. */
    private record Layer(
            INDArray qT,
            INDArray qb,
            INDArray kT,
            INDArray kb,
            INDArray vT,
            INDArray vb,
            INDArray oT,
            INDArray ob,
            INDArray attGamma,
            INDArray attBeta,
            FeedForward ffn) {}

    private MiniLm(MiniLmWeights w) {
        word = w.values("embeddings.word_embeddings.weight");
        position = w.values("embeddings.position_embeddings.weight");
        positions = w.shape("embeddings.position_embeddings.weight")[0];
        tokenType = matrix(w, "embeddings.token_type_embeddings.weight").getRow(0, true);
        embGamma = row(w, "embeddings.LayerNorm.weight");
        embBeta = row(w, "embeddings.LayerNorm.bias");
        layers = new Layer[LAYERS];
        for (int l = 0; l < LAYERS; l++) {
            String p = "encoder.layer." + l + ".";
            layers[l] = new Layer(
                    matrix(w, p + "attention.self.query.weight").transpose().dup('c'),
                    row(w, p + "attention.self.query.bias"),
                    matrix(w, p + "attention.self.key.weight").transpose().dup('c'),
                    row(w, p + "attention.self.key.bias"),
                    matrix(w, p + "attention.self.value.weight").transpose().dup('c'),
                    row(w, p + "attention.self.value.bias"),
                    matrix(w, p + "attention.output.dense.weight").transpose().dup('c'),
                    row(w, p + "attention.output.dense.bias"),
                    row(w, p + "attention.output.LayerNorm.weight"),
                    row(w, p + "attention.output.LayerNorm.bias"),
                    FeedForward.of(w, l));
        }
    }

    /** The model with the weights of the Maven artifact (read once per JVM). */
    public static MiniLm load() {
        return of(MiniLmWeights.load());
    }

    /** The model with the given weights. */
    public static MiniLm of(MiniLmWeights weights) {
        return new MiniLm(weights);
    }

    /** The feed-forward block of layer l (its weights, frozen). */
    public FeedForward feedForward(int layer) {
        return layers[layer].ffn();
    }

    /** The L2-normalised mean-pooled sentence embedding of a sequence of token ids ({@code [CLS] … [SEP]}). */
    public float[] embed(int[] ids) {
        INDArray a =
                Nd4j.createFromArray(ffnInputs(List.of(ids), LAYERS - 1).get(0)).reshape('c', ids.length, HIDDEN);
        return FeedForward.normalized(
                FeedForward.meanRow(layers[LAYERS - 1].ffn().apply(a)));
    }

    /**
     * The input of layer {@code layer}'s feed-forward block (its {@code attention.output} after the LayerNorm) for
     * each sequence, tokens × 384 row-major: the frozen part of the model below
     * {@code encoder.layer.L.intermediate.dense}. The sequences are run together, padded to the longest, with an
     * attention mask that gives padded keys a weight of 0 (a score of −10⁹ before the softmax).
     */
    public List<float[]> ffnInputs(List<int[]> sequences, int layer) {
        int b = sequences.size();
        int len = 0;
        for (int[] ids : sequences) {
            if (ids.length == 0 || ids.length > positions) {
                throw new IllegalArgumentException("MiniLM takes 1 to " + positions + " tokens, got " + ids.length);
            }
            len = Math.max(len, ids.length);
        }
        float[] values = new float[b * len * HIDDEN];
        float[] mask = new float[b * HEADS * len * len];
        for (int s = 0; s < b; s++) {
            int[] ids = sequences.get(s);
            for (int i = 0; i < len; i++) {
                int id = i < ids.length ? ids[i] : 0;
                int at = (s * len + i) * HIDDEN;
                for (int j = 0; j < HIDDEN; j++) {
                    values[at + j] = word[id * HIDDEN + j] + position[i * HIDDEN + j];
                }
            }
            for (int h = 0; h < HEADS; h++) {
                for (int i = 0; i < len; i++) {
                    int from = ((s * HEADS + h) * len + i) * len;
                    Arrays.fill(mask, from + ids.length, from + len, -1e9f);
                }
            }
        }
        INDArray x = Nd4j.createFromArray(values).reshape('c', (long) b * len, HIDDEN);
        INDArray bias = Nd4j.createFromArray(mask).reshape('c', (long) b * HEADS, len, len);
        x.addiRowVector(tokenType);
        x = layerNorm(x, embGamma, embBeta);
        for (int l = 0; l < layer; l++) {
            x = layers[l].ffn().apply(attention(x, layers[l], b, len, bias));
        }
        INDArray a = attention(x, layers[layer], b, len, bias);
        List<float[]> out = new ArrayList<>();
        for (int s = 0; s < b; s++) {
            int n = sequences.get(s).length;
            out.add(a.get(NDArrayIndex.interval((long) s * len, (long) s * len + n), NDArrayIndex.all())
                    .dup('c')
                    .reshape((long) n * HIDDEN)
                    .toFloatVector());
        }
        return out;
    }

    /** Self-attention and its output LayerNorm on x (b·len × 384), heads batched, padded keys masked by bias. */
    private static INDArray attention(INDArray x, Layer w, int b, int len, INDArray bias) {
        INDArray q = heads(x.mmul(w.qT()).addiRowVector(w.qb()), b, len, false);
        INDArray k = heads(x.mmul(w.kT()).addiRowVector(w.kb()), b, len, true);
        INDArray v = heads(x.mmul(w.vT()).addiRowVector(w.vb()), b, len, false);
        INDArray scores = Nd4j.matmul(q, k).muli(1 / Math.sqrt(HEAD)).addi(bias);
        INDArray p = Nd4j.exec(new SoftMax(scores, 2))[0];
        INDArray ctx = Nd4j.matmul(p, v)
                .reshape('c', b, HEADS, len, HEAD)
                .permute(0, 2, 1, 3)
                .dup('c')
                .reshape('c', (long) b * len, HIDDEN);
        INDArray out = ctx.mmul(w.oT()).addiRowVector(w.ob()).addi(x);
        return layerNorm(out, w.attGamma(), w.attBeta());
    }

    /** (b·len × 384) → (b·heads × len × 32), or (b·heads × 32 × len) transposed for keys. */
    private static INDArray heads(INDArray y, int b, int len, boolean transposed) {
        INDArray r = y.reshape('c', b, len, HEADS, HEAD);
        r = transposed ? r.permute(0, 2, 3, 1) : r.permute(0, 2, 1, 3);
        return transposed
                ? r.dup('c').reshape('c', (long) b * HEADS, HEAD, len)
                : r.dup('c').reshape('c', (long) b * HEADS, len, HEAD);
    }

    /** LayerNorm over the columns of each row: (z − mean)/√(var + ε)·γ + β (biased variance). */
    static INDArray layerNorm(INDArray z, INDArray gamma, INDArray beta) {
        long n = z.rows();
        INDArray centred = z.subColumnVector(z.mean(1).reshape(n, 1));
        INDArray var = centred.mul(centred).mean(1).reshape(n, 1);
        INDArray std = Transforms.sqrt(var.addi(EPS), false);
        return centred.diviColumnVector(std).muliRowVector(gamma).addiRowVector(beta);
    }

    /** The exact GELU, z·(1 + erf(z/√2))/2. */
    static INDArray gelu(INDArray z) {
        INDArray erf = Nd4j.exec(new Erf(z.div(Math.sqrt(2))));
        return erf.addi(1).muli(z).muli(0.5);
    }

    static INDArray matrix(MiniLmWeights w, String name) {
        int[] s = w.shape(name);
        return Nd4j.createFromArray(w.values(name)).reshape('c', s[0], s[1]);
    }

    static INDArray row(MiniLmWeights w, String name) {
        float[] v = w.values(name);
        return Nd4j.createFromArray(v).reshape('c', 1, v.length);
    }
}
