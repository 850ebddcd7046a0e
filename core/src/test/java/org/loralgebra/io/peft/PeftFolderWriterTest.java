package org.loralgebra.io.peft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.RealAdapters;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.StoredAdapter;
import org.loralgebra.io.TestFiles;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.AdapterTypeException;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.StoredModule;
import org.loralgebra.model.TensorRef;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.HalfReference;
import org.loralgebra.tensor.Tensor;

/** Writing PEFT folders: exact round trips of the real adapters, refitted configs, and writes that fail cleanly. */
class PeftFolderWriterTest {
    private static final List<String> REAL = List.of("distilbert-imdb", "distilbert-emotion", "gpt2-tigrinya");

    @TempDir
    Path tmp;

    /** Reads every module of {@code a}, maps it, and writes a folder shaped like {@code meta}. */
    private static void write(StoredAdapter a, AdapterMeta meta, Path out, UnaryOperator<StoredModule> f) {
        try (PeftFolderWriter w =
                PeftFolderWriter.create(meta, List.of(a.location().orElseThrow()))) {
            for (String m : a.type().names()) {
                w.add(f.apply(a.read(m)));
            }
            w.commit(out);
        }
    }

    @Test
    void loadThenWriteReproducesEveryTensorTheMetadataAndTheConfigText() throws Exception {
        for (String name : REAL) {
            Path in = RealAdapters.path(name);
            String inputSum = TestFiles.checksum(in);
            StoredAdapter a = PeftFolder.read(in, LoadOptions.defaults());
            Path out = tmp.resolve(name);
            write(a, a.meta(), out, UnaryOperator.identity());

            SafetensorsFile before = SafetensorsFile.open(in.resolve(PeftFolder.WEIGHTS));
            SafetensorsFile after = SafetensorsFile.open(out.resolve(PeftFolder.WEIGHTS));
            assertEquals(before.tensors().keySet(), after.tensors().keySet(), name);
            for (String t : before.tensors().keySet()) {
                assertTrue(before.read(t).contentEquals(after.read(t)), name + ": " + t);
            }
            assertEquals(before.metadata(), after.metadata());
            assertArrayEquals(
                    Files.readAllBytes(in.resolve(PeftFolder.CONFIG)),
                    Files.readAllBytes(out.resolve(PeftFolder.CONFIG)),
                    name + ": the untouched config is written byte for byte");

            StoredAdapter back = PeftFolder.read(out, LoadOptions.defaults());
            assertEquals(a.type(), back.type());
            for (String m : a.type().names()) {
                assertEquals(a.scale(m).getAsDouble(), back.scale(m).getAsDouble(), m);
            }
            assertEquals(List.of(PeftFolder.CONFIG, PeftFolder.WEIGHTS), TestFiles.listing(out));
            assertEquals(inputSum, TestFiles.checksum(in), "the input is unchanged");
        }
        assertEquals(REAL.stream().sorted().toList(), TestFiles.listing(tmp), "no temporaries left");
    }

    @Test
    void aSubsetStillCoveredByTheTemplateKeepsItsConfig() throws Exception {
        Path in = RealAdapters.path("gpt2-tigrinya");
        StoredAdapter a = PeftFolder.read(in, LoadOptions.defaults());
        Path out = tmp.resolve("c_attn");
        try (PeftFolderWriter w = PeftFolderWriter.create(a.meta())) {
            a.type().names().stream().filter(n -> n.endsWith("c_attn")).forEach(n -> w.add(a.read(n)));
            w.commit(out);
        }
        assertEquals(Files.readString(in.resolve(PeftFolder.CONFIG)), Files.readString(out.resolve(PeftFolder.CONFIG)));
        assertEquals(
                12,
                PeftFolder.read(out, LoadOptions.defaults()).type().modules().size());
    }

