package org.loralgebra.stdlib.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.TestAdapters;
import org.loralgebra.lang.LoraException;
import org.loralgebra.model.AdapterTypeException;

/** What a merge accepts, the errors that name what is wrong, and reproducibility of DARE. */
class MergeOptionsTest {
    @TempDir
    Path tmp;

    private static Adapter a() {
        return Lora.from(TestAdapters.random("first", 1, TestAdapters.shapes(4)));
    }

    private static Adapter b() {
        return Lora.from(TestAdapters.random("second", 2, TestAdapters.shapes(4)));
    }

    @Test
    void methodNamesParseAsPeftWritesThem() {
        for (Method m : Method.values()) {
            assertEquals(m, Method.parse(m.id()));
            assertEquals(m, Method.parse(m.name()));
        }
        assertEquals(Method.DARE_TIES_SVD, Method.parse("dare-ties-svd"));
        LoraException e = assertThrows(LoraException.class, () -> Method.parse("tie"));
        assertTrue(e.getMessage().contains("'tie'") && e.getMessage().contains("ties_svd"), e.getMessage());
        assertEquals(MajoritySign.FREQUENCY, MajoritySign.parse("count"));
        assertThrows(LoraException.class, () -> MajoritySign.parse("median"));
    }

    @Test
    void optionsAMethodDoesNotUseAreErrorsNamingTheMethod() {
        assertMessage(
                () -> Merge.of(a(), b()).method(Method.LINEAR).density(0.5).adapter(), "linear", "density");
        assertMessage(
                () -> Merge.of(a(), b())
                        .method(Method.DARE_LINEAR)
                        .density(0.5)
                        .majoritySign(MajoritySign.FREQUENCY)
                        .adapter(),
                "dare_linear",
                "majority sign");
        assertMessage(() -> Merge.of(a(), b()).method(Method.CAT).svdClamp(0.9).adapter(), "cat", "svd_clamp");
        assertMessage(
                () -> Merge.of(a(), b())
                        .method(Method.TIES_SVD)
                        .density(0.5)
                        .normalize(true)
                        .adapter(),
                "ties_svd",
                "normalize");
        assertMessage(() -> Merge.of(a(), b()).weights(1, 2, 3).adapter(), "3 weights", "2 adapters");
        assertMessage(() -> Merge.of(a(), b()).density(0), "density", "(0, 1]");
        assertMessage(() -> Merge.of(a(), b()).density(1.5), "density", "1.5");
        assertMessage(() -> Merge.of(a(), b()).svdClamp(2), "svd_clamp", "2");
        assertMessage(() -> Merge.of(a(), b()).weights(1, Double.NaN), "finite");
        assertMessage(() -> Merge.of(List.of()), "at least one");
    }

    @Test
    void factorwiseMethodsNeedEqualRanksAndSaySoWithTheModule() {
        Adapter r2 = Lora.from(TestAdapters.random("rank2", 3, TestAdapters.shapes(2)));
        AdapterTypeException e = assertThrows(
                AdapterTypeException.class,
                () -> Merge.of(a(), r2).method(Method.TIES).density(0.5).adapter());
        assertTrue(
                e.getMessage().contains("layers.0.q")
                        && e.getMessage().contains("'first'")
                        && e.getMessage().contains("'rank2'")
                        && e.getMessage().contains("rank 4")
                        && e.getMessage().contains("rank 2")
                        && e.getMessage().contains("ties_svd"),
                e.getMessage());
        Merge.of(a(), r2).method(Method.TIES_SVD).density(0.5).adapter().eval();
        // linear's counterpart on the updates is PEFT's svd (there is no linear_svd)
        AdapterTypeException linear = assertThrows(
                AdapterTypeException.class,
                () -> Merge.of(a(), r2).method(Method.LINEAR).adapter());
        assertTrue(
                linear.getMessage().contains("use svd or cat")
                        && !linear.getMessage().contains("linear_svd"),
                linear.getMessage());
        Merge.of(a(), r2).method(Method.SVD).adapter().eval();
    }

