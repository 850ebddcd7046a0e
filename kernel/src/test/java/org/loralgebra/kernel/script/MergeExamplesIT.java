package org.loralgebra.kernel.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertAtMost;
import static org.loralgebra.NumericAssertions.assertBelow;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.RealAdapters;
import org.loralgebra.stdlib.cluster.Cluster;
import org.loralgebra.stdlib.merge.Merge;
import org.loralgebra.stdlib.merge.Method;

/** examples/merge.lora.kts and examples/cluster.lora.kts on the real DistilBERT pair. */
class MergeExamplesIT {
    private static final Path EXAMPLES = Path.of(System.getProperty("loralgebra.examplesDir", "../examples"));

    @TempDir
    Path tmp;

    private final StringWriter errText = new StringWriter();
    private final ScriptRunner runner = new ScriptRunner(new PrintWriter(errText, true));

    private String run(String script, List<String> args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(
                    ScriptOutcome.Completed.INSTANCE, runner.run(EXAMPLES.resolve(script), args), errText.toString());
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** "module value value ..." lines of the real adapters' modules. */
    private static Map<String, double[]> rows(String out) {
        Map<String, double[]> rows = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f[0].startsWith("distilbert.transformer.")) {
                double[] v = new double[f.length - 1];
                for (int i = 1; i < f.length; i++) {
                    v[i - 1] = Double.parseDouble(f[i]);
                }
                rows.put(f[0], v);
            }
        }
        return rows;
    }

    private static double rel(Dense.M x, Dense.M ref) {
        return Dense.frobenius(Dense.add(x, ref, -1)) / Dense.frobenius(ref);
    }

    @Test
    void mergeScriptSavesTheLibrarysMergeAndReportsItsDistanceFromTheAverage() {
        Path a = RealAdapters.path("distilbert-imdb");
        Path b = RealAdapters.path("distilbert-emotion");
        Path out = tmp.resolve("merged");
        String printed =
                run("merge.lora.kts", List.of("dare_ties_svd", "0.5", out.toString(), a.toString(), b.toString()));
        Adapter api = Merge.of(Lora.load(a), Lora.load(b))
                .method(Method.DARE_TIES_SVD)
                .weights(0.5, 0.5)
                .density(0.5)
                .seed(0)
                .adapter();
        Adapter saved = Lora.load(out);
        Adapter average = Lora.load(a).plus(Lora.load(b)).times(0.5);
        Map<String, double[]> rows = rows(printed);
        assertEquals(12, rows.size(), printed);
        for (String m : List.of(
                "distilbert.transformer.layer.0.attention.q_lin", "distilbert.transformer.layer.5.attention.v_lin")) {
            Dense.M expected = Dense.M.of(api.dense(m));
            assertBelow(
                    rel(Dense.M.of(saved.dense(m)), expected),
                    1e-5,
                    m + ": the saved merge is the library's, relative error");
            assertEquals(rel(expected, Dense.M.of(average.dense(m))), rows.get(m)[0], 1e-5, m + ": printed distance");
        }
        assertTrue(printed.contains("dare_ties_svd"), "the plan is printed:\n" + printed);
    }

    @Test
    void clusterScriptReportsErrorsThatRespectEckartYoung() {
        Path a = RealAdapters.path("distilbert-imdb");
        Path b = RealAdapters.path("distilbert-emotion");
        Path out = tmp.resolve("lego");
        String printed = run("cluster.lora.kts", List.of("8", out.toString(), a.toString(), b.toString()));
        Map<String, double[]> rows = rows(printed);
        assertEquals(12, rows.size(), printed);
        Adapter api = Cluster.of(Lora.load(a), Lora.load(b)).k(8).adapter();
        Adapter saved = Lora.load(out);
        Adapter sum = Lora.load(a).plus(Lora.load(b));
        for (Map.Entry<String, double[]> e : rows.entrySet()) {
            assertAtMost(
                    e.getValue()[1],
                    e.getValue()[0] + 1e-6,
                    e.getKey() + ": no rank-8 merge beats the truncated SVD, its error against svd's");
        }
        String m = "distilbert.transformer.layer.3.attention.q_lin";
        Dense.M lego = Dense.M.of(api.dense(m));
        assertBelow(
                rel(Dense.M.of(saved.dense(m)), lego), 1e-5, m + ": the saved merge is the library's, relative error");
        assertEquals(rel(lego, Dense.M.of(sum.dense(m))), rows.get(m)[0], 1e-5, "printed LEGO error");
        assertEquals(8, saved.module(m).rank());
    }
}