    @Test
    void mixedRanksAreRefittedAndReloadWithTheirRankAndScale() throws Exception {
        Path in = RealAdapters.path("distilbert-emotion");
        StoredAdapter a = PeftFolder.read(in, LoadOptions.defaults());
        Path out = tmp.resolve("mixed");
        write(a, a.meta(), out, m -> m.spec().name().endsWith("v_lin") ? firstRanks(m, 4) : m);
        StoredAdapter back = PeftFolder.read(out, LoadOptions.defaults());
        PeftConfig c = back.meta().config();
        assertEquals(4, c.r(), "6 modules of rank 8, 6 of rank 4: the tie goes to the smaller");
        assertEquals(8.0, c.loraAlpha(), "scale 2 at rank 4");
        assertEquals(6, c.rankPattern().size());
        assertTrue(
                c.rankPattern().keySet().stream()
                        .allMatch(k -> k.startsWith("distilbert.transformer.layer.") && k.endsWith("q_lin")),
                c.rankPattern().toString());
        assertEquals(
                List.of("q_lin", "v_lin"), c.targetModules().stream().sorted().toList());
        for (String key : a.meta().config().keys()) {
            assertTrue(c.get(key).isPresent(), "template key kept: " + key);
        }
        assertEquals("0.20.0", c.get("peft_version").orElseThrow().asText(), "unknown keys kept");
        assertEquals(
                c.toJson(),
                Files.readString(out.resolve(PeftFolder.CONFIG)),
                "a refitted config is printed as PEFT does");
        for (String m : a.type().names()) {
            StoredModule expected = m.endsWith("v_lin") ? firstRanks(a.read(m), 4) : a.read(m);
            StoredModule got = back.read(m);
            assertEquals(expected.spec().rank(), got.spec().rank(), m);
            assertEquals(2.0, got.scale(), m);
            assertTrue(expected.a().contentEquals(got.a()) && expected.b().contentEquals(got.b()), m);
        }
    }

    /** The module cut to its first {@code k} rank components, computed here from the decoded values. */
    private static StoredModule firstRanks(StoredModule m, int k) {
        ModuleSpec s = m.spec();
        float[] a = m.a().toFloatArray();
        float[] b = m.b().toFloatArray();
        float[] a2 = Arrays.copyOf(a, k * s.in());
        float[] b2 = new float[s.out() * k];
        for (int i = 0; i < s.out(); i++) {
            System.arraycopy(b, i * s.rank(), b2, i * k, k);
        }
        return StoredModule.of(
                s.withRank(k),
                Tensor.ofFloats(DType.F32, new long[] {k, s.in()}, a2),
                Tensor.ofFloats(DType.F32, new long[] {s.out(), k}, b2),
                m.scale());
    }

    @Test
    void halfPrecisionOutputHoldsTheNearestHalfOfEveryValue() {
        StoredAdapter a = PeftFolder.read(RealAdapters.path("distilbert-imdb"), LoadOptions.defaults());
        for (DType d : List.of(DType.F16, DType.BF16)) {
            Path out = tmp.resolve(d.name());
            write(
                    a,
                    a.meta(),
                    out,
                    m -> new StoredModule(
                            new ModuleSpec(
                                    m.spec().name(),
                                    m.spec().kind(),
                                    m.spec().out(),
                                    m.spec().in(),
                                    m.spec().rank(),
                                    d,
                                    m.spec().kernel(),
                                    false,
                                    false,
                                    false),
                            m.a().convertTo(d),
                            m.b().convertTo(d),
                            m.scale(),
                            Optional.empty(),
                            Optional.empty()));
            StoredAdapter back = PeftFolder.read(out, LoadOptions.defaults());
            String m = "distilbert.transformer.layer.3.attention.v_lin";
            assertEquals(d, back.type().module(m).orElseThrow().dtype());
            float[] original = a.read(m).b().toFloatArray();
            float[] stored = back.read(m).b().toFloatArray();
            for (int i = 0; i < original.length; i++) {
                HalfReference ref = d == DType.F16 ? HalfReference.F16 : HalfReference.BF16;
                double nearest = ref.value(ref.nearest(original[i]));
                if (d == DType.BF16) {
                    assertEquals(bf16Nearest(original[i]), nearest, 0.0, "two references agree");
                }
                assertEquals(nearest, stored[i], 0.0f, d + " element " + i);
            }
            assertEquals(2.0, back.scale(m).getAsDouble());
            assertTrue(
                    back.meta()
                            .extras()
                            .get("base_model.model.classifier.weight")
                            .read()
                            .contentEquals(a.meta()
                                    .extras()
                                    .get("base_model.model.classifier.weight")
                                    .read()),
                    "extras untouched");
        }
    }

