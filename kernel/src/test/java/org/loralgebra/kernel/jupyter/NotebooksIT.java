package org.loralgebra.kernel.jupyter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Executes every {@code notebooks/*.ipynb} with real Jupyter ({@code jupyter nbconvert --execute}) on the
 * {@code loralgebra} kernelspec that {@code ./lora jupyter install --prefix} (the real launcher, on the packaged
 * build) installed into a temporary prefix, and checks the executed notebook: every
 * code cell ran, no cell has an error output, and each expectation a cell declares in its metadata
 * ({@code "loralgebra": {"expect": [{"mime": "image/svg+xml", "contains": "title"}]}}) is met by one of its
 * outputs. Every notebook must declare at least one expectation.
 *
 * <p>Where the machine allows it ({@code unshare -rn}), Jupyter and the kernel run in a network namespace
 * with only a loopback interface: the notebooks are shown to need no network. Executed notebooks are kept
 * in {@code target/executed-notebooks/}.
 */
class NotebooksIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long NOTEBOOK_TIMEOUT_MINUTES = 15;

    @TempDir
    static Path tmp;

    private static InstalledKernel kernel;

    @BeforeAll
    static void installKernel() throws Exception {
        kernel = InstalledKernel.install(tmp);
    }

    @TestFactory
    Stream<DynamicTest> everyNotebookExecutesCleanly() throws IOException {
        Path dir = Path.of(InstalledKernel.property("loralgebra.notebooksDir"))
                .toAbsolutePath()
                .normalize();
        List<Path> notebooks;
        try (Stream<Path> s = Files.list(dir)) {
            notebooks = s.filter(p -> p.getFileName().toString().endsWith(".ipynb"))
                    .sorted()
                    .toList();
        }
        assertFalse(notebooks.isEmpty(), "no notebooks in " + dir);
        return notebooks.stream()
                .map(nb -> DynamicTest.dynamicTest(nb.getFileName().toString(), () -> check(nb)));
    }

    private static void check(Path notebook) throws Exception {
        JsonNode source = JSON.readTree(notebook.toFile());
        assertEquals(
                KernelInstaller.KERNEL_NAME,
                source.at("/metadata/kernelspec/name").asText(),
                notebook + ": metadata.kernelspec.name");
        Path out = Path.of("target", "executed-notebooks").toAbsolutePath();
        Files.createDirectories(out);
        String name = notebook.getFileName().toString();
        Path log = out.resolve(name + ".log");
        int rc = kernel.execute(notebook, out, NOTEBOOK_TIMEOUT_MINUTES, log);
        JsonNode executed = Files.exists(out.resolve(name))
                ? JSON.readTree(out.resolve(name).toFile())
                : null;
        List<String> problems = new ArrayList<>();
        if (rc != 0) {
            problems.add("nbconvert exited with " + rc + "; its log:\n" + InstalledKernel.tail(log, 60));
        }
        if (executed != null) {
            problems.addAll(ExecutedNotebookCheck.problems(source, executed));
        } else if (rc == 0) {
            problems.add("nbconvert wrote no " + out.resolve(name));
        }
        assertTrue(problems.isEmpty(), name + ":\n" + String.join("\n", problems));
    }
}
