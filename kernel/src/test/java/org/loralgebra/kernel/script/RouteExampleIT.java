package org.loralgebra.kernel.script;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.RealAdapters;
import org.loralgebra.io.safetensors.SafetensorsFile;

/**
 * examples/route.lora.kts on the DistilBERT adapters: tokens built from each adapter's top input direction go to
 * that adapter (by construction: signal 3 against noise 0.05 per feature), and the written result has one row
 * per token and two experts per token.
 */
class RouteExampleIT {
    private static final Path EXAMPLES = Path.of(System.getProperty("loralgebra.examplesDir", "../examples"));

    @TempDir
    Path tmp;

    @Test
    void routesSyntheticTokensToTheirAdapterAndWritesTheMixture() {
        StringWriter err = new StringWriter();
        ScriptRunner runner = new ScriptRunner(new PrintWriter(err, true));
        Path out = tmp.resolve("routed.safetensors");
        PrintStream saved = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            ScriptOutcome outcome = runner.run(
                    EXAMPLES.resolve("route.lora.kts"),
                    List.of(
                            RealAdapters.path("distilbert-imdb").toString(),
                            RealAdapters.path("distilbert-emotion").toString(),
                            "distilbert.transformer.layer.2.attention.v_lin",
                            out.toString()));
            assertEquals(ScriptOutcome.Completed.INSTANCE, outcome, err.toString());
        } finally {
            System.setOut(saved);
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("by prototypes: 100.0% of tokens to their own adapter"), text);
        assertTrue(text.contains("by the fitted gate: 100.0%"), text);
        assertTrue(text.contains("top-2 of 8"), text);
        SafetensorsFile f = SafetensorsFile.open(out);
        assertArrayEquals(new long[] {128, 768}, f.read("output").shape());
        var load = f.read("expert_load").bytes().order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(256, load.getLong(0) + load.getLong(8));
    }
}