    /** Nearest bfloat16 by comparing the two candidates around {@code x} (x finite, normal). */
    private static float bf16Nearest(float x) {
        int bits = Float.floatToRawIntBits(x);
        float down = Float.intBitsToFloat(bits & 0xffff0000);
        float up = Float.intBitsToFloat((bits & 0xffff0000) + 0x10000);
        double dDown = Math.abs((double) x - down);
        double dUp = Math.abs((double) up - x);
        if (dDown != dUp) {
            return dDown < dUp ? down : up;
        }
        return ((bits >>> 16) & 1) == 0 ? down : up;
    }

    @Test
    void writesDoraBiasEmbeddingAndConvolutionKeysAsPeftDoes() {
        Random rnd = new Random(1);
        ModuleSpec emb = new ModuleSpec(
                "model.embed", ModuleKind.EMBEDDING, 6, 20, 2, DType.F32, new long[0], false, true, false);
        ModuleSpec conv = new ModuleSpec(
                "model.conv", ModuleKind.CONV, 4, 3 * 9, 2, DType.F32, new long[] {3, 3}, false, true, true);
        StoredModule e = new StoredModule(
                emb, gauss(rnd, 2, 20), gauss(rnd, 6, 2), 1.5, Optional.of(gauss(rnd, 6)), Optional.empty());
        StoredModule c = new StoredModule(
                conv,
                gauss(rnd, 2, 3, 3, 3),
                gauss(rnd, 4, 2, 1, 1),
                1.5,
                Optional.of(gauss(rnd, 4)),
                Optional.of(gauss(rnd, 4)));
        AdapterMeta meta = new AdapterMeta(
                AdapterFormat.PEFT, PeftConfig.lora(8, 16, "base"), "base_model.model.", Map.of(), Map.of());
        Path out = tmp.resolve("kinds");
        try (PeftFolderWriter w = PeftFolderWriter.create(meta)) {
            w.add(c);
            w.add(e);
            w.commit(out);
        }
        assertEquals(
                List.of(
                        "base_model.model.model.conv.lora_A.weight",
                        "base_model.model.model.conv.lora_B.bias",
                        "base_model.model.model.conv.lora_B.weight",
                        "base_model.model.model.conv.lora_magnitude_vector",
                        "base_model.model.model.embed.lora_embedding_A",
                        "base_model.model.model.embed.lora_embedding_B",
                        "base_model.model.model.embed.lora_magnitude_vector"),
                SafetensorsFile.open(out.resolve(PeftFolder.WEIGHTS)).tensors().keySet().stream()
                        .sorted()
                        .toList());
        StoredAdapter back = PeftFolder.read(out, LoadOptions.defaults());
        assertEquals(emb, back.type().module("model.embed").orElseThrow());
        assertEquals(conv, back.type().module("model.conv").orElseThrow());
        PeftConfig config = back.meta().config();
        assertTrue(config.useDora() && config.loraBias());
        assertEquals(2, config.r());
        assertEquals(3.0, config.loraAlpha());
        assertEquals(List.of("conv", "embed"), config.targetModules());
        assertTrue(c.magnitude()
                .orElseThrow()
                .contentEquals(back.read("model.conv").magnitude().orElseThrow()));
    }

    private static Tensor gauss(Random rnd, long... shape) {
        double[] v = new double[(int) Tensor.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextGaussian();
        }
        return Tensor.ofDoubles(DType.F32, shape, v);
    }

