package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertBelow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.stdlib.cluster.Cluster;
import org.loralgebra.stdlib.merge.MajoritySign;
import org.loralgebra.stdlib.merge.Merge;
import org.loralgebra.stdlib.merge.Method;

/** {@code lora merge} and {@code lora cluster} on the real DistilBERT pair. */
class MergeClusterCommandTest {
    private static final List<String> MODULES =
            List.of("distilbert.transformer.layer.0.attention.q_lin", "distilbert.transformer.layer.4.attention.v_lin");

    @TempDir
    Path tmp;

    @Test
    void catWithWeightsIsTheWeightedSumOfTheRawAdapters() throws Exception {
        Path imdb = CliRun.adapter("distilbert-imdb");
        Path emotion = CliRun.adapter("distilbert-emotion");
        Path out = tmp.resolve("cat");
        CliRun run = CliRun.of(
                "merge",
                "--method",
                "cat",
                "--weights",
                "0.7,-0.2",
                imdb.toString(),
                emotion.toString(),
                "-o",
                out.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("cat of 2 adapters, 12 modules, rank 16"), run.out());
        RawAdapter x = RawAdapter.read(imdb);
        RawAdapter y = RawAdapter.read(emotion);
        Adapter merged = Lora.load(out);
        for (String m : MODULES) {
            double[] dx = x.delta(m);
            double[] dy = y.delta(m);
            double[] expected = new double[dx.length];
            for (int i = 0; i < dx.length; i++) {
                expected[i] = 0.7 * dx[i] - 0.2 * dy[i];
            }
            double err = RawAdapter.maxRelError(expected, merged.dense(m).toArray());
            assertTrue(err < 1e-5, m + ": " + err);
        }
    }

    @Test
    void tiesWithDensityMatchesTheLibraryAndIsReproducible() throws Exception {
        String a = CliRun.adapter("distilbert-imdb").toString();
        String b = CliRun.adapter("distilbert-emotion").toString();
        Path one = tmp.resolve("one");
        Path two = tmp.resolve("two");
        CliRun run = CliRun.of(
                "merge",
                "--method",
                "dare_ties_svd",
                "--weights",
                "0.5,0.5",
                "--density",
                "0.5",
                "--rank",
                "4",
                "--seed",
                "9",
                "--majority-sign",
                "frequency",
                a,
                b,
                "-o",
                one.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("rank 4"), run.out());
        assertEquals(
                0,
                CliRun.of(
                                "merge",
                                "-m",
                                "dare-ties-svd",
                                "-w",
                                "0.5,0.5",
                                "-d",
                                "0.5",
                                "-r",
                                "4",
                                "-s",
                                "9",
                                "--majority-sign",
                                "frequency",
                                a,
                                b,
                                "-o",
                                two.toString())
                        .status());
        assertArrayEquals(
                Files.readAllBytes(one.resolve("adapter_model.safetensors")),
                Files.readAllBytes(two.resolve("adapter_model.safetensors")),
                "same seed, same bytes");
        Adapter api = Merge.of(Lora.load(a), Lora.load(b))
                .method(Method.DARE_TIES_SVD)
                .weights(0.5, 0.5)
                .density(0.5)
                .rank(4)
                .seed(9)
                .majoritySign(MajoritySign.FREQUENCY)
                .adapter();
        Adapter cli = Lora.load(one);
        for (String m : MODULES) {
            double err =
                    RawAdapter.maxRelError(api.dense(m).toArray(), cli.dense(m).toArray());
            assertTrue(err < 1e-5, m + ": " + err);
        }
        Path ties = tmp.resolve("ties");
        assertEquals(
                0,
                CliRun.of(
                                "merge",
                                "--method",
                                "ties",
                                "--weights",
                                "0.5,0.5",
                                "--density",
                                "0.5",
                                a,
                                b,
                                "-o",
                                ties.toString())
                        .status());
        assertEquals(8, Lora.load(ties).module(MODULES.get(0)).rank(), "PEFT's ties keeps the common rank");
    }

    @Test
    void badOptionsAreUsageOrInputErrorsThatSayWhy() {
        String a = CliRun.adapter("distilbert-imdb").toString();
        String b = CliRun.adapter("distilbert-emotion").toString();
        String out = tmp.resolve("x").toString();
        CliRun unknown = CliRun.of("merge", "--method", "tie", a, b, "-o", out);
        assertEquals(ExitCodes.USAGE, unknown.status());
        assertTrue(
                unknown.err().contains("unknown merge method 'tie'")
                        && unknown.err().contains("ties_svd"),
                unknown.err());
        CliRun weights = CliRun.of("merge", "--weights", "1,2,3", a, b, "-o", out);
        assertEquals(ExitCodes.INPUT, weights.status());
        assertTrue(weights.err().contains("3 weights for 2 adapters"), weights.err());
        CliRun missing = CliRun.of("merge", a, tmp.resolve("nope").toString(), "-o", out);
        assertEquals(ExitCodes.INPUT, missing.status());
        assertTrue(missing.err().contains("nope"), missing.err());
        assertTrue(!Files.exists(Path.of(out)), "nothing written on error");
    }

    @Test
    void clusterWithOneClusterPerUnitIsTheExactSumAndK8MatchesTheLibrary() throws Exception {
        Path imdb = CliRun.adapter("distilbert-imdb");
        Path emotion = CliRun.adapter("distilbert-emotion");
        Path all = tmp.resolve("k16");
        CliRun run = CliRun.of("cluster", "--k", "16", imdb.toString(), emotion.toString(), "-o", all.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("LoRA-LEGO of 2 adapters, 12 modules, rank ≤ 16"), run.out());
        RawAdapter x = RawAdapter.read(imdb);
        RawAdapter y = RawAdapter.read(emotion);
        Adapter sum = Lora.load(all);
        for (String m : MODULES) {
            double[] dx = x.delta(m);
            double[] dy = y.delta(m);
            double[] expected = new double[dx.length];
            for (int i = 0; i < dx.length; i++) {
                expected[i] = dx[i] + dy[i];
            }
            assertBelow(RawAdapter.maxRelError(expected, sum.dense(m).toArray()), 1e-5, m + ": relative error");
        }
        Path k8 = tmp.resolve("k8");
        assertEquals(
                0,
                CliRun.of("cluster", "-k", "8", "--seed", "3", imdb.toString(), emotion.toString(), "-o", k8.toString())
                        .status());
        Adapter api =
                Cluster.of(Lora.load(imdb), Lora.load(emotion)).k(8).seed(3).adapter();
        Adapter cli = Lora.load(k8);
        for (String m : MODULES) {
            assertEquals(8, cli.module(m).rank());
            assertBelow(
                    RawAdapter.maxRelError(api.dense(m).toArray(), cli.dense(m).toArray()),
                    1e-5,
                    m + ": relative error");
        }
        CliRun bad = CliRun.of(
                "cluster", "--k", "0", imdb.toString(), "-o", tmp.resolve("bad").toString());
        assertEquals(ExitCodes.USAGE, bad.status());
        assertTrue(bad.err().contains("--k must be ≥ 1"), bad.err());
    }
}
