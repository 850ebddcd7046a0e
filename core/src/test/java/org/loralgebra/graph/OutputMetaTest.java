package org.loralgebra.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.loralgebra.Lora;
import org.loralgebra.TestAdapters;
import org.loralgebra.exec.ExtraTensors;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.model.TensorRef;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * A result's metadata is decided from the expression without reading a byte; extra tensors that inputs hold under one
 * key are read only when the result is computed, and kept when equal, dropped when they differ.
 */
class OutputMetaTest {
    /** A head tensor that counts its reads. */
    private record CountedHead(Tensor t, AtomicInteger reads) implements TensorRef {
        @Override
        public DType dtype() {
            return t.dtype();
        }

        @Override
        public long[] shape() {
            return t.shape();
        }

        @Override
        public Tensor read() {
            reads.incrementAndGet();
            return t;
        }
    }

    private static InMemoryAdapter withHead(String label, long seed, TensorRef head) {
        InMemoryAdapter a = TestAdapters.random(label, seed, TestAdapters.shapes(2));
        AdapterMeta meta = a.meta().withExtras(Map.of("classifier.weight", head));
        return new InMemoryAdapter(
                label,
                a.type().baseModel().orElse(null),
                meta,
                a.type().names().stream().collect(Collectors.toMap(n -> n, a::read)));
    }

    @Test
    void anInputLoadedAsAnotherBaseModelRecordsThatName() {
        InMemoryAdapter a = TestAdapters.random("a", 3, TestAdapters.shapes(2));
        InMemoryAdapter declared = new InMemoryAdapter(
                "declared",
                "org/declared",
                a.meta(),
                a.type().names().stream().collect(Collectors.toMap(n -> n, a::read)));
        assertFalse(a.meta().config().baseModel().equals(Optional.of("org/declared")), "the config's own name");
        assertEquals(
                Optional.of("org/declared"),
                OutputMeta.of(Lora.from(declared).node()).meta().config().baseModel(),
                "a load records the name it was loaded as (LoadOptions.withBaseModel)");
        assertEquals(
                Optional.of("org/declared"),
                OutputMeta.of(Lora.from(declared).times(0.5).node())
                        .meta()
                        .config()
                        .baseModel(),
                "and so does what is computed from it");
        assertEquals(
                a.meta().config(),
                OutputMeta.of(Lora.from(a).node()).meta().config(),
                "a load as its config's own model keeps the config as it is");
    }

    @Test
    void headsOfTwoInputsAreContestedWithoutBeingRead() {
        AtomicInteger reads = new AtomicInteger();
        Tensor w = Tensor.ofDoubles(DType.F32, new long[] {2, 3}, new double[] {1, 2, 3, 4, 5, 6});
        Tensor other = Tensor.ofDoubles(DType.F32, new long[] {2, 3}, new double[] {1, 2, 3, 4, 5, 7});
        var x = Lora.from(withHead("x", 1, new CountedHead(w, reads)));
        var y = Lora.from(withHead("y", 2, new CountedHead(other, reads)));
        OutputMeta meta = OutputMeta.of(x.plus(y).node());
        assertEquals(0, reads.get(), "deciding the metadata reads no tensor");
        assertFalse(meta.meta().extras().containsKey("classifier.weight"));
        assertEquals(
                List.of("x", "y"),
                meta.contested().get("classifier.weight").stream()
                        .map(OutputMeta.Contender::input)
                        .toList());
        AdapterMeta resolved = ExtraTensors.resolve(meta);
        assertTrue(reads.get() >= 2, "resolving reads the contenders: " + reads.get() + " reads");
        assertFalse(resolved.extras().containsKey("classifier.weight"), "different heads are left out");
    }

    @Test
    void equalHeadsAreKeptOnceAndOneInputsHeadPassesUnread() {
        AtomicInteger reads = new AtomicInteger();
        Tensor w = Tensor.ofDoubles(DType.F32, new long[] {2, 3}, new double[] {1, 2, 3, 4, 5, 6});
        var x = Lora.from(withHead("x", 1, new CountedHead(w, reads)));
        var y = Lora.from(withHead(
                "y",
                2,
                new CountedHead(
                        Tensor.ofDoubles(DType.F32, new long[] {2, 3}, new double[] {1, 2, 3, 4, 5, 6}), reads)));
        AdapterMeta kept = ExtraTensors.resolve(OutputMeta.of(x.minus(y).node()));
        assertTrue(kept.extras().containsKey("classifier.weight"), "equal bytes: one head kept");
        reads.set(0);
        AdapterMeta single =
                ExtraTensors.resolve(OutputMeta.of(x.times(3).truncate(1).node()));
        assertTrue(single.extras().containsKey("classifier.weight"));
        assertEquals(0, reads.get(), "a unary chain keeps its input's head without reading it");
    }

    @Test
    void contestedKeysKeepTheInputsOrderSoWarningsAndKeptHeadsComeInOneOrder() {
        // Map.copyOf iterated in an order salted per JVM: the same merge warned in another order on every run
        List<String> keys = new ArrayList<>();
        Map<String, TensorRef> xs = new LinkedHashMap<>();
        Map<String, TensorRef> ys = new LinkedHashMap<>();
        for (int i = 0; i < 24; i++) {
            String key = "head." + ((i * 7) % 24) + ".weight";
            keys.add(key);
            Tensor t = Tensor.ofDoubles(DType.F32, new long[] {1, 2}, new double[] {i, 1});
            xs.put(key, TensorRef.of(t));
            // every third key the same bytes in both inputs (kept), the others differ (dropped)
            Tensor other = Tensor.ofDoubles(DType.F32, new long[] {1, 2}, new double[] {i, i % 3 == 0 ? 1 : 2});
            ys.put(key, TensorRef.of(other));
        }
        var x = Lora.from(withExtras("x", 1, xs));
        var y = Lora.from(withExtras("y", 2, ys));
        OutputMeta meta = OutputMeta.of(x.plus(y).node());
        assertEquals(keys, List.copyOf(meta.contested().keySet()), "contested keys in the inputs' order");
        List<String> kept = keys.stream().filter(k -> keys.indexOf(k) % 3 == 0).toList();
        assertEquals(kept, List.copyOf(ExtraTensors.resolve(meta).extras().keySet()), "kept heads in that order");
    }

    private static InMemoryAdapter withExtras(String label, long seed, Map<String, TensorRef> extras) {
        InMemoryAdapter a = TestAdapters.random(label, seed, TestAdapters.shapes(2));
        return new InMemoryAdapter(
                label,
                a.type().baseModel().orElse(null),
                a.meta().withExtras(extras),
                a.type().names().stream().collect(Collectors.toMap(n -> n, a::read)));
    }
}