    @Test
    void differentShapesOrBaseModelsAreTypeErrors() {
        Adapter other = Lora.from(TestAdapters.random("other", 3, TestAdapters.shapes(4), "org/other-model"));
        AdapterTypeException e = assertThrows(
                AdapterTypeException.class,
                () -> Merge.of(a(), other).method(Method.TIES_SVD).density(0.5).adapter());
        assertTrue(e.getMessage().contains("org/other-model"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(
            value = Method.class,
            names = {"DARE_TIES_SVD", "DARE_LINEAR", "MERGEKIT_DARE_TIES"})
    void dareWithTheSameSeedWritesTheSameBytesAndAnotherSeedOthers(Method m) throws IOException {
        Path first = tmp.resolve("first");
        Path again = tmp.resolve("again");
        Path other = tmp.resolve("other");
        Merge merge = Merge.of(a(), b()).method(m).weights(0.6, 0.4).density(0.5);
        merge.seed(123).adapter().save(first.toString());
        merge.seed(123).adapter().save(again.toString());
        merge.seed(124).adapter().save(other.toString());
        byte[] x = Files.readAllBytes(first.resolve("adapter_model.safetensors"));
        assertArrayEquals(x, Files.readAllBytes(again.resolve("adapter_model.safetensors")), "same seed, same bytes");
        assertFalse(
                Arrays.equals(x, Files.readAllBytes(other.resolve("adapter_model.safetensors"))),
                "another seed, another drop");
        assertEquals(
                Files.readString(first.resolve("adapter_config.json")),
                Files.readString(again.resolve("adapter_config.json")));
    }

    @Test
    void resultsDoNotDependOnTheNumberOfThreads() {
        var saved = Lora.options();
        try {
            Merge merge =
                    Merge.of(a(), b()).method(Method.DARE_TIES_SVD).density(0.4).seed(5);
            Lora.configure(saved.withParallelism(1));
            float[] one = merge.adapter()
                    .eval()
                    .source()
                    .orElseThrow()
                    .read("layers.1.mlp")
                    .bMatrix()
                    .toFloatArray();
            Lora.configure(saved.withParallelism(4));
            float[] four = merge.adapter()
                    .eval()
                    .source()
                    .orElseThrow()
                    .read("layers.1.mlp")
                    .bMatrix()
                    .toFloatArray();
            assertArrayEquals(one, four);
        } finally {
            Lora.configure(saved);
        }
    }

    @Test
    void theMergeIsLazyAndDescribesItself() {
        Merge merge = Merge.of(a(), b())
                .method(Method.TIES_SVD)
                .weights(0.5, 0.5)
                .density(0.5)
                .rank(3);
        assertEquals("Merge ties_svd weights=[0.5, 0.5] density=0.5 rank=3 of [first, second]", merge.toString());
        assertEquals(
                "Merge ties weights=1 density=0.2 (default) of [first, second]",
                Merge.of(a(), b()).method(Method.TIES).toString(),
                "a pruning method's density is named when it is the default too");
        assertEquals(
                OptionalDouble.of(0.2), Merge.of(a(), b()).method(Method.TIES).prunedDensity());
        assertEquals(
                OptionalDouble.of(1.0),
                Merge.of(a(), b()).method(Method.MERGEKIT_TIES).prunedDensity());
        assertEquals(
                OptionalDouble.of(0.5), Merge.of(a(), b()).method(Method.DELLA).prunedDensity());
        assertEquals(OptionalDouble.of(0.7), merge.density(0.7).prunedDensity());
        assertEquals(
                OptionalDouble.empty(), Merge.of(a(), b()).method(Method.LINEAR).prunedDensity());
        assertEquals(
                OptionalDouble.of(0.3),
                Merge.of(a(), b())
                        .method(Method.CORE_SPACE)
                        .coreMerge(CoreMerge.TIES)
                        .prunedDensity());
        assertEquals(
                OptionalDouble.empty(),
                Merge.of(a(), b()).method(Method.CORE_SPACE).prunedDensity());
        Adapter merged = merge.adapter();
        assertEquals("ties_svd(first, second)", merged.label());
        String plan = merged.plan().explain();
        assertTrue(
                plan.contains("ties_svd") && plan.contains("top-k SVD to rank 3") && plan.contains("randomized"), plan);
        assertEquals(3, merged.module("layers.0.q").rank(), "the type is known before anything runs");
    }

    private static void assertMessage(Runnable r, String... parts) {
        LoraException e = assertThrows(LoraException.class, r::run);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' in: " + e.getMessage());
        }
    }
}
