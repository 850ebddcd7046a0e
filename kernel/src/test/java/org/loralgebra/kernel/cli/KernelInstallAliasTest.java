package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lora kernel install} (the spelling) is {@code lora jupyter install}. */
class KernelInstallAliasTest {
    @TempDir
    Path prefix;

    @Test
    void kernelInstallWritesTheKernelspec() throws Exception {
        CliRun run = CliRun.of("kernel", "install", "--prefix", prefix.toString(), "--home", CliRun.repoRoot().toString());
        assertEquals(0, run.status(), run.err());
        Path spec = prefix.resolve("share/jupyter/kernels/loralgebra/kernel.json");
        assertTrue(Files.isRegularFile(spec));
        assertTrue(Files.readString(spec).contains("org.jetbrains.kotlinx.jupyter.IkotlinKt"));
    }
}
