package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;

/**
 * {@code lora spectrum} and {@code lora squeeze}: the text listing, squeezing by energy, bad arguments. Their agreement
 * with dense SVDs of the real adapters is {@code SpectrumSqueezeCommandIT}'s (integration phase).
 */
class SpectrumSqueezeCommandTest {
    @TempDir
    Path tmp;

    @Test
    void spectrumTextListsModulesAndValues() {
        CliRun run = CliRun.of("spectrum", CliRun.adapter("distilbert-imdb").toString(), "--modules", "q_lin");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("distilbert.transformer.layer.5.attention.q_lin"), run.out());
        assertTrue(run.out().contains("σ8"), run.out());
        assertTrue(!run.out().contains("v_lin"));
    }

    @Test
    void squeezeByEnergyAndBadArguments() {
        Path out = tmp.resolve("energy");
        CliRun run = CliRun.of(
                "squeeze", CliRun.adapter("distilbert-imdb").toString(), "--energy", "0.5", "-o", out.toString());
        assertEquals(0, run.status(), run.err());
        Adapter back = Lora.load(out);
        assertTrue(
                back.type().modules().values().stream().allMatch(m -> m.rank() >= 1 && m.rank() < 8),
                "ranks in [1, 8): "
                        + back.type().modules().values().stream()
                                .map(m -> m.rank())
                                .toList());
        assertEquals(
                ExitCodes.USAGE,
                CliRun.of(
                                "squeeze",
                                CliRun.adapter("distilbert-imdb").toString(),
                                "--energy",
                                "1.5",
                                "-o",
                                tmp.resolve("x").toString())
                        .status());
        assertEquals(
                ExitCodes.USAGE,
                CliRun.of(
                                "squeeze",
                                CliRun.adapter("distilbert-imdb").toString(),
                                "-o",
                                tmp.resolve("x").toString())
                        .status());
        CliRun missing = CliRun.of("spectrum", tmp.resolve("nope").toString());
        assertEquals(ExitCodes.INPUT, missing.status());
        assertTrue(missing.err().contains("nope"), missing.err());
    }
}
