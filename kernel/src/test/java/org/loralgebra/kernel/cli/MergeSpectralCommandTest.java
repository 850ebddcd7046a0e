package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.stdlib.merge.CoreMerge;
import org.loralgebra.stdlib.merge.Merge;
import org.loralgebra.stdlib.merge.Method;
import org.loralgebra.stdlib.merge.ThresholdScope;

/** {@code lora merge} with the 2025 methods (core space, TSV, Iso, KnOTS) on the real DistilBERT pair. */
class MergeSpectralCommandTest {
    private static final List<String> MODULES =
            List.of("distilbert.transformer.layer.0.attention.q_lin", "distilbert.transformer.layer.4.attention.v_lin");

    @TempDir
    Path tmp;

    @Test
    void coreSpaceWithItsOptionsIsTheLibrarysMerge() {
        String a = CliRun.adapter("distilbert-imdb").toString();
        String b = CliRun.adapter("distilbert-emotion").toString();
        Path out = tmp.resolve("core");
        CliRun run = CliRun.of(
                "merge",
                "--method",
                "core_space",
                "--core-merge",
                "cart",
                "--cart-rank-fraction",
                "0.25",
                "--cart-weight",
                "0.5",
                "--isotropize",
                "--merge-alpha",
                "0.7",
                "-w",
                "0.6,0.4",
                a,
                b,
                "-o",
                out.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("core_space of 2 adapters"), run.out());
        Adapter api = Merge.of(Lora.load(a), Lora.load(b))
                .method(Method.CORE_SPACE)
                .coreMerge(CoreMerge.CART)
                .cartRankFraction(0.25)
                .cartWeight(0.5)
                .isotropize(true)
                .alpha(0.7)
                .weights(0.6, 0.4)
                .adapter();
        Adapter cli = Lora.load(out);
        for (String m : MODULES) {
            double err =
                    RawAdapter.maxRelError(api.dense(m).toArray(), cli.dense(m).toArray());
            assertTrue(err < 1e-5, m + ": " + err);
            assertTrue(cli.module(m).rank() <= 16, m + ": rank ≤ Σr = 16");
        }
    }

    @Test
    void seededMethodsWriteTheSameBytesForTheSameSeed() throws Exception {
        String a = CliRun.adapter("distilbert-imdb").toString();
        String b = CliRun.adapter("distilbert-emotion").toString();
        for (String method : List.of("knots_dare_ties", "iso_cts", "tsv")) {
            Path one = tmp.resolve(method + "1");
            Path two = tmp.resolve(method + "2");
            for (Path p : List.of(one, two)) {
                CliRun run = CliRun.of("merge", "-m", method, "-s", "5", a, b, "-o", p.toString());
                assertEquals(0, run.status(), method + ": " + run.err());
            }
            assertArrayEquals(
                    Files.readAllBytes(one.resolve("adapter_model.safetensors")),
                    Files.readAllBytes(two.resolve("adapter_model.safetensors")),
                    method + ": same seed, same bytes");
        }
    }

    @Test
    void gramMethodsAreTheLibrarysMergeAtRankSigmaR() {
        String a = CliRun.adapter("distilbert-imdb").toString();
        String b = CliRun.adapter("distilbert-emotion").toString();
        for (Method m : List.of(Method.MODEL_STOCK, Method.KARCHER, Method.NUSLERP)) {
            Path out = tmp.resolve(m.id());
            CliRun run = CliRun.of(
                    "merge", "-m", m.id(), "-w", "0.3,0.7", "--merge-alpha", "1.5", a, b, "-o", out.toString());
            assertEquals(0, run.status(), m + ": " + run.err());
            assertTrue(run.out().contains("rank 16"), run.out());
            Adapter api = Merge.of(Lora.load(a), Lora.load(b))
                    .method(m)
                    .weights(0.3, 0.7)
                    .alpha(1.5)
                    .adapter();
            Adapter cli = Lora.load(out);
            for (String module : MODULES) {
                double err = RawAdapter.maxRelError(
                        api.dense(module).toArray(), cli.dense(module).toArray());
                assertTrue(err < 1e-5, m + " " + module + ": " + err);
            }
        }
    }

    @Test
    void dellaIsTheLibrarysMergeAndSeeded() throws Exception {
        String a = CliRun.adapter("distilbert-imdb").toString();
        String b = CliRun.adapter("distilbert-emotion").toString();
        Path one = tmp.resolve("della1");
        Path two = tmp.resolve("della2");
        for (Path p : List.of(one, two)) {
            CliRun run = CliRun.of(
                    "merge",
                    "-m",
                    "della",
                    "-d",
                    "0.5",
                    "--della-epsilon",
                    "0.1",
                    "-r",
                    "4",
                    "-s",
                    "3",
                    a,
                    b,
                    "-o",
                    p.toString());
            assertEquals(0, run.status(), run.err());
            assertTrue(run.out().contains("rank 4"), run.out());
        }
        assertArrayEquals(
                Files.readAllBytes(one.resolve("adapter_model.safetensors")),
                Files.readAllBytes(two.resolve("adapter_model.safetensors")),
                "same seed, same bytes");
        Adapter api = Merge.of(Lora.load(a), Lora.load(b))
                .method(Method.DELLA)
                .density(0.5)
                .epsilon(0.1)
                .rank(4)
                .seed(3)
                .adapter();
        Adapter cli = Lora.load(one);
        for (String module : MODULES) {
            double err = RawAdapter.maxRelError(
                    api.dense(module).toArray(), cli.dense(module).toArray());
            assertTrue(err < 1e-5, module + ": " + err);
        }
    }

