package org.loralgebra.stdlib.lab.text;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * all-MiniLM-L6-v2's forward pass on ND4J, float32, one sequence at a time (so no padding and no attention mask is
 * needed: every position attends to every position of its own sequence, as the model does under its mask).
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

    private final INDArray word;
    private final INDArray position;
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
        word = matrix(w, "embeddings.word_embeddings.weight");
        position = matrix(w, "embeddings.position_embeddings.weight");
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
        INDArray x = ffnInput(ids, LAYERS - 1);
        return FeedForward.normalized(
                FeedForward.meanRow(layers[LAYERS - 1].ffn().apply(x)));
    }

    /**
     * The input of layer {@code layer}'s feed-forward block (its {@code attention.output} after the LayerNorm),
     * n × 384: the frozen part of the model below {@code encoder.layer.L.intermediate.dense}.
     */
    public INDArray ffnInput(int[] ids, int layer) {
        if (ids.length == 0 || ids.length > position.rows()) {
            throw new IllegalArgumentException("MiniLM takes 1 to " + position.rows() + " tokens, got " + ids.length);
        }
        INDArray x = Nd4j.create(DataType.FLOAT, ids.length, HIDDEN);
        for (int i = 0; i < ids.length; i++) {
            x.putRow(i, word.getRow(ids[i]));
        }
        x.addi(position.get(NDArrayIndex.interval(0, ids.length), NDArrayIndex.all()));
        x.addiRowVector(tokenType);
        x = layerNorm(x, embGamma, embBeta);
        for (int l = 0; l < layer; l++) {
            x = layers[l].ffn().apply(attention(x, layers[l]));
        }
        return attention(x, layers[layer]);
    }

    private static INDArray attention(INDArray x, Layer w) {
        INDArray q = x.mmul(w.qT()).addiRowVector(w.qb());
        INDArray k = x.mmul(w.kT()).addiRowVector(w.kb());
        INDArray v = x.mmul(w.vT()).addiRowVector(w.vb());
        INDArray ctx = Nd4j.create(DataType.FLOAT, x.rows(), HIDDEN);
        double scale = 1 / Math.sqrt(HEAD);
        for (int h = 0; h < HEADS; h++) {
            INDArray qh = q.get(NDArrayIndex.all(), NDArrayIndex.interval(h * HEAD, (h + 1) * HEAD));
            INDArray kh = k.get(NDArrayIndex.all(), NDArrayIndex.interval(h * HEAD, (h + 1) * HEAD));
            INDArray vh = v.get(NDArrayIndex.all(), NDArrayIndex.interval(h * HEAD, (h + 1) * HEAD));
            INDArray scores = qh.mmul(kh.transpose()).muli(scale);
            INDArray p = softmaxRows(scores);
            ctx.get(NDArrayIndex.all(), NDArrayIndex.interval(h * HEAD, (h + 1) * HEAD))
                    .assign(p.mmul(vh));
        }
        INDArray out = ctx.mmul(w.oT()).addiRowVector(w.ob()).addi(x);
        return layerNorm(out, w.attGamma(), w.attBeta());
    }

    /** Row-wise softmax, the row maximum subtracted first. */
    static INDArray softmaxRows(INDArray z) {
        INDArray e = Transforms.exp(z.subColumnVector(z.max(1).reshape(z.rows(), 1)), false);
        return e.diviColumnVector(e.sum(1).reshape(z.rows(), 1));
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
