package org.loralgebra.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.loralgebra.TestAdapters;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.io.diffusers.DiffusersFileWriter;
import org.loralgebra.io.kohya.KohyaFileWriter;
import org.loralgebra.io.peft.PeftFolder;
import org.loralgebra.io.peft.PeftFolderWriter;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.StoredModule;
import org.loralgebra.model.TensorRef;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * What the three adapter writers share ({@link ModuleSpool}), checked through each of them: a module is accepted
 * once and only with the shapes its spec calls for, a LoRA key never replaces an extra tensor, the extras are
 * copied byte for byte, and an input is never a target.
 */
class ModuleSpoolTest {
    @TempDir
    Path tmp;

    /** Each writer, the key its format gives module {@code layers.0.q}'s A, and where it writes. */
    enum Writer {
        PEFT(PeftFolderWriter::create, "base_model.model.layers.0.q.lora_A.weight", "out"),
        KOHYA(KohyaFileWriter::create, "layers.0.q.lora_down.weight", "out.safetensors"),
        DIFFUSERS(DiffusersFileWriter::create, "layers.0.q.lora_A.weight", "out.safetensors");

        final BiFunction<AdapterMeta, Collection<Path>, AdapterSink> create;
        final String keyOfA;
        final String target;

        Writer(BiFunction<AdapterMeta, Collection<Path>, AdapterSink> create, String keyOfA, String target) {
            this.create = create;
            this.keyOfA = keyOfA;
            this.target = target;
        }

        /** The safetensors file a commit to {@code target} writes. */
        Path weights(Path target) {
            return this == PEFT ? target.resolve(PeftFolder.WEIGHTS) : target;
        }
    }

    private static final Tensor HEAD =
            Tensor.ofDoubles(DType.BF16, new long[] {2, 3}, new double[] {1, -2, 3.5, 0, 7, -0.25});

    private static AdapterMeta template(Map<String, TensorRef> extras) {
        return new AdapterMeta(
                AdapterFormat.PEFT,
                PeftConfig.lora(4, 8, "test-base"),
                "base_model.model.",
                extras,
                Map.of("format", "pt"));
    }

    private static final InMemoryAdapter SOURCE = TestAdapters.random("a", 3, TestAdapters.shapes(4));

    @ParameterizedTest
    @EnumSource(Writer.class)
    void aModuleIsAcceptedOnceAndOnlyWithTheShapesItsSpecCallsFor(Writer writer) {
        try (AdapterSink sink = writer.create.apply(template(Map.of()), List.of())) {
            StoredModule q = SOURCE.read("layers.0.q");
            sink.add(q);
            IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> sink.add(q));
            assertEquals("module 'layers.0.q' was already added", twice.getMessage());
            StoredModule v = SOURCE.read("layers.0.v");
            StoredModule wrong = new StoredModule(v.spec(), v.b(), v.a(), v.scale(), v.magnitude(), v.loraBias());
            assertThrows(
                    IllegalArgumentException.class, () -> sink.add(wrong), "A and B swapped: [12, 4] is no [4, 10]");
            sink.add(v);
        }
        try (AdapterSink sink = writer.create.apply(template(Map.of()), List.of())) {
            ModuleSpec zero = ModuleSpec.linear("layers.2.zero", 6, 5, 0, DType.F32);
            StoredModule empty = StoredModule.of(
                    zero,
                    Tensor.ofDoubles(DType.F32, new long[] {0, 5}, new double[0]),
                    Tensor.ofDoubles(DType.F32, new long[] {6, 0}, new double[0]),
                    1.0);
            sink.add(empty);
            assertThrows(
                    IllegalArgumentException.class,
                    () -> sink.add(empty),
                    "a rank-0 module, left out of the file, is still added only once");
        }
    }

    @ParameterizedTest
    @EnumSource(Writer.class)
    void extrasAreCopiedByteForByteAndNeverReplacedByALoraKey(Writer writer) {
        Path target = tmp.resolve(writer.target);
        try (AdapterSink sink =
                writer.create.apply(template(Map.of("classifier.weight", TensorRef.of(HEAD))), List.of())) {
            for (String m : SOURCE.type().names()) {
                sink.add(SOURCE.read(m));
            }
            sink.commit(target);
        }
        SafetensorsFile written = SafetensorsFile.open(writer.weights(target));
        assertTrue(written.read("classifier.weight").contentEquals(HEAD), "the head, byte for byte");
        assertTrue(
                written.read(writer.keyOfA)
                        .contentEquals(SOURCE.read("layers.0.q").a()),
                writer.keyOfA);

        try (AdapterSink sink = writer.create.apply(template(Map.of(writer.keyOfA, TensorRef.of(HEAD))), List.of())) {
            IllegalArgumentException clash =
                    assertThrows(IllegalArgumentException.class, () -> sink.add(SOURCE.read("layers.0.q")));
            assertEquals(
                    "key '" + writer.keyOfA + "' is both a LoRA tensor and an extra tensor of the template",
                    clash.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(Writer.class)
    void anInputIsNeverATargetAndNothingIsWrittenWhenRefused(Writer writer) throws Exception {
        Path input = Files.createDirectories(tmp.resolve("input"));
        Path inside = input.resolve(writer.target);
        try (AdapterSink sink = writer.create.apply(template(Map.of()), List.of(inside))) {
            for (String m : SOURCE.type().names()) {
                sink.add(SOURCE.read(m));
            }
            AdapterFormatException self = assertThrows(AdapterFormatException.class, () -> sink.commit(inside));
            assertTrue(self.getMessage().contains("is an input of this write"), self.getMessage());
            AdapterFormatException holds = assertThrows(AdapterFormatException.class, () -> sink.commit(input));
            assertTrue(holds.getMessage().contains("holds an input of this write"), holds.getMessage());
            if (writer != Writer.PEFT) {
                Path named = tmp.resolve("out.bin");
                AdapterFormatException suffix = assertThrows(AdapterFormatException.class, () -> sink.commit(named));
                assertTrue(suffix.getMessage().contains("must end in .safetensors"), suffix.getMessage());
                assertFalse(Files.exists(named));
            }
        }
        try (var files = Files.list(input)) {
            assertEquals(0, files.count(), "nothing written");
        }
    }
}
