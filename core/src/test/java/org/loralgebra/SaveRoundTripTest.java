package org.loralgebra;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertBelow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.StoredAdapter;
import org.loralgebra.io.TestFiles;
import org.loralgebra.io.peft.PeftFolder;
import org.loralgebra.io.peft.PeftFolderWriter;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.lang.Rank;
import org.loralgebra.model.AdapterSource;

/** save → load gives the same update; a plain load → save reproduces the files; PEFT's config rules hold. */
class SaveRoundTripTest {
    @TempDir
    Path tmp;

    @Test
    void loadSaveReproducesEveryTensorAndTheConfig() throws IOException {
        for (String name : List.of("distilbert-imdb", "gpt2-tigrinya")) {
            Path in = RealAdapters.path(name);
            Path out = tmp.resolve(name);
            Lora.load(in).save(out.toString());
            SafetensorsFile a = SafetensorsFile.open(in.resolve("adapter_model.safetensors"));
            SafetensorsFile b = SafetensorsFile.open(out.resolve("adapter_model.safetensors"));
            assertEquals(a.tensors().keySet(), b.tensors().keySet());
            for (String t : a.tensors().keySet()) {
                assertTrue(a.read(t).contentEquals(b.read(t)), name + ": tensor " + t);
            }
            assertEquals(a.metadata(), b.metadata());
            assertEquals(
                    Files.readString(in.resolve("adapter_config.json")),
                    Files.readString(out.resolve("adapter_config.json")));
        }
    }

    @Test
    void aLoadSaveWritesTheReferenceImplementationsBytes() throws IOException {
        for (String name : List.of("distilbert-imdb", "distilbert-emotion", "gpt2-tigrinya")) {
            Path in = RealAdapters.path(name);
            Path out = tmp.resolve(name);
            Lora.load(in).save(out.toString()); // laid out in advance: every module's rank is known
            assertArrayEquals(
                    Files.readAllBytes(in.resolve("adapter_model.safetensors")),
                    Files.readAllBytes(out.resolve("adapter_model.safetensors")),
                    name + ": the file Python's safetensors wrote, byte for byte");
        }
    }

    @Test
    void computedResultsAreSavedInTheBytesTheSpooledWriterGives() throws IOException {
        Path in = RealAdapters.path("distilbert-emotion");
        Adapter a = Lora.load(in);
        List<Rank> ranks = List.of(Rank.of(4), Rank.energy(0.5)); // the plan's rank is exact, then an upper bound
        for (int i = 0; i < ranks.size(); i++) {
            Rank rank = ranks.get(i);
            Path out = tmp.resolve("x" + i);
            a.plus(a.times(-0.25)).truncate(rank).save(out.toString());
            StoredAdapter saved = PeftFolder.read(out, LoadOptions.defaults());
            Path spooled = tmp.resolve("spooled" + i);
            try (PeftFolderWriter w = PeftFolderWriter.create(saved.meta())) { // no plan: spooled, then copied
                saved.type().names().forEach(m -> w.add(saved.read(m)));
                w.commit(spooled);
            }
            assertArrayEquals(
                    Files.readAllBytes(spooled.resolve("adapter_model.safetensors")),
                    Files.readAllBytes(out.resolve("adapter_model.safetensors")),
                    rank.toString());
        }
        assertEquals(List.of("spooled0", "spooled1", "x0", "x1"), TestFiles.listing(tmp), "no temporaries");
    }

    @Test
    void anEvaluatedResultIsSavedInTheSameBytesAsTheExpression() throws IOException {
        Adapter a = Lora.load(RealAdapters.path("gpt2-tigrinya"));
        Adapter x = a.plus(a.times(0.5)).truncate(Rank.of(6));
        x.save(tmp.resolve("lazy").toString());
        x.eval().save(tmp.resolve("held").toString()); // its tensors go to the file without a backend round trip
        for (String f : List.of("adapter_model.safetensors", "adapter_config.json")) {
            assertArrayEquals(
                    Files.readAllBytes(tmp.resolve("lazy").resolve(f)),
                    Files.readAllBytes(tmp.resolve("held").resolve(f)),
                    f);
        }
    }

    @Test
    void squeezeToRank4ReloadsWithTheSameUpdateThroughPeftRules() {
        Path in = RealAdapters.path("distilbert-imdb");
        Adapter squeezed = Lora.load(in).truncate(Rank.of(4));
        Path out = tmp.resolve("squeezed");
        squeezed.save(out.toString());
        Adapter back = Lora.load(out);
        PeftConfig config = PeftConfig.parse(readConfig(out), null);
        assertEquals(4, config.r());
        for (String m : back.modules()) {
            assertEquals(4, back.module(m).rank());
            assertEquals(2.0, config.scaleFor(m), 1e-12, "the input's scale is kept: alpha = 2·4");
            double err = Dense.relError(Dense.M.of(back.dense(m)), Dense.M.of(squeezed.dense(m)));
            assertTrue(err < 1e-6, m + " " + err);
        }
    }

    @Test
    void mixedRanksAndScalesGoToRankAndAlphaPatterns() {
        AdapterSource a = TestAdapters.random("a", 1, TestAdapters.shapes(3));
        Adapter x = Lora.from(a).truncate(Rank.perModule(Map.of("mlp", Rank.of(1)), Rank.of(2)));
        Path out = tmp.resolve("mixed");
        x.save(out.toString());
        PeftConfig c = PeftConfig.parse(readConfig(out), null);
        Adapter back = Lora.load(out);
        assertEquals(2, c.r());
        assertEquals(1, c.rankFor("layers.1.mlp"));
        for (String m : a.type().names()) {
            assertEquals(a.scale(m).getAsDouble(), c.scaleFor(m), 1e-12, m);
            assertEquals(x.eval().module(m).rank(), back.module(m).rank());
            assertBelow(
                    Dense.relError(Dense.M.of(back.dense(m)), Dense.M.of(x.dense(m))), 1e-6, m + ": relative error");
        }
    }

    @Test
    void refusesToWriteOverAnInputAndLeavesNothingBehind() throws IOException {
        Path in = tmp.resolve("copy");
        Lora.load(RealAdapters.path("distilbert-imdb")).save(in.toString());
        byte[] before = Files.readAllBytes(in.resolve("adapter_model.safetensors"));
        Adapter a = Lora.load(in);
        AdapterFormatException e =
                assertThrows(AdapterFormatException.class, () -> a.times(2).save(in.toString()));
        assertTrue(e.getMessage().contains("input"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(in.resolve("adapter_model.safetensors")));
        try (var s = Files.list(tmp)) {
            assertEquals(List.of("copy"), s.map(p -> p.getFileName().toString()).toList(), "no temp folders left");
        }
    }

    private static String readConfig(Path folder) {
        try {
            return Files.readString(folder.resolve("adapter_config.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
