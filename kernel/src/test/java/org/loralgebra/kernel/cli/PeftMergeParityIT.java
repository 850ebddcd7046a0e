package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parity with PEFT itself. {@code device/peft_cases.py} merges four pairs of tiny Llama-shaped adapters (equal
 * ranks; a negative weight with rsLoRA on the second; ranks 8 and 4; rsLoRA on the first) by every combination type
 * of PEFT's {@code add_weighted_adapter}, through the real launcher; {@code device/peft_parity.py} then runs PEFT's
 * own {@code add_weighted_adapter} (PEFT, transformers and CPU torch from the Python that {@code .ci/run} installs,
 * {@link PeftPython}) on a config-built model carrying the same adapters and judges every result: delta weights
 * to 1e-4, DARE's factors entry by entry against the values its keep patterns allow, the DARE-then-SVD types as
 * distributions against PEFT's draws, refusals against PEFT's; and PEFT's own {@code load_adapter} reads every merge
 * we wrote as ours does. The same scripts judge the GPU run (device/).
 */
class PeftMergeParityIT {

    @TempDir
    static Path tmp;

    private static Path cases;

    @BeforeAll
    static void mergeEveryPairByEveryMethod() throws Exception {
        cases = tmp.resolve("cases");
        PeftPython.run(
                tmp, List.of("python3", "device/peft_cases.py", cases.toString(), "--lora", PeftPython.lora()), 0);
    }

    /** peft_parity.py's report on {@code folder}: each (pair/method) with its verdict; the run's output on failure. */
    private static Map<String, JsonNode> judge(Path folder) throws Exception {
        Path report = Files.createTempFile(tmp, "parity", ".json");
        String out = PeftPython.run(
                tmp,
                List.of(PeftPython.python(), "device/peft_parity.py", folder.toString(), "--json", report.toString()),
                0,
                1);
        JsonNode root = PeftPython.JSON.readTree(report.toFile());
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
        PeftPython.run(
                tmp,
                List.of(
                        PeftPython.python(),
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
