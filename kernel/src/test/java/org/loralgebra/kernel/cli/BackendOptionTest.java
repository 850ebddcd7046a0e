package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --backend} on every verb: an unknown name is a clear error before any work; cpu runs; --version lists it. */
class BackendOptionTest {
    @Test
    void anUnknownBackendExitsTwoNamingTheAvailableOnes() {
        CliRun run = CliRun.of(
                "spectrum",
                "--backend",
                "tpu",
                CliRun.adapter("distilbert-imdb").toString());
        assertEquals(ExitCodes.INPUT, run.status(), run.err());
        assertTrue(
                run.err().startsWith("lora: error: no backend named 'tpu'")
                        && run.err().contains("cpu (ND4J")
                        && run.out().isEmpty(),
                run.err());
    }

    @Test
    void cudaWithoutAGpuExitsTwoSayingWhatItLookedForAndWhere() {
        CliRun run = CliRun.of(
                "spectrum",
                "--backend",
                "cuda",
                CliRun.adapter("distilbert-imdb").toString());
        assumeFalse(run.status() == 0, "a GPU is here");
        assertEquals(ExitCodes.INPUT, run.status(), run.err());
        assertTrue(
                run.err().startsWith("lora: error: the cuda backend cannot run here")
                        && run.err().contains("libcudart.so.13")
                        && run.err().contains("LD_LIBRARY_PATH")
                        && !run.err().contains("\tat ")
                        && run.out().isEmpty(),
                run.err());
    }

    @Test
    void everyVerbTakesTheOption() {
        for (String verb : Main.commandLine(Map.of()).getSubcommands().keySet()) {
            assertTrue(
                    Main.commandLine(Map.of())
                                    .getSubcommands()
                                    .get(verb)
                                    .getCommandSpec()
                                    .findOption("--backend")
                            != null,
                    verb + " has no --backend");
        }
    }

    @Test
    void theCpuBackendRunsWhenNamed() {
        CliRun run = CliRun.of("self-check", "--backend", "cpu");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().startsWith("nd4j-cpu"), run.out());
    }

    @Test
    void versionListsTheProviders() {
        CliRun run = CliRun.of("--version");
        assertEquals(0, run.status(), run.err());
        assertTrue(
                run.out().contains("Backends: cpu (ND4J on the CPU, OpenBLAS), cuda (cuBLAS and cuSOLVER"), run.out());
    }
}