    @Test
    void breadcrumbsAndSceAreTheLibrarysMerges() throws Exception {
        String a = CliRun.adapter("distilbert-imdb").toString();
        String b = CliRun.adapter("distilbert-emotion").toString();
        Path crumbs = tmp.resolve("crumbs");
        CliRun run = CliRun.of(
                "merge",
                "-m",
                "breadcrumbs_ties",
                "-d",
                "0.6",
                "--gamma",
                "0.02",
                "-r",
                "4",
                a,
                b,
                "-o",
                crumbs.toString());
        assertEquals(0, run.status(), run.err());
        Path sce = tmp.resolve("sce");
        CliRun sceRun = CliRun.of("merge", "-m", "sce", "--select-topk", "0.5", "-r", "4", a, b, "-o", sce.toString());
        assertEquals(0, sceRun.status(), sceRun.err());
        Adapter crumbsApi = Merge.of(Lora.load(a), Lora.load(b))
                .method(Method.BREADCRUMBS_TIES)
                .density(0.6)
                .gamma(0.02)
                .rank(4)
                .adapter();
        Adapter sceApi = Merge.of(Lora.load(a), Lora.load(b))
                .method(Method.SCE)
                .selectTopK(0.5)
                .rank(4)
                .adapter();
        for (String module : MODULES) {
            double e1 = RawAdapter.maxRelError(
                    crumbsApi.dense(module).toArray(),
                    Lora.load(crumbs).dense(module).toArray());
            assertTrue(e1 < 1e-5, "breadcrumbs_ties " + module + ": " + e1);
            double e2 = RawAdapter.maxRelError(
                    sceApi.dense(module).toArray(), Lora.load(sce).dense(module).toArray());
            assertTrue(e2 < 1e-5, "sce " + module + ": " + e2);
        }
        String out = tmp.resolve("y").toString();
        CliRun weighted = CliRun.of("merge", "-m", "sce", "-w", "1,2", a, b, "-o", out);
        assertEquals(ExitCodes.INPUT, weighted.status());
        assertTrue(weighted.err().contains("sce takes no weights"), weighted.err());
        CliRun misplaced = CliRun.of("merge", "-m", "ties_svd", "-d", "0.5", "--gamma", "0.1", a, b, "-o", out);
        assertEquals(ExitCodes.INPUT, misplaced.status());
        assertTrue(misplaced.err().contains("gamma applies to breadcrumbs"), misplaced.err());
        assertTrue(!Files.exists(Path.of(out)), "nothing written on error");
    }

    @Test
    void knotsTiesTakesTheReferencesGlobalThresholdWhenAsked() {
        String a = CliRun.adapter("distilbert-imdb").toString();
        String b = CliRun.adapter("distilbert-emotion").toString();
        Path global = tmp.resolve("global");
        CliRun run =
                CliRun.of("merge", "-m", "knots_ties", "--threshold-scope", "global", a, b, "-o", global.toString());
        assertEquals(0, run.status(), run.err());
        Adapter api = Merge.of(Lora.load(a), Lora.load(b))
                .method(Method.KNOTS_TIES)
                .thresholdScope(ThresholdScope.GLOBAL)
                .adapter();
        Adapter perModule =
                Merge.of(Lora.load(a), Lora.load(b)).method(Method.KNOTS_TIES).adapter();
        double num = 0;
        double den = 0;
        for (String module : MODULES) {
            double[] cli = Lora.load(global).dense(module).toArray();
            double e = RawAdapter.maxRelError(api.dense(module).toArray(), cli);
            assertTrue(e < 1e-5, "knots_ties global " + module + ": CLI vs API " + e);
            double[] other = perModule.dense(module).toArray();
            for (int i = 0; i < cli.length; i++) {
                num += (cli[i] - other[i]) * (cli[i] - other[i]);
                den += cli[i] * cli[i];
            }
        }
        // the README's figure: per-module thresholds change the merged update of this pair by about 12.6%
        double difference = Math.sqrt(num / den);
        assertTrue(difference > 0.05 && difference < 0.3, "global vs per-module, relative: " + difference);
        String out = tmp.resolve("z").toString();
        CliRun misplaced = CliRun.of("merge", "-m", "tsv", "--threshold-scope", "global", a, b, "-o", out);
        assertEquals(ExitCodes.INPUT, misplaced.status());
        assertTrue(misplaced.err().contains("threshold_scope applies to knots_ties"), misplaced.err());
        CliRun unknown = CliRun.of("merge", "-m", "knots_ties", "--threshold-scope", "layer", a, b, "-o", out);
        assertEquals(ExitCodes.INPUT, unknown.status());
        assertTrue(unknown.err().contains("expected module or global"), unknown.err());
        assertTrue(!Files.exists(Path.of(out)), "nothing written on error");
    }

    @Test
    void optionsOfOtherMethodsAreErrorsAndWriteNothing() {
        String a = CliRun.adapter("distilbert-imdb").toString();
        String b = CliRun.adapter("distilbert-emotion").toString();
        String out = tmp.resolve("x").toString();
        CliRun badInner = CliRun.of("merge", "-m", "core_space", "--core-merge", "median", a, b, "-o", out);
        assertEquals(ExitCodes.USAGE, badInner.status());
        assertTrue(badInner.err().contains("unknown core merge 'median'"), badInner.err());
        CliRun misplaced = CliRun.of("merge", "-m", "tsv", "--common-space-fraction", "0.5", a, b, "-o", out);
        assertEquals(ExitCodes.INPUT, misplaced.status());
        assertTrue(misplaced.err().contains("common_space_fraction applies to iso_cts"), misplaced.err());
        assertTrue(!Files.exists(Path.of(out)), "nothing written on error");
    }
}
