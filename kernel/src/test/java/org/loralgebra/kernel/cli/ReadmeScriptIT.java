package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.TestAdapters;
import org.loralgebra.model.AdapterSource;

/**
 * The README's script ({@code examples/readme.lora.kts}, which {@code ReadmeTest} pins to the README's text) run as a
 * reader runs it: {@code ./lora run examples/readme.lora.kts OUT} from the checkout's root. The printed top singular
 * values are checked against a dense double-precision SVD of each saved module, and the saved adapter has rank 4.
 */
class ReadmeScriptIT {
    private static final Pattern LINE = Pattern.compile("^(\\S+)  σ₁ = (\\S+)$", Pattern.MULTILINE);

    @TempDir
    Path tmp;

    @Test
    void theReadmeScriptRunsAsWrittenAndPrintsTheSavedAdaptersTopSingularValues() throws Exception {
        String classes = System.getProperty("loralgebra.kernel.classesDir");
        String deps = System.getProperty("loralgebra.kernel.runtimeDependenciesFile");
        assumeTrue(classes != null && deps != null, "run by Maven, which names the build's class path");
        Path root = CliRun.repoRoot();
        Path out = tmp.resolve("ties-r4");
        ProcessBuilder pb = new ProcessBuilder(
                        "bash", root.resolve("lora").toString(), "run", "examples/readme.lora.kts", out.toString())
                .directory(root.toFile())
                .redirectErrorStream(true);
        pb.environment()
                .put(
                        "LORA_CLASSPATH",
                        classes
                                + File.pathSeparator
                                + Files.readString(Path.of(deps)).trim());
        pb.environment().put("LORA_XMX", "1g");
        pb.environment().put("XDG_CACHE_HOME", tmp.resolve("cache").toString());
        Process p = pb.start();
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the script ran over 5 minutes");
        assertEquals(0, p.exitValue(), printed);

        Map<String, Double> top = new TreeMap<>();
        Matcher m = LINE.matcher(printed);
        while (m.find()) {
            top.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        AdapterSource saved = Lora.load(out).source().orElseThrow();
        assertEquals(saved.type().modules().keySet(), top.keySet(), "one line per module:\n" + printed);
        assertEquals(12, top.size(), printed);
        for (Map.Entry<String, Double> e : top.entrySet()) {
            assertEquals(4, saved.type().modules().get(e.getKey()).rank(), e.getKey() + ": rank 4 saved");
            double[] reference = singularValuesOfRank4(TestAdapters.dense(saved, e.getKey()));
            double error = Math.abs(reference[0] - e.getValue()) / reference[0];
            assertTrue(
                    error < 1e-4,
                    e.getKey() + ": printed σ₁ " + e.getValue() + ", dense SVD of the saved module " + reference[0]
                            + ", relative error " + error);
        }
        assertTrue(printed.contains("saved ") && printed.contains(out.toString()), printed);
    }

    /**
     * The singular values of a dense matrix of rank at most 4, in double precision: Q, an orthonormal basis (modified
     * Gram-Schmidt) of the row space sampled as Mᵀ·G with a seeded Gaussian G, gives σ(M) = σ(M·Q) (M = M·Q·Qᵀ),
     * and M·Q has 4 columns, so the Jacobi SVD of {@link Dense} is cheap.
     */
    static double[] singularValuesOfRank4(Dense.M m) {
        Random random = new Random(4);
        double[] g = new double[m.rows() * 4];
        for (int i = 0; i < g.length; i++) {
            g[i] = random.nextGaussian();
        }
        Dense.M x = Dense.mul(Dense.transpose(m), new Dense.M(m.rows(), 4, g));
        double[] q = x.v().clone();
        int n = x.rows();
        for (int j = 0; j < 4; j++) {
            for (int k = 0; k < j; k++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += q[i * 4 + j] * q[i * 4 + k];
                }
                for (int i = 0; i < n; i++) {
                    q[i * 4 + j] -= dot * q[i * 4 + k];
                }
            }
            double norm = 0;
            for (int i = 0; i < n; i++) {
                norm += q[i * 4 + j] * q[i * 4 + j];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) {
                q[i * 4 + j] /= norm;
            }
        }
        Dense.M mq = Dense.mul(m, new Dense.M(n, 4, q));
        double residual = Dense.relError(Dense.mul(mq, Dense.transpose(new Dense.M(n, 4, q))), m);
        assertTrue(residual < 1e-9, "M = M·Q·Qᵀ, relative error " + residual + ": rank above 4");
        return Dense.singularValues(mq);
    }
}
