package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.kernel.jupyter.KernelClasspaths;

/**
 * {@code lora jupyter install} on a stand-in checkout whose build files list empty jars (the real build is
 * installed and run by {@code NotebooksIT}).
 */
class JupyterCommandTest {
    @TempDir
    Path tmp;

    private Path checkout() throws Exception {
        return StandInCheckout.write(tmp.resolve("checkout"));
    }

    @Test
    void installsUnderAPrefixWithTheGivenJvmOptions() throws Exception {
        Path root = checkout();
        Path prefix = tmp.resolve("prefix");
        CliRun run = CliRun.of(
                "jupyter",
                "install",
                "--prefix",
                prefix.toString(),
                "--home",
                root.toString(),
                "--jvm-option",
                "-Xmx2g",
                "--display-name",
                "LoRAlgebra test");
        assertEquals(ExitCodes.OK, run.status(), run.err());
        Path spec = prefix.resolve("share/jupyter/kernels/loralgebra").toAbsolutePath();
        assertTrue(run.out().startsWith("installed Jupyter kernel loralgebra in " + spec + "\n"), run.out());
        JsonNode json = new ObjectMapper().readTree(spec.resolve("kernel.json").toFile());
        assertEquals("LoRAlgebra test", json.get("display_name").asText());
        List<String> argv = new ObjectMapper().convertValue(json.get("argv"), new TypeReference<List<String>>() {});
        assertTrue(argv.contains("-Xmx2g"), argv.toString());
        assertEquals(
                "-classpath=" + root.resolve("jars/kotlin-stdlib.jar") + ":"
                        + root.resolve("jars/loralgebra-kernel.jar"),
                argv.get(argv.size() - 3));
    }

    @Test
    void userAndPrefixExcludeEachOther() throws Exception {
        CliRun run = CliRun.of(
                "jupyter",
                "install",
                "--user",
                "--prefix",
                tmp.toString(),
                "--home",
                checkout().toString());
        assertEquals(ExitCodes.USAGE, run.status());
        assertTrue(run.err().contains("--user and --prefix exclude each other"), run.err());
    }

    @Test
    void anUnbuiltCheckoutIsReportedWithTheMissingFile() {
        Path root = tmp.resolve("unbuilt");
        CliRun run =
                CliRun.of("jupyter", "install", "--prefix", tmp.resolve("p").toString(), "--home", root.toString());
        assertEquals(ExitCodes.INPUT, run.status());
        assertTrue(
                run.err()
                        .startsWith("lora: error: cannot install the Jupyter kernel from " + root + ": classpath file "
                                + root.resolve(KernelClasspaths.KERNEL_FILE) + " does not exist"),
                run.err());
    }
}
