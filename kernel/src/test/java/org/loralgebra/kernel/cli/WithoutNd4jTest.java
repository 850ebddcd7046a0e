package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.io.safetensors.SafetensorsWriter;
import org.loralgebra.stdlib.bench.SyntheticAdapters;
import org.loralgebra.stdlib.bench.SyntheticBases;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * Backends are plug-ins: {@code lora} runs in a JVM whose class path is this module's runtime class path minus every
 * ND4J, OpenBLAS and MKL jar, on the pure-Java {@code reference} test backend, and its spectrum and svd merge agree
 * with the CPU backend's in this JVM (spectra to 1e-5 of σ₁, merged updates B·A to 1e-4 of their largest entry,
 * routed outputs to 1e-5 of their largest entry with the same experts chosen), and its bake of the bench's synthetic
 * base writes the same bytes.
 */
class WithoutNd4jTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static String classPath;

    @BeforeAll
    static void classPathWithoutNd4j() throws URISyntaxException {
        String full = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> kept = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (String entry : full.split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.contains("nd4j") || name.contains("openblas") || name.contains("mkl")) {
                dropped.add(name);
            } else if (!entry.isBlank()) {
                kept.add(entry);
            }
        }
        assertTrue(
                dropped.stream().anyMatch(n -> n.startsWith("nd4j-native"))
                        && dropped.stream().anyMatch(n -> n.startsWith("openblas")),
                "the test class path should hold nd4j-native and openblas to drop: " + full);
        kept.add(Path.of(WithoutNd4jTest.class.getResource("/reference-backend").toURI())
                .toString());
        classPath = String.join(File.pathSeparator, kept);
    }

    /** Runs {@code lora ARGS} in a JVM on the class path without ND4J; returns status, stdout, stderr. */
    private static CliRun fork(Path dir, String... args) throws IOException, InterruptedException {
        return forkWithEnv(dir, null, args);
    }

    /** {@link #fork} with {@code LORA_BACKEND} set to {@code backendEnv} (null: unset). */
    private static CliRun forkWithEnv(Path dir, String backendEnv, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp",
                classPath,
                Main.class.getName()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("fork.out");
        Path err = dir.resolve("fork.err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("LORA_BACKEND");
        if (backendEnv != null) {
            pb.environment().put("LORA_BACKEND", backendEnv);
        }
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the forked lora did not finish in 120 s");
        return new CliRun(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void theCpuBackendSaysItIsMissingAndListsTheOthers(@TempDir Path dir) throws Exception {
        CliRun run = fork(
                dir,
                "spectrum",
                "--backend",
                "cpu",
                CliRun.adapter("distilbert-imdb").toString());
        assertEquals(2, run.status(), run.err());
        assertTrue(
                run.err().startsWith("lora: error: the cpu backend needs ND4J")
                        && run.err().contains("reference")
                        && !run.err().contains("\tat "),
                run.err());
    }

    @Test
    void loraBackendChoosesTheBackendWhenTheOptionDoesNot(@TempDir Path dir) throws Exception {
        String adapter = CliRun.adapter("distilbert-imdb").toString();
        CliRun viaEnv = forkWithEnv(dir, "reference", "spectrum", "--json", adapter);
        assertEquals(0, viaEnv.status(), viaEnv.err());
        CliRun viaOption = fork(dir, "spectrum", "--backend", "reference", "--json", adapter);
        assertEquals(viaOption.out(), viaEnv.out());
        CliRun optionWins = forkWithEnv(dir, "cuda", "spectrum", "--backend", "reference", "--json", adapter);
        assertEquals(0, optionWins.status(), optionWins.err());
    }

    @Test
    void versionListsOnlyTheProvidersThatAreThere(@TempDir Path dir) throws Exception {
        CliRun run = fork(dir, "--version");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("Backends: cpu (") && run.out().contains("reference (plain Java"), run.out());
    }

    @Test
    void bakeWritesTheSameBytesAsTheCpuBackend(@TempDir Path dir) throws Exception {
        // what the device's bench bakes: a synthetic F16 base of one module, an adapter of Llama shape
        SyntheticAdapters.Shape shape = new SyntheticAdapters.Shape("model.layers.0.mlp.down_proj", 48, 96);
        Path adapter = dir.resolve("adapter");
        SyntheticAdapters.write(adapter, List.of(shape), 4, 3);
        Path base = SyntheticBases.of(dir.resolve("scratch"), shape);
        CliRun ref = fork(
                dir,
                "bake",
                "--backend",
                "reference",
                base.toString(),
                adapter.toString(),
                "-o",
                dir.resolve("ref").toString());
        assertEquals(0, ref.status(), ref.err());
        CliRun cpu = CliRun.of(
                "bake",
                "--backend",
                "cpu",
                base.toString(),
                adapter.toString(),
                "-o",
                dir.resolve("cpu").toString());
        assertEquals(0, cpu.status(), cpu.err());
        byte[] expected = Files.readAllBytes(dir.resolve("cpu/model.safetensors"));
        assertTrue(
                Arrays.equals(expected, Files.readAllBytes(dir.resolve("ref/model.safetensors"))),
                "the baked weight differs between the reference and the cpu backend (the bake is host arithmetic "
                        + "on the same factors, so it must not)");
        assertFalse(Arrays.equals(expected, Files.readAllBytes(base.resolve("model.safetensors"))), "nothing baked");
    }

    @Test
    void spectrumAgreesWithTheCpuBackend(@TempDir Path dir) throws Exception {
        String adapter = CliRun.adapter("distilbert-imdb").toString();
        CliRun ref = fork(dir, "spectrum", "--backend", "reference", "--json", adapter);
        assertEquals(0, ref.status(), ref.err());
        CliRun cpu = CliRun.of("spectrum", "--backend", "cpu", "--json", adapter);
        assertEquals(0, cpu.status(), cpu.err());
        JsonNode r = JSON.readTree(ref.out()).get("modules");
        JsonNode c = JSON.readTree(cpu.out()).get("modules");
        assertEquals(names(c), names(r));
        double worst = 0;
        for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
            String module = it.next();
            JsonNode cs = c.get(module);
            JsonNode rs = r.get(module);
            assertEquals(cs.size(), rs.size(), module);
            double s1 = cs.get(0).asDouble();
            for (int i = 0; i < cs.size(); i++) {
                worst = Math.max(
                        worst, Math.abs(cs.get(i).asDouble() - rs.get(i).asDouble()) / s1);
            }
        }
        assertTrue(worst <= 1e-5, "largest spectrum difference, relative to σ1: " + worst);
    }

    @Test
    void svdMergeAgreesWithTheCpuBackend(@TempDir Path dir) throws Exception {
        String a = CliRun.adapter("distilbert-imdb").toString();
        String b = CliRun.adapter("distilbert-emotion").toString();
        Path refOut = dir.resolve("ref");
        Path cpuOut = dir.resolve("cpu");
        CliRun ref = fork(
                dir, "merge", "--backend", "reference", "-m", "svd", "-w", "0.7,0.5", a, b, "-o", refOut.toString());
        assertEquals(0, ref.status(), ref.err());
        CliRun cpu = CliRun.of("merge", "-m", "svd", "-w", "0.7,0.5", a, b, "-o", cpuOut.toString());
        assertEquals(0, cpu.status(), cpu.err());
        Map<String, double[]> r = updates(refOut.resolve("adapter_model.safetensors"));
        Map<String, double[]> c = updates(cpuOut.resolve("adapter_model.safetensors"));
        assertEquals(c.keySet(), r.keySet());
        assertFalse(c.isEmpty(), "no module merged");
        for (String module : c.keySet()) {
            double[] x = c.get(module);
            double[] y = r.get(module);
            double largest = 0;
            double diff = 0;
            for (int i = 0; i < x.length; i++) {
                largest = Math.max(largest, Math.abs(x[i]));
                diff = Math.max(diff, Math.abs(x[i] - y[i]));
            }
            assertTrue(diff <= 1e-4 * largest, module + ": B·A differs by " + diff + ", largest entry " + largest);
        }
    }

    /**
     * {@code lora route} without ND4J (its array work on the backend, {@code BackendRouteArrays}) writes what the CPU
     * run writes: the same expert loads and outputs to float rounding, for adapter experts (grouped, with FlyLoRA's
     * router; masked, with Arrow's prototypes from the backend's SVD) and rank experts (dense).
     */
    @Test
    void routeAgreesWithTheCpuBackend(@TempDir Path dir) throws Exception {
        String imdb = CliRun.adapter("distilbert-imdb").toString();
        String emotion = CliRun.adapter("distilbert-emotion").toString();
        int tokens = 40;
        Random rnd = new Random(5);
        double[] x = new double[tokens * 768];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextGaussian();
        }
        Path xs = dir.resolve("x.safetensors");
        SafetensorsWriter.write(
                xs, Map.of(), Map.of("hidden_states", Tensor.ofDoubles(DType.F32, new long[] {tokens, 768}, x)));
        List<List<String>> cases = List.of(
                List.of("--adapters", imdb + "," + emotion, "--gate", "fly", "-k", "1", "--execution", "grouped"),
                List.of("--adapters", imdb + "," + emotion, "--gate", "arrow", "-k", "1", "--execution", "masked"),
                List.of("--ranks", imdb, "--gate", "fly", "-k", "3", "--execution", "dense"));
        for (int c = 0; c < cases.size(); c++) {
            Path refOut = dir.resolve("ref-" + c + ".safetensors");
            Path cpuOut = dir.resolve("cpu-" + c + ".safetensors");
            List<String> common = new ArrayList<>(List.of("route"));
            common.addAll(cases.get(c));
            common.addAll(
                    List.of("--activations", xs.toString(), "-m", "distilbert.transformer.layer.0.attention.q_lin"));
            List<String> refArgs = new ArrayList<>(common);
            refArgs.addAll(List.of("--backend", "reference", "-o", refOut.toString()));
            CliRun ref = fork(dir, refArgs.toArray(String[]::new));
            assertEquals(0, ref.status(), cases.get(c) + ": " + ref.err());
            List<String> cpuArgs = new ArrayList<>(common);
            cpuArgs.addAll(List.of("--backend", "cpu", "-o", cpuOut.toString()));
            CliRun cpu = CliRun.of(cpuArgs.toArray(String[]::new));
            assertEquals(0, cpu.status(), cases.get(c) + ": " + cpu.err());
            SafetensorsFile r = SafetensorsFile.open(refOut);
            SafetensorsFile p = SafetensorsFile.open(cpuOut);
            assertTrue(
                    p.read("expert_load").contentEquals(r.read("expert_load")), cases.get(c) + ": expert loads differ");
            double[] yr = r.read("output").toDoubleArray();
            double[] yc = p.read("output").toDoubleArray();
            double largest = 0;
            double diff = 0;
            for (int i = 0; i < yc.length; i++) {
                largest = Math.max(largest, Math.abs(yc[i]));
                diff = Math.max(diff, Math.abs(yc[i] - yr[i]));
            }
            assertTrue(largest > 0, cases.get(c) + ": the CPU output is zero");
            assertTrue(
                    diff <= 1e-5 * largest,
                    cases.get(c) + ": routed outputs differ by " + diff + ", largest entry " + largest);
        }
    }

    private static List<String> names(JsonNode modules) {
        List<String> out = new ArrayList<>();
        modules.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** Per module ({@code lora_A} key prefix), B·A in double from the file's factors (signs of SVD factors cancel). */
    private static Map<String, double[]> updates(Path file) {
        SafetensorsFile f = SafetensorsFile.open(file);
        Map<String, double[]> out = new TreeMap<>();
        for (String key : f.tensors().keySet()) {
            if (!key.contains("lora_A")) {
                continue;
            }
            Tensor ta = f.read(key);
            Tensor tb = f.read(key.replace("lora_A", "lora_B"));
            int r = (int) ta.shape()[0];
            int in = (int) ta.shape()[1];
            int o = (int) tb.shape()[0];
            double[] av = ta.toDoubleArray();
            double[] bv = tb.toDoubleArray();
            double[] w = new double[o * in];
            for (int i = 0; i < o; i++) {
                for (int k = 0; k < r; k++) {
                    double bik = bv[i * r + k];
                    for (int j = 0; j < in; j++) {
                        w[i * in + j] += bik * av[k * in + j];
                    }
                }
            }
            out.put(key.substring(0, key.indexOf("lora_A")), w);
        }
        return out;
    }
}
