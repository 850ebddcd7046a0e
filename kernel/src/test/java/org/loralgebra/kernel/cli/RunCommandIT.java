package org.loralgebra.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lora run}: arguments reach the script, failures are reported as FILE:LINE[:COL] with exit status 2. */
class RunCommandIT {
    @TempDir
    Path tmp;

    @Test
    void argumentsIncludingDashedOnesAfterDoubleDashReachTheScript() throws Exception {
        Path script =
                Files.writeString(tmp.resolve("echo.lora.kts"), "println(\"args=\" + args.joinToString(\"|\"))\n");
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        CliRun run;
        try {
            run = CliRun.of("run", script.toString(), "a b", "c", "--", "--weight", "0.3", "--help");
        } finally {
            System.setOut(saved);
        }
        assertEquals(ExitCodes.OK, run.status(), run.err());
        assertEquals("args=a b|c|--weight|0.3|--help\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aScriptTrainsWithSameDiff() throws Exception {
        // commons-io 1.3.1 (via batik) once shadowed 2.x here and SameDiff's fit threw NoSuchMethodError
        Path script = Path.of("src/test/resources/scripts/samediff-step.lora.kts");
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        CliRun run;
        try {
            run = CliRun.of("run", script.toString());
        } finally {
            System.setOut(saved);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(ExitCodes.OK, run.status(), run.err() + printed);
        assertTrue(printed.startsWith("commons-io 2\n"), printed);
        assertTrue(
                printed.contains("w=0.1000,-0.1000\n"), "one Adam step from 0 moves each weight by ±0.1: " + printed);
    }

    @Test
    void aScriptThatDoesNotCompileIsBadInput() throws Exception {
        Path script = Files.writeString(tmp.resolve("broken.lora.kts"), "val a = 1\nval b = a + missing\n");
        CliRun run = CliRun.of("run", script.toString());
        assertEquals(ExitCodes.INPUT, run.status());
        assertEquals(script + ":2:13: error: Unresolved reference 'missing'.\n", run.err());
    }

    @Test
    void aScriptThatThrowsIsReportedAtItsLine() throws Exception {
        Path script = Files.writeString(tmp.resolve("load.lora.kts"), "// loads args[0]\nval a = Lora.load(args[0])\n");
        Path missing = tmp.resolve("no-adapter-here");
        CliRun run = CliRun.of("run", script.toString(), missing.toString());
        assertEquals(ExitCodes.INPUT, run.status());
        assertTrue(run.err().startsWith(script + ":2: error: "), run.err());
        assertTrue(run.err().contains(missing.toString()), run.err());
        assertTrue(!run.err().contains("\tat "), "no stack trace: " + run.err());
    }

    @Test
    void aMissingOrMisnamedScriptIsBadInput() throws Exception {
        CliRun missing = CliRun.of("run", tmp.resolve("absent.lora.kts").toString());
        assertEquals(ExitCodes.INPUT, missing.status());
        assertEquals("lora: error: " + tmp.resolve("absent.lora.kts") + ": no such script file\n", missing.err());
        Path plain = Files.writeString(tmp.resolve("plain.kts"), "println(1)\n");
        CliRun misnamed = CliRun.of("run", plain.toString());
        assertEquals(ExitCodes.INPUT, misnamed.status());
        assertEquals("lora: error: " + plain + ": expected a script file named NAME.lora.kts\n", misnamed.err());
    }
}
