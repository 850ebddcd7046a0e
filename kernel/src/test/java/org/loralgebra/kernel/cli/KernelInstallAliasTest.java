package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.kernel.jupyter.KernelInstaller;

/**
 * {@code lora kernel install} (the spelling) is {@code lora jupyter install}; on a stand-in checkout, so that
 * {@code mvn test} passes before {@code package} has written the real classpath files.
 */
class KernelInstallAliasTest {
    @TempDir
    Path tmp;

    @Test
    void kernelInstallWritesTheKernelspec() throws Exception {
        Path prefix = tmp.resolve("prefix");
        Path home = StandInCheckout.write(tmp.resolve("checkout"));
        CliRun run = CliRun.of("kernel", "install", "--prefix", prefix.toString(), "--home", home.toString());
        assertEquals(0, run.status(), run.err());
        Path spec = prefix.resolve("share/jupyter/kernels/loralgebra/kernel.json");
        assertTrue(Files.isRegularFile(spec));
        assertTrue(Files.readString(spec).contains(KernelInstaller.KERNEL_MAIN_CLASS));
    }
}
