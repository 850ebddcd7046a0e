package org.loralgebra.stdlib.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.SaveOptions;
import org.loralgebra.exec.Roots;
import org.loralgebra.graph.ModuleFilter;
import org.loralgebra.lang.Rank;
import org.loralgebra.lang.Side;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.stdlib.bake.Bake;
import org.loralgebra.stdlib.cluster.Cluster;
import org.loralgebra.stdlib.merge.Merge;
import org.loralgebra.stdlib.route.RouteWorkload;

/**
 * The benchmark's operations on the language core, each doing what the numpy peer's op of the same name does
 * (bench/README.md): same inputs, same result rank, results materialized (eval) so nothing lazy is left out.
 */
public final class StandardOps {
    /** Rank of merged results and of the removed subspace, as in the peer's {@code --rank}. */
    public static final int RANK = 16;

    private StandardOps() {}

    /** Opens the adapter and reads every module into backend matrices. */
    public static BenchOp load() {
        return BenchOp.whole("load", 1, (in, scratch) -> () -> {
            Roots roots = new Roots();
            roots.factors(Lora.load(in.get(0)).node());
            Lora.evaluate(roots, (m, v) -> {});
        });
    }

    /** Singular values of every module, factored. */
    public static BenchOp spectrum() {
        return BenchOp.whole("spectrum", 1, (in, scratch) -> {
            Adapter a = Lora.load(in.get(0));
            return () -> a.spectrum().values();
        });
    }

    /** (a + b) truncated back to rank 16. */
    public static BenchOp plusTruncate() {
        return BenchOp.whole("plus_truncate", 2, (in, scratch) -> {
            Adapter x = Lora.load(in.get(0)).plus(Lora.load(in.get(1))).truncate(Rank.of(RANK));
            return x::eval;
        });
    }

    /** a with b's top-16 output subspace removed. */
    public static BenchOp project() {
        return BenchOp.whole("project", 2, (in, scratch) -> {
            Adapter x = Lora.load(in.get(0)).project(Lora.load(in.get(1)), Side.OUTPUT, RANK);
            return x::eval;
        });
    }

    /**
     * Writes the (precomputed) plus_truncate result as a new PEFT folder, a fresh one each repetition as the peer
     * does (nothing replaced, nothing deleted while timed); the folders of an earlier run are removed untimed.
     */
    public static BenchOp save() {
        return BenchOp.whole("save", 2, (in, scratch) -> {
            Adapter result = Lora.load(in.get(0))
                    .plus(Lora.load(in.get(1)))
                    .truncate(Rank.of(RANK))
                    .eval();
            Path root = scratch.resolve("saved");
            deleteRecursively(root);
            AtomicInteger count = new AtomicInteger();
            return () -> result.save(root.resolve("out-" + count.incrementAndGet()), SaveOptions.defaults());
        });
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * PEFT's ties_svd of three adapters (density 0.5, total sign election, rank 16): dense, so sampled, on as many
     * modules at once as the engine computes at once.
     */
    public static BenchOp tiesSvd() {
        return BenchOp.sampledInParallel("ties_svd", 3, (in, scratch, modules) -> {
            List<Adapter> inputs = in.stream()
                    .map(p -> Lora.load(p).select(ModuleFilter.names(Set.copyOf(modules))))
                    .toList();
            Adapter merged =
                    Merge.of(inputs).method("ties_svd").density(0.5).rank(RANK).adapter();
            return merged::eval;
        });
    }

    /** LoRA-LEGO clustering of 4 adapters into k = 16 (10 Lloyd iterations and parameter reweighting, as the peer). */
    public static BenchOp cluster() {
        return BenchOp.whole("cluster", 4, (in, scratch) -> {
            Adapter merged = Cluster.of(in.stream().map(Lora::load).toList())
                    .k(RANK)
                    .iterations(10)
                    .adapter();
            return merged::eval;
        });
    }

    /** Routing a batch of 4096 tokens through 8 adapters, top-2, every module (gates and batches drawn untimed). */
    public static BenchOp route() {
        return BenchOp.whole("route", 8, (in, scratch) -> {
            RouteWorkload w = RouteWorkload.prepare(in.stream().map(Lora::load).toList(), 4096, 2, 0);
            return w::run;
        });
    }

    /**
     * The adapter baked into a base model ({@code lora bake}): one module per shape, each into a base checkpoint
     * holding only its F16 weight ({@link SyntheticBases}, written untimed), read, updated W + s·B·A, written as a new
     * durable folder; sampled and extrapolated by shape (a whole Llama-2-7B base is 13 GB).
     */
    public static BenchOp bake() {
        return BenchOp.sampled("bake", 1, (in, scratch, module) -> {
            Adapter adapter = Lora.load(in.get(0)).select(ModuleFilter.names(Set.of(module)));
            ModuleSpec spec = adapter.type().modules().get(module);
            Path base = SyntheticBases.of(scratch, new SyntheticAdapters.Shape(module, spec.out(), spec.in()));
            Path root = scratch.resolve("baked");
            deleteRecursively(root);
            AtomicInteger count = new AtomicInteger();
            // named by module: the samples of every shape are prepared before any is timed
            return () -> Bake.of(base, adapter).save(root.resolve(module + "-" + count.incrementAndGet()));
        });
    }

    /** Every operation, in the order the report lists them. */
    public static List<BenchOp> all() {
        return List.of(load(), spectrum(), plusTruncate(), tiesSvd(), cluster(), project(), route(), save(), bake());
    }
}