    @Test
    void theSameModulesInAnyOrderGiveTheSameBytes() throws Exception {
        StoredAdapter a = PeftFolder.read(RealAdapters.path("gpt2-tigrinya"), LoadOptions.defaults());
        List<String> names = new ArrayList<>(a.type().names());
        byte[] first = null;
        for (int seed = 0; seed < 3; seed++) {
            Collections.shuffle(names, new Random(seed));
            Path out = tmp.resolve("order" + seed);
            try (PeftFolderWriter w = PeftFolderWriter.create(a.meta())) {
                names.parallelStream().forEach(n -> w.add(a.read(n)));
                w.commit(out);
            }
            byte[] bytes = Files.readAllBytes(out.resolve(PeftFolder.WEIGHTS));
            if (first != null) {
                assertArrayEquals(first, bytes, "seed " + seed);
            }
            first = bytes;
        }
    }

    @Test
    void refusesToWriteOverAnInputOrAFolderHoldingOne() {
        Path in = TestFiles.copyFolder(
                RealAdapters.path("distilbert-imdb"), tmp.resolve("work").resolve("imdb"));
        String sum = TestFiles.checksum(tmp.resolve("work"));
        StoredAdapter a = PeftFolder.read(in, LoadOptions.defaults());
        for (Path target : List.of(in, tmp.resolve("work"), in.resolve("..").resolve("imdb"))) {
            try (PeftFolderWriter w = PeftFolderWriter.create(a.meta(), List.of(in))) {
                a.type().names().forEach(n -> w.add(a.read(n)));
                AdapterFormatException e = assertThrows(AdapterFormatException.class, () -> w.commit(target));
                assertTrue(
                        e.getMessage().startsWith(target.toString())
                                && e.getMessage().contains("input")
                                && e.getMessage().contains(in.toString()),
                        e.getMessage());
            }
        }
        assertEquals(sum, TestFiles.checksum(tmp.resolve("work")), "inputs unchanged");
        assertEquals(List.of("imdb"), TestFiles.listing(tmp.resolve("work")), "nothing else written");
    }

    @Test
    void replacesAnAdapterFolderButNotAFolderOfOtherFiles() {
        StoredAdapter a = PeftFolder.read(RealAdapters.path("gpt2-tigrinya"), LoadOptions.defaults());
        Path docs = tmp.resolve("docs");
        TestFiles.write(docs.resolve("thesis.tex"), "years of work");
        TestFiles.write(docs.resolve("adapter_config.json"), "{}");
        String sum = TestFiles.checksum(docs);
        Path oldAdapter = tmp.resolve("old");
        TestFiles.write(oldAdapter.resolve("README.md"), "old card");
        TestFiles.write(oldAdapter.resolve("adapter_model.bin"), "old pickle");
        Path file = TestFiles.write(tmp.resolve("plain-file"), "x");
        try (PeftFolderWriter w = PeftFolderWriter.create(a.meta())) {
            a.type().names().forEach(n -> w.add(a.read(n)));
            AdapterFormatException e = assertThrows(AdapterFormatException.class, () -> w.commit(docs));
            assertTrue(e.getMessage().contains("thesis.tex") && e.getMessage().contains("refusing"), e.getMessage());
            AdapterFormatException f = assertThrows(AdapterFormatException.class, () -> w.commit(file));
            assertTrue(f.getMessage().contains("not a folder"), f.getMessage());
            w.commit(oldAdapter);
        }
        assertEquals(sum, TestFiles.checksum(docs));
        assertEquals(List.of(PeftFolder.CONFIG, PeftFolder.WEIGHTS), TestFiles.listing(oldAdapter), "replaced whole");
        assertEquals(List.of("docs", "old", "plain-file"), TestFiles.listing(tmp), "no temporaries left");
    }

