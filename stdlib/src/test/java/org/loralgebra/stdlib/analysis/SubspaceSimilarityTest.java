package org.loralgebra.stdlib.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.RealAdapters;
import org.loralgebra.TestAdapters;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Engine;
import org.loralgebra.lang.LoraException;
import org.loralgebra.lang.Side;
import org.loralgebra.model.AdapterSource;
import org.loralgebra.model.AdapterTypeException;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.model.StoredModule;

class SubspaceSimilarityTest {
    private static final List<TestAdapters.Shape> RANK3 = List.of(
            new TestAdapters.Shape("layers.0.q", 12, 10, 3, 2.0), new TestAdapters.Shape("layers.1.q", 9, 14, 3, 0.5));
    private static final List<TestAdapters.Shape> RANK5 = List.of(
            new TestAdapters.Shape("layers.0.q", 12, 10, 5, 1.0), new TestAdapters.Shape("layers.1.q", 9, 14, 5, 1.0));

    /** φ(i, j) and the principal cosines of one module against singular vectors from the Jacobi reference. */
    private static void checkModule(ModuleSubspaceSimilarity got, Dense.M u1, Dense.M u2, double tol) {
        for (int i = 1; i <= got.rows(); i++) {
            for (int j = 1; j <= got.cols(); j++) {
                assertEquals(Reference.phi(u1, u2, i, j), got.phi(i, j), tol, got.module() + " φ(" + i + "," + j + ")");
                assertEquals(got.phi(i, j), got.phiGrid()[i - 1][j - 1], 1e-12, "grid and φ agree");
            }
        }
        double[] cos = Dense.singularValues(Dense.mul(Dense.transpose(u1), u2));
        double[] got2 = got.principalCosines();
        assertEquals(Math.min(got.rows(), got.cols()), got2.length);
        for (int k = 0; k < got2.length; k++) {
            assertEquals(cos[k], got2[k], tol, got.module() + " cos θ" + k);
        }
    }

    @Test
    void inputAndOutputSidesMatchDenseSingularVectorsAcrossRanks() {
        InMemoryAdapter a = TestAdapters.random("a", 21, RANK3);
        InMemoryAdapter b = TestAdapters.random("b", 22, RANK5);
        SubspaceSimilarity input = SubspaceSimilarity.of(Lora.from(a), Lora.from(b));
        SubspaceSimilarity output = SubspaceSimilarity.of(Lora.from(a), Lora.from(b), Side.OUTPUT);
        assertEquals(Side.INPUT, input.side());
        for (String m : List.of("layers.0.q", "layers.1.q")) {
            Dense.M da = TestAdapters.dense(a, m);
            Dense.M db = TestAdapters.dense(b, m);
            ModuleSubspaceSimilarity in = input.module(m);
            assertEquals(3, in.rows());
            assertEquals(5, in.cols());
            checkModule(
                    in,
                    Reference.columns(Reference.rightSingularVectors(da), 3),
                    Reference.columns(Reference.rightSingularVectors(db), 5),
                    1e-4);
            checkModule(
                    output.module(m),
                    Reference.columns(Reference.leftSingularVectors(da), 3),
                    Reference.columns(Reference.leftSingularVectors(db), 5),
                    1e-4);
        }
    }

    @Test
    void anAdapterIsFullySimilarToItselfAndToAnyMultiple() {
        Adapter a = Lora.from(TestAdapters.random("a", 23, RANK3));
        SubspaceSimilarity self = SubspaceSimilarity.of(a, a.times(-3));
        for (ModuleSubspaceSimilarity m : self.modules()) {
            for (double[] row : m.phiGrid()) {
                for (double v : row) {
                    assertEquals(1, v, 1e-5);
                }
            }
            for (double angle : m.principalAngles()) {
                assertEquals(0, angle, 5e-3);
            }
        }
    }

    @Test
    void sumOfSquaredPrincipalCosinesIsPhiOfTheWholeSpans() {
        SubspaceSimilarity s = SubspaceSimilarity.of(
                Lora.from(TestAdapters.random("a", 24, RANK3)), Lora.from(TestAdapters.random("b", 25, RANK5)));
        for (ModuleSubspaceSimilarity m : s.modules()) {
            double sum = 0;
            for (double c : m.principalCosines()) {
                sum += c * c;
            }
            assertEquals(m.phi(3, 5) * 3, sum, 1e-5);
            assertEquals(m.phi(3, 3), m.topOverlap(), 0);
        }
        double[][] mean = s.meanPhiGrid();
        assertEquals(3, mean.length);
        assertEquals((s.module("layers.0.q").phi(2, 4) + s.module("layers.1.q").phi(2, 4)) / 2, mean[1][3], 1e-15);
        assertEquals(s.module("layers.1.q").topOverlap(), s.grid().get(1, "q"), 0);
    }

