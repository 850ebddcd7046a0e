package org.loralgebra.stdlib.lab.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.loralgebra.lang.LoraException;

/**
 * all-MiniLM-L6-v2 read from its Maven artifact: the Hugging Face names and shapes, the forward pass against an
 * independent double-precision loop implementation of BERT written here, and the similarities the
 * sentence-transformers documentation prints for this model.
 */
class MiniLmTest {
    private static MiniLmWeights weights;
    private static MiniLm model;
    private static WordPieceTokenizer tokenizer;

    @BeforeAll
    static void load() {
        weights = MiniLmWeights.load();
        model = MiniLm.of(weights);
        tokenizer = WordPieceTokenizer.minilm();
    }

    @Test
    void weightsCarryHuggingFaceNamesAndPyTorchShapes() {
        assertArrayEquals(new int[] {30522, 384}, weights.shape("embeddings.word_embeddings.weight"));
        assertArrayEquals(new int[] {384, 384}, weights.shape("encoder.layer.0.attention.self.query.weight"));
        assertArrayEquals(new int[] {1536, 384}, weights.shape("encoder.layer.5.intermediate.dense.weight"));
        assertArrayEquals(new int[] {384, 1536}, weights.shape("encoder.layer.5.output.dense.weight"));
        assertArrayEquals(new int[] {384}, weights.shape("encoder.layer.3.output.LayerNorm.bias"));
        long linear = weights.names().stream()
                .filter(n -> n.endsWith("dense.weight")
                        || n.endsWith("query.weight")
                        || n.endsWith("key.weight")
                        || n.endsWith("value.weight"))
                .count();
        assertEquals(6 * 6, linear, "six linear modules per layer");
        assertTrue(
                weights.names().stream().noneMatch(n -> n.startsWith("onnx::")),
                weights.names().toString());
        LoraException e = assertThrows(LoraException.class, () -> weights.shape("encoder.layer.6.output.dense.weight"));
        assertTrue(e.getMessage().contains("encoder.layer.6.output.dense.weight"), e.getMessage());
    }

    @Test
    void theForwardPassMatchesADoublePrecisionLoopImplementation() {
        int[] ids = tokenizer.encode("LoRA adapters, merged.", 128);
        float[] got = model.embed(ids);
        double[] want = ReferenceBert.embed(weights, ids);
        double err = 0;
        for (int i = 0; i < want.length; i++) {
            err = Math.max(err, Math.abs(got[i] - want[i]));
        }
        assertTrue(err < 2e-5, "max |float32 − double reference| = " + err);
        double norm = 0;
        for (float v : got) {
            norm += (double) v * v;
        }
        assertEquals(1, Math.sqrt(norm), 1e-5, "the embedding is L2-normalised");
    }

    @Test
    void paddedBatchesGiveEachSequenceItsOwnValues() {
        int[] shortIds = tokenizer.encode("a cat", 128);
        int[] longIds = tokenizer.encode("the stock market fell sharply after the announcement yesterday", 128);
        List<float[]> together = model.ffnInputs(List.of(shortIds, longIds), 3);
        double err = 0;
        for (int s = 0; s < 2; s++) {
            int[] ids = s == 0 ? shortIds : longIds;
            float[] alone = model.ffnInputs(List.of(ids), 3).get(0);
            assertEquals(ids.length * MiniLm.HIDDEN, together.get(s).length, "rows of sequence " + s);
            for (int i = 0; i < alone.length; i++) {
                err = Math.max(err, Math.abs(alone[i] - together.get(s)[i]));
            }
        }
        assertTrue(err < 1e-4, "max |batched − alone| = " + err);
    }

    @Test
    void reproducesTheSimilaritiesOfTheSentenceTransformersQuickstart() {
        // sbert.net, Usage: model.similarity of "The weather is lovely today.", "It's so sunny outside!",
        // "He drove to the stadium." prints 0.6660, 0.1046, 0.1411
        float[] a = model.embed(tokenizer.encode("The weather is lovely today.", 128));
        float[] b = model.embed(tokenizer.encode("It's so sunny outside!", 128));
        float[] c = model.embed(tokenizer.encode("He drove to the stadium.", 128));
        assertEquals(0.6660, dot(a, b), 1e-3, "weather · sunny");
        assertEquals(0.1046, dot(a, c), 1e-3, "weather · stadium");
        assertEquals(0.1411, dot(b, c), 1e-3, "sunny · stadium");
    }

    @Test
    void reproducesTheScoresTheLabPrototypeMeasured() {
        // ../shared/LAB.md: a numpy prototype reproduced 0.7553 and 0.7369 for this model; they are the scores of two
        // pairs of the sentence-transformers documentation's example corpus (semantic search / paraphrase mining)
        float[] food = model.embed(tokenizer.encode("A man is eating food.", 256));
        float[] bread = model.embed(tokenizer.encode("A man is eating a piece of bread.", 256));
        float[] horse = model.embed(tokenizer.encode("A man is riding a horse.", 256));
        float[] white = model.embed(tokenizer.encode("A man is riding a white horse on an enclosed ground.", 256));
        assertEquals(0.7553, dot(food, bread), 1e-3, "food · bread");
        assertEquals(0.7369, dot(horse, white), 1e-3, "horse · white horse");
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