    @Test
    void aFailedCommitLeavesNoPartialOutput() {
        Path in = RealAdapters.path("gpt2-tigrinya");
        String sum = TestFiles.checksum(in);
        StoredAdapter a = PeftFolder.read(in, LoadOptions.defaults());
        ModuleSpec dora =
                new ModuleSpec("extra.dora", ModuleKind.LINEAR, 3, 2, 1, DType.F32, new long[0], true, true, false);
        Path out = tmp.resolve("out");
        try (PeftFolderWriter w = PeftFolderWriter.create(a.meta())) {
            a.type().names().forEach(n -> w.add(a.read(n)));
            w.add(new StoredModule(
                    dora,
                    gauss(new Random(2), 1, 2),
                    gauss(new Random(3), 3, 1),
                    1.0,
                    Optional.of(gauss(new Random(4), 3)),
                    Optional.empty()));
            AdapterTypeException e = assertThrows(AdapterTypeException.class, () -> w.commit(out));
            assertTrue(e.getMessage().contains("'extra.dora'") && e.getMessage().contains("DoRA"), e.getMessage());
        }
        Path blocked = TestFiles.write(tmp.resolve("blocker"), "x").resolve("out");
        try (PeftFolderWriter w = PeftFolderWriter.create(a.meta())) {
            a.type().names().forEach(n -> w.add(a.read(n)));
            assertThrows(RuntimeException.class, () -> w.commit(blocked));
        }
        assertFalse(Files.exists(out));
        assertEquals(List.of("blocker"), TestFiles.listing(tmp), "no partial output, no temporaries");
        assertEquals(sum, TestFiles.checksum(in));
    }

    @Test
    void anExtraThatCannotBeReadFailsAtCreation() {
        TensorRef broken = new TensorRef() {
            @Override
            public DType dtype() {
                return DType.F32;
            }

            @Override
            public long[] shape() {
                return new long[] {2};
            }

            @Override
            public Tensor read() {
                throw new AdapterFormatException(
                        Path.of("gone.safetensors"), "the file was removed since it was opened");
            }
        };
        AdapterMeta meta =
                new AdapterMeta(AdapterFormat.PEFT, PeftConfig.lora(8, 8, null), "", Map.of("head", broken), Map.of());
        assertThrows(AdapterFormatException.class, () -> PeftFolderWriter.create(meta));
    }

    @Test
    void checksWhatItIsGiven() {
        AdapterMeta meta = new AdapterMeta(
                AdapterFormat.PEFT,
                PeftConfig.lora(8, 8, null),
                "",
                Map.of("m.lora_A.weight", TensorRef.of(gauss(new Random(1), 1))),
                Map.of());
        ModuleSpec spec = ModuleSpec.linear("q", 3, 2, 1, DType.F32);
        try (PeftFolderWriter w = PeftFolderWriter.create(meta)) {
            IllegalArgumentException shape = assertThrows(
                    IllegalArgumentException.class,
                    () -> w.add(StoredModule.of(spec, gauss(new Random(1), 2, 2), gauss(new Random(1), 3, 1), 1.0)));
            assertTrue(
                    shape.getMessage().contains("'q'")
                            && shape.getMessage().contains("lora_A of shape [1, 2]")
                            && shape.getMessage().contains("[2, 2]"),
                    shape.getMessage());
            StoredModule ok = StoredModule.of(spec, gauss(new Random(1), 1, 2), gauss(new Random(1), 3, 1), 1.0);
            w.add(ok);
            assertThrows(IllegalArgumentException.class, () -> w.add(ok));
            ModuleSpec clash = ModuleSpec.linear("m", 3, 2, 1, DType.F32);
            assertTrue(assertThrows(
                            IllegalArgumentException.class,
                            () -> w.add(StoredModule.of(
                                    clash, gauss(new Random(1), 1, 2), gauss(new Random(1), 3, 1), 1.0)))
                    .getMessage()
                    .contains("extra tensor"));
        }
        try (PeftFolderWriter w = PeftFolderWriter.create(meta)) {
            ModuleSpec zero = ModuleSpec.linear("z", 3, 2, 0, DType.F32);
            w.add(StoredModule.of(
                    zero,
                    Tensor.ofFloats(DType.F32, new long[] {0, 2}, new float[0]),
                    Tensor.ofFloats(DType.F32, new long[] {3, 0}, new float[0]),
                    1.0));
            assertThrows(
                    IllegalStateException.class, () -> w.commit(tmp.resolve("empty")), "rank 0 only: nothing to write");
        }
        assertEquals(List.of(), TestFiles.listing(tmp));
    }
}
