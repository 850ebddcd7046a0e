package org.loralgebra.io.peft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.RealAdapters;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.StoredAdapter;
import org.loralgebra.io.TestFiles;
import org.loralgebra.io.files.AtomicWrites;
import org.loralgebra.model.ModuleSpec;

/**
 * PEFT folders laid out in advance ({@link PeftFolderWriter#plan}): the same bytes as the spooled path and as the
 * reference implementation's files, whatever the arrival order and thread; a plan that misses still gives the same
 * file; an interrupted write leaves no target, no temporary and the inputs as they were.
 */
class PlannedPeftWriteTest {
    private static final List<String> REAL = List.of("distilbert-imdb", "distilbert-emotion", "gpt2-tigrinya");

    @TempDir
    Path tmp;

    private static List<ModuleSpec> specs(StoredAdapter a) {
        return new ArrayList<>(a.type().modules().values());
    }

    /** Writes every module of {@code a} to {@code out}, planned for {@code plan} (null: not planned), from 2 threads. */
    private static void write(StoredAdapter a, Path out, List<ModuleSpec> plan, long seed) throws Exception {
        List<String> names = new ArrayList<>(a.type().names());
        Collections.shuffle(names, new Random(seed));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (PeftFolderWriter w =
                PeftFolderWriter.create(a.meta(), List.of(a.location().orElseThrow()))) {
            if (plan != null) {
                w.plan(out, plan);
            }
            List<Future<?>> done = new ArrayList<>();
            for (String m : names) {
                done.add(pool.submit(() -> w.add(a.read(m))));
            }
            for (Future<?> f : done) {
                f.get();
            }
            w.commit(out);
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    private static void assertSameFiles(Path expected, Path found, String what) throws IOException {
        for (String f : List.of(PeftFolder.WEIGHTS, PeftFolder.CONFIG)) {
            assertArrayEquals(
                    Files.readAllBytes(expected.resolve(f)), Files.readAllBytes(found.resolve(f)), what + ": " + f);
        }
        assertEquals(List.of(PeftFolder.CONFIG, PeftFolder.WEIGHTS), TestFiles.listing(found), what);
    }

    @Test
    void aPlannedWriteGivesTheReferenceImplementationsBytesInAnyOrder() throws Exception {
        for (String name : REAL) {
            Path in = RealAdapters.path(name);
            String inputSum = TestFiles.checksum(in);
            StoredAdapter a = PeftFolder.read(in, LoadOptions.defaults());
            Path spooled = tmp.resolve(name + "-spooled");
            write(a, spooled, null, 1);
            for (long seed = 1; seed <= 3; seed++) {
                Path planned = tmp.resolve(name + "-planned-" + seed);
                write(a, planned, specs(a), seed);
                assertSameFiles(spooled, planned, name + " seed " + seed);
            }
            // the file the reference implementation (Python safetensors, through PEFT) wrote, byte for byte
            assertArrayEquals(
                    Files.readAllBytes(in.resolve(PeftFolder.WEIGHTS)),
                    Files.readAllBytes(spooled.resolve(PeftFolder.WEIGHTS)),
                    name + ": the golden file");
            assertEquals(inputSum, TestFiles.checksum(in), "the input is unchanged");
        }
        assertTrue(
                TestFiles.listing(tmp).stream().noneMatch(n -> n.startsWith(".")),
                "no temporaries: " + TestFiles.listing(tmp));
    }

    @Test
    void thePlanLaysTheFileOutAtItsFinalSizeBeforeAnyModuleArrives() throws Exception {
        Path in = RealAdapters.path("gpt2-tigrinya");
        StoredAdapter a = PeftFolder.read(in, LoadOptions.defaults());
        Path out = tmp.resolve("out");
        try (PeftFolderWriter w = PeftFolderWriter.create(a.meta(), List.of(in))) {
            w.plan(out, specs(a));
            List<String> left = TestFiles.listing(tmp);
            assertEquals(1, left.size(), left.toString());
            assertTrue(left.get(0).startsWith(".out.tmp-"), left.toString());
            Path file = tmp.resolve(left.get(0)).resolve(PeftFolder.WEIGHTS);
            assertEquals(Files.size(in.resolve(PeftFolder.WEIGHTS)), Files.size(file), "final size up front");
            for (String m : a.type().names()) {
                w.add(a.read(m));
            }
            w.commit(out);
        }
        assertArrayEquals(
                Files.readAllBytes(in.resolve(PeftFolder.WEIGHTS)),
                Files.readAllBytes(out.resolve(PeftFolder.WEIGHTS)));
        assertEquals(List.of("out"), TestFiles.listing(tmp));
    }

    @Test
    void aPlanThatMissesStillGivesTheSameFile() throws Exception {
        Path in = RealAdapters.path("distilbert-emotion");
        StoredAdapter a = PeftFolder.read(in, LoadOptions.defaults());
        Path spooled = tmp.resolve("spooled");
        write(a, spooled, null, 1);

        List<ModuleSpec> wrongRank = specs(a);
        wrongRank.set(3, wrongRank.get(3).withRank(wrongRank.get(3).rank() + 1)); // rank decided by the data
        write(a, tmp.resolve("wrong-rank"), wrongRank, 2);
        assertSameFiles(spooled, tmp.resolve("wrong-rank"), "a module of another rank than planned");

        List<ModuleSpec> extra = specs(a);
        extra.add(ModuleSpec.linear(
                "distilbert.transformer.layer.9.attention.q_lin",
                768,
                768,
                8,
                extra.get(0).dtype()));
        write(a, tmp.resolve("never-arrives"), extra, 3);
        assertSameFiles(spooled, tmp.resolve("never-arrives"), "a planned module that never arrives");

        Path elsewhere = tmp.resolve("elsewhere");
        try (PeftFolderWriter w = PeftFolderWriter.create(a.meta(), List.of(in))) {
            w.plan(tmp.resolve("planned-target"), specs(a));
            for (String m : a.type().names()) {
                w.add(a.read(m));
            }
            w.commit(elsewhere);
        }
        assertSameFiles(spooled, elsewhere, "committed elsewhere than planned");
        assertFalse(Files.exists(tmp.resolve("planned-target")));
        assertEquals(
                List.of("elsewhere", "never-arrives", "spooled", "wrong-rank"),
                TestFiles.listing(tmp),
                "no temporaries");
    }

    @Test
    void anInterruptedPlannedWriteLeavesNoTargetNoTemporaryAndTheInputsAsTheyWere() throws Exception {
        Path in = TestFiles.copyFolder(RealAdapters.path("distilbert-imdb"), tmp.resolve("in"));
        String inputSum = TestFiles.checksum(in);
        StoredAdapter a = PeftFolder.read(in, LoadOptions.defaults());
        Path out = tmp.resolve("out");
        RuntimeException failure = new IllegalStateException("a module failed");
        try (PeftFolderWriter w = PeftFolderWriter.create(a.meta(), List.of(in))) {
            w.plan(out, specs(a));
            List<String> names = a.type().names().stream().toList();
            for (String m : names.subList(0, names.size() / 2)) {
                w.add(a.read(m));
            }
            throw failure;
        } catch (IllegalStateException e) {
            assertEquals(failure, e);
        }
        assertEquals(List.of("in"), TestFiles.listing(tmp), "no target, no temporary");
        assertEquals(inputSum, TestFiles.checksum(in), "the input is unchanged");

        // an existing target is kept as it was
        Files.createDirectory(out);
        for (String f : List.of(PeftFolder.WEIGHTS, PeftFolder.CONFIG)) {
            Files.copy(in.resolve(f), out.resolve(f));
        }
        String outSum = TestFiles.checksum(out);
        try (PeftFolderWriter w = PeftFolderWriter.create(a.meta(), List.of(in))) {
            w.plan(out, specs(a));
            w.add(a.read(a.type().names().iterator().next()));
        }
        assertEquals(outSum, TestFiles.checksum(out), "the old target is untouched");
        assertEquals(List.of("in", "out"), TestFiles.listing(tmp));
    }

    @Test
    void aProcessKilledInAPlannedWriteLeavesATemporaryTheNextWriteRemoves() throws Exception {
        Path in = TestFiles.copyFolder(RealAdapters.path("distilbert-imdb"), tmp.resolve("in"));
        String inputSum = TestFiles.checksum(in);
        Path out = tmp.resolve("out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        InterruptedPlannedWrite.class.getName(),
                        in.toString(),
                        out.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child finished");
        assertEquals(137, p.exitValue());
        List<String> left = TestFiles.listing(tmp);
        assertEquals(2, left.size(), left.toString());
        assertTrue(left.contains("in") && left.stream().anyMatch(n -> n.startsWith(".out.tmp-")), left.toString());
        assertFalse(AtomicWrites.recover(out), "nothing to restore");
        assertEquals(List.of("in"), TestFiles.listing(tmp), "the dead process's temporary is removed");
        assertEquals(inputSum, TestFiles.checksum(in), "the input is unchanged");
    }
}