    /**
     * The random-subspace baseline max(i, j)/n against a Monte Carlo estimate: 400 pairs of subspaces spanned by
     * Gaussian columns (uniform on the Grassmannian) in R^48, φ computed by the module code, averaged; the mean must
     * lie within 5 standard errors of the closed form at every (i, j).
     */
    @Test
    void randomSubspacesAverageTheBaseline() {
        Backend be = Engine.current().backend();
        int n = 48;
        int r1 = 4;
        int r2 = 6;
        int trials = 400;
        Random rnd = new Random(31);
        double[][] sum = new double[r1][r2];
        double[][] sumSq = new double[r1][r2];
        ModuleSubspaceSimilarity last = null;
        for (int t = 0; t < trials; t++) {
            Dense.M u1 = Reference.orthonormalColumns(gaussian(rnd, n, r1));
            Dense.M u2 = Reference.orthonormalColumns(gaussian(rnd, n, r2));
            last = ModuleSubspaceSimilarity.compute(
                    be, ModuleName.of("m"), be.fromRowMajor(n, r1, u1.v()), be.fromRowMajor(n, r2, u2.v()));
            double[][] g = last.phiGrid();
            for (int i = 0; i < r1; i++) {
                for (int j = 0; j < r2; j++) {
                    sum[i][j] += g[i][j];
                    sumSq[i][j] += g[i][j] * g[i][j];
                }
            }
        }
        assertEquals(n, last.dimension());
        for (int i = 0; i < r1; i++) {
            for (int j = 0; j < r2; j++) {
                double mean = sum[i][j] / trials;
                double se = Math.sqrt(Math.max(0, sumSq[i][j] / trials - mean * mean) / trials);
                double expected = last.randomPhi(i + 1, j + 1);
                assertEquals((double) Math.max(i + 1, j + 1) / n, expected, 0);
                assertTrue(
                        Math.abs(mean - expected) < 5 * se,
                        "φ(" + (i + 1) + ", " + (j + 1) + "): Monte Carlo " + mean + " ± " + se + ", closed form "
                                + expected + ", off by " + Math.abs(mean - expected) / se + " standard errors");
            }
        }
    }

    private static Dense.M gaussian(Random rnd, int rows, int cols) {
        return Dense.gaussian(rnd, rows, cols);
    }

    @Test
    void realDistilbertAdaptersAgainstAGramSchmidtReference() throws Exception {
        Adapter imdb = Lora.load(RealAdapters.path("distilbert-imdb"));
        Adapter emotion = Lora.load(RealAdapters.path("distilbert-emotion"));
        SubspaceSimilarity s = SubspaceSimilarity.of(imdb, emotion);
        assertEquals(12, s.modules().size());
        AdapterSource si = imdb.source().orElseThrow();
        AdapterSource se = emotion.source().orElseThrow();
        for (String m : List.of(
                "distilbert.transformer.layer.0.attention.q_lin", "distilbert.transformer.layer.5.attention.v_lin")) {
            checkModule(s.module(m), inputVectors(si.read(m)), inputVectors(se.read(m)), 2e-4);
        }
        JsonNode root = new ObjectMapper().readTree(s.toJson());
        assertEquals("input", root.get("side").asText());
        assertEquals(8, root.get("modules").get(0).get("phi").size());
        assertEquals(
                s.modules().get(0).phi(8, 8),
                root.get("modules").get(0).get("top_overlap").asDouble(),
                0);
        assertEquals(768, root.get("modules").get(0).get("dimension").asInt(), "DistilBERT's hidden size");
        assertEquals(
                8.0 / 768, root.get("modules").get(0).get("random_top_overlap").asDouble(), 1e-15);
        assertEquals(
                s.toJson(),
                SubspaceSimilarity.of(Lora.load(RealAdapters.path("distilbert-imdb")), emotion)
                        .toJson());
    }

    /**
     * The right singular vectors of s·B·A computed without QR or LAPACK: an orthonormal basis Q of span(Aᵀ) by
     * Gram–Schmidt, then the Jacobi eigenvectors E of (ΔW·Q)ᵀ(ΔW·Q), V = Q·E.
     */
    private static Dense.M inputVectors(StoredModule m) {
        Dense.M a = new Dense.M(m.spec().rank(), m.spec().in(), m.aMatrix().toDoubleArray());
        Dense.M q = Reference.orthonormalColumns(Dense.transpose(a));
        Dense.M dwq = Dense.mul(TestAdapters.dense(m), q);
        return Dense.mul(
                q, Reference.eigen(Dense.mul(Dense.transpose(dwq), dwq)).vectors());
    }

    @Test
    void mismatchesAreReportedByName() {
        Adapter imdb = Lora.load(RealAdapters.path("distilbert-imdb"));
        Adapter gpt2 = Lora.load(RealAdapters.path("gpt2-tigrinya"));
        AdapterTypeException e = assertThrows(AdapterTypeException.class, () -> SubspaceSimilarity.of(imdb, gpt2));
        assertTrue(
                e.getMessage().contains("distilbert-imdb") && e.getMessage().contains("gpt2-tigrinya"), e.getMessage());
        Adapter x = Lora.from(TestAdapters.random("x", 1, RANK3));
        Adapter y = Lora.from(TestAdapters.random("y", 2, List.of(new TestAdapters.Shape("other.0.k", 4, 4, 2, 1.0))));
        assertTrue(assertThrows(LoraException.class, () -> SubspaceSimilarity.of(x, y))
                .getMessage()
                .contains("no module in common"));
        assertThrows(LoraException.class, () -> SubspaceSimilarity.of(x, x, Side.BOTH));
        assertTrue(assertThrows(
                        LoraException.class,
                        () -> SubspaceSimilarity.of(x, x).module("layers.0.q").phi(4, 1))
                .getMessage()
                .contains("1 ≤ i ≤ 3"));
    }
}
