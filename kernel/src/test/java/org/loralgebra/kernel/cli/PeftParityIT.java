package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parity with PEFT itself. {@code device/peft_cases.py} merges four pairs of tiny Llama-shaped adapters (equal
 * ranks; a negative weight with rsLoRA on the second; ranks 8 and 4; rsLoRA on the first) by every combination type
 * of PEFT's {@code add_weighted_adapter}, through the real launcher; {@code device/peft_parity.py} then runs PEFT's
 * own {@code add_weighted_adapter} (PEFT, transformers and CPU torch from the Python that {@code .ci/run} installs,
 * {@code LORA_PEFT_PYTHON}) on a config-built model carrying the same adapters and judges every result: delta weights
 * to 1e-4, DARE's factors entry by entry against the values its keep patterns allow, the DARE-then-SVD types as
 * distributions against PEFT's draws, refusals against PEFT's; and PEFT's own {@code load_adapter} reads every merge
 * we wrote as ours does. The same scripts judge the GPU run (device/). And {@code lora bake} of three real adapters
 * changes a config-built base model as PEFT's {@code merge_and_unload} does ({@code peft_bake_parity.py}); PEFT reads
 * {@code lora squeeze}'s outputs, rank_pattern and alpha_pattern included, as the cut of its own update of the
 * original ({@code peft_squeeze_parity.py}).
 */
class PeftParityIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    private static Path cases;

    /** The Python with PEFT: {@code LORA_PEFT_PYTHON}, else where {@code .ci/run} puts it. */
    private static String peftPython() {
        String set = System.getenv("LORA_PEFT_PYTHON");
        Path python = set != null && !set.isBlank()
                ? Path.of(set)
                : Path.of(System.getProperty("user.home"), ".cache/loralgebra/peft-venv/bin/python");
        if (!Files.isExecutable(python)) {
            fail("no Python with PEFT at " + python + ": run .ci/run (it installs PEFT, transformers and CPU torch"
                    + " there), or set LORA_PEFT_PYTHON to a python that imports peft, transformers and torch");
        }
        return python.toString();
    }

    private static String run(List<String> command, int... allowed) throws Exception {
        Path log = Files.createTempFile(tmp, "run", ".log");
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(CliRun.repoRoot().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("LORA_CLASSPATH", CliRun.launcherClasspath());
        pb.environment().put("LORA_XMX", "1g");
        pb.environment().remove("JAVA_OPTS");
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 10 minutes");
        }
        String out = Files.readString(log);
        boolean ok = false;
        for (int code : allowed) {
            ok |= p.exitValue() == code;
        }
        assertTrue(ok, String.join(" ", command) + " exited " + p.exitValue() + ":\n" + out);
        return out;
    }

    @BeforeAll
    static void mergeEveryPairByEveryMethod() throws Exception {
        cases = tmp.resolve("cases");
        run(
                List.of(
                        "python3",
                        "device/peft_cases.py",
                        cases.toString(),
                        "--lora",
                        CliRun.repoRoot().resolve("lora").toString()),
                0);
    }

    /** peft_parity.py's report on {@code folder}: each (pair/method) with its verdict; the run's output on failure. */
    private static Map<String, JsonNode> judge(Path folder) throws Exception {
        Path report = Files.createTempFile(tmp, "parity", ".json");
        String out = run(
                List.of(peftPython(), "device/peft_parity.py", folder.toString(), "--json", report.toString()), 0, 1);
        JsonNode root = JSON.readTree(report.toFile());
        assertTrue(root.path("error").isMissingNode(), "PEFT parity did not run: " + root.path("error") + "\n" + out);
        Map<String, JsonNode> byCase = new TreeMap<>();
        for (JsonNode m : root.path("methods")) {
            byCase.put(m.path("pair").asText() + "/" + m.path("case").asText(), m);
        }
        return byCase;
    }

    private static String describe(Map<String, JsonNode> cases) {
        StringBuilder s = new StringBuilder();
        cases.forEach((name, m) -> s.append('\n')
                .append(m.path("ok").asBoolean() ? "ok   " : "FAIL ")
                .append(name)
                .append(": ")
                .append(m.path("measure").asText()));
        return s.toString();
    }

    @Test
    void everyCombinationTypeAgreesWithPeftsOwnMerge() throws Exception {
        Map<String, JsonNode> verdicts = judge(cases);
        long lines = Files.readAllLines(CliRun.repoRoot().resolve("device/peft-methods.txt")).stream()
                .filter(l -> !l.isBlank())
                .count();
        assertEquals(4 * lines, verdicts.size(), "cases judged (4 pairs):" + describe(verdicts));
        List<String> failed = new ArrayList<>();
        Set<String> judgedOn = new TreeSet<>();
        verdicts.forEach((name, m) -> {
            if (!m.path("ok").asBoolean()) {
                failed.add(name);
            }
            judgedOn.add(m.path("judged_on").asText().split(",| against")[0]);
        });
        assertEquals(List.of(), failed, "differ from PEFT:" + describe(verdicts));
        // each kind of judge ran: a run that judged everything one way (or nothing) would not show parity
        assertEquals(
                Set.of(
                        "delta weights",
                        "every entry of the merged factors is one of the keep patterns' values",
                        "distance and gain from the svd merge",
                        "PEFT's clamp on factors signed as ours",
                        "refusal"),
                judgedOn,
                describe(verdicts));
        assertTrue(
                verdicts.get("ranks/linear")
                        .path("refused")
                        .path("ours")
                        .asText()
                        .contains("use svd or cat"),
                "our refusal names PEFT's svd: " + verdicts.get("ranks/linear"));
    }

    @Test
    void theJudgesFailWhereAMergeIsWrong() throws Exception {
        Path wrong = tmp.resolve("wrong");
        copy(cases, wrong);
        Path same = wrong.resolve("same");
        // another method's result, DARE without its masks, no DARE noise at all, a merge where PEFT refuses the pair
        replace(same.resolve("merged-ties"), same.resolve("merged-magnitude_prune"));
        replace(same.resolve("merged-linear"), same.resolve("merged-dare_linear"));
        replace(same.resolve("merged-svd"), same.resolve("merged-dare_ties_svd"));
        // a tensor PEFT does not expect, which our reader (a LoRA pair per module, other tensors ignored) passes
        run(
                List.of(
                        peftPython(),
                        "-c",
                        "import sys, numpy as np\n"
                                + "from safetensors.numpy import load_file, save_file\n"
                                + "t = load_file(sys.argv[1])\n"
                                + "t['base_model.model.model.layers.0.mlp.down_proj.lora_C.weight'] = np.ones((2, 2),"
                                + " dtype=np.float32)\n"
                                + "save_file(t, sys.argv[1], metadata={'format': 'pt'})\n",
                        same.resolve("merged-cat/adapter_model.safetensors").toString()),
                0);
        Path ranks = wrong.resolve("ranks");
        Files.delete(ranks.resolve("merged-ties.refused"));
        replace(ranks.resolve("merged-ties_svd"), ranks.resolve("merged-ties"));
        Map<String, JsonNode> verdicts = judge(wrong);
        Set<String> failed = new TreeSet<>();
        verdicts.forEach((name, m) -> {
            if (!m.path("ok").asBoolean()) {
                failed.add(name);
            }
        });
        assertEquals(
                Set.of("same/magnitude_prune", "same/dare_linear", "same/dare_ties_svd", "same/cat", "ranks/ties"),
                failed,
                describe(verdicts));
    }

    /** peft_bake_parity.py's verdicts on three real adapters, baked with {@code bakeArgs} added. */
    private static Map<String, JsonNode> bakeVerdicts(String run, String... bakeArgs) throws Exception {
        Path work = Files.createDirectories(tmp.resolve("bake-" + run));
        Path report = work.resolve("report.json");
        List<String> command = new ArrayList<>(List.of(
                peftPython(),
                "kernel/src/test/python/peft_bake_parity.py",
                "--lora",
                CliRun.repoRoot().resolve("lora").toString(),
                "--work",
                work.toString(),
                "--json",
                report.toString()));
        for (String arg : bakeArgs) {
            command.add("--bake-arg=" + arg);
        }
        for (String adapter : List.of("distilbert-imdb", "distilbert-emotion", "gpt2-tigrinya")) {
            command.add(CliRun.adapter(adapter).toString());
        }
        String out = run(command, 0, 1);
        Map<String, JsonNode> byAdapter = new TreeMap<>();
        for (JsonNode a : JSON.readTree(report.toFile()).path("adapters")) {
            byAdapter.put(a.path("adapter").asText(), a);
        }
        assertEquals(3, byAdapter.size(), out);
        return byAdapter;
    }

    @Test
    void loraBakeChangesTheBaseAsPeftsMergeAndUnloadDoes() throws Exception {
        Map<String, JsonNode> verdicts = bakeVerdicts("as-is");
        // the LoRA modules and the saved heads (pre_classifier, classifier: weight and bias): 12 + 4 on DistilBERT;
        // c_attn and both c_proj of GPT-2's 12 blocks (Conv1D, stored transposed: fan_in_fan_out)
        Map<String, Integer> changed = Map.of("distilbert-imdb", 16, "distilbert-emotion", 16, "gpt2-tigrinya", 36);
        verdicts.forEach((name, v) -> {
            assertTrue(v.path("ok").asBoolean(), name + ": " + v);
            assertEquals(changed.get(name).intValue(), v.path("changed").asInt(), name + ": " + v);
        });
        // the judge fails a bake at twice the adapter's scale (lora_alpha 32 for 16)
        JsonNode doubled = bakeVerdicts("alpha", "--alpha=32").get("distilbert-imdb");
        assertTrue(
                !doubled.path("ok").asBoolean()
                        && Math.abs(doubled.path("error").asDouble() - 1) < 1e-3,
                "a doubled scale is a difference of 1 (PEFT's change): " + doubled);
    }

    @Test
    void peftReadsSqueezedAdaptersAsTheCutOfItsOwnUpdate() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("squeeze"));
        Map<String, JsonNode> verdicts =
                squeezeVerdicts(work, "distilbert-imdb", "distilbert-emotion", "gpt2-tigrinya");
        verdicts.forEach((name, v) -> assertTrue(v.path("ok").asBoolean(), name + ": " + v));
        assertEquals(2, verdicts.get("distilbert-imdb").path("heads").asInt(), "heads: " + verdicts);
        assertEquals(36, verdicts.get("gpt2-tigrinya").path("modules").asInt(), "modules: " + verdicts);
        // an alpha_pattern entry doubled: PEFT's update of that module is twice the cut
        Path config = work.resolve("distilbert-imdb-e08/adapter_config.json");
        ObjectNode c = (ObjectNode) JSON.readTree(config.toFile());
        ObjectNode alphas = (ObjectNode) c.path("alpha_pattern");
        String first = alphas.fieldNames().next();
        alphas.put(first, alphas.path(first).asDouble() * 2);
        JSON.writeValue(config.toFile(), c);
        JsonNode damaged = squeezeVerdicts(work, "distilbert-imdb").get("distilbert-imdb");
        assertTrue(
                !damaged.path("ok").asBoolean()
                        && damaged.path("r3").path("error").asDouble() <= 1e-5
                        && Math.abs(damaged.path("e08").path("error").asDouble() - 1) < 1e-3,
                "a doubled alpha_pattern entry (" + first + ") is a difference of 1 there: " + damaged);
    }

    /** peft_squeeze_parity.py's verdicts; outputs already in {@code work} are judged as they are. */
    private static Map<String, JsonNode> squeezeVerdicts(Path work, String... adapters) throws Exception {
        Path report = Files.createTempFile(tmp, "squeeze", ".json");
        List<String> command = new ArrayList<>(List.of(
                peftPython(),
                "kernel/src/test/python/peft_squeeze_parity.py",
                "--lora",
                CliRun.repoRoot().resolve("lora").toString(),
                "--work",
                work.toString(),
                "--reuse",
                "--json",
                report.toString()));
        for (String adapter : adapters) {
            command.add(CliRun.adapter(adapter).toString());
        }
        String out = run(command, 0, 1);
        Map<String, JsonNode> byAdapter = new TreeMap<>();
        for (JsonNode a : JSON.readTree(report.toFile()).path("adapters")) {
            byAdapter.put(a.path("adapter").asText(), a);
        }
        assertEquals(adapters.length, byAdapter.size(), out);
        return byAdapter;
    }

    private static void replace(Path from, Path to) throws IOException {
        if (Files.exists(to)) {
            try (Stream<Path> s = Files.walk(to)) {
                for (Path p : s.sorted((x, y) -> y.compareTo(x)).toList()) {
                    Files.delete(p);
                }
            }
        }
        copy(from, to);
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
