package org.loralgebra.stdlib.bench;

import java.nio.file.Path;
import java.util.List;

import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.Rank;
import org.loralgebra.Side;

/**
 * The benchmark's operations on the language core, each doing what the numpy peer's op of the same name does
 * (bench/README.md): same inputs, same result rank, results materialized (eval) so nothing lazy is left out.
 */
public final class StandardOps {
    /** Rank of merged results and of the removed subspace, as in the peer's {@code --rank}. */
    public static final int RANK = 16;

    private StandardOps() {
    }

    /** Opens the adapter and reads every module into backend matrices. */
    public static BenchOp load() {
        return new BenchOp("load", 1, (in, scratch) -> () -> Lora.evaluate(List.of(Lora.load(in.get(0)).node()),
                (m, v) -> { }));
    }

    /** Singular values of every module, factored. */
    public static BenchOp spectrum() {
        return new BenchOp("spectrum", 1, (in, scratch) -> {
            Adapter a = Lora.load(in.get(0));
            return () -> a.spectrum().values();
        });
    }

    /** (a + b) truncated back to rank 16. */
    public static BenchOp plusTruncate() {
        return new BenchOp("plus_truncate", 2, (in, scratch) -> {
            Adapter x = Lora.load(in.get(0)).plus(Lora.load(in.get(1))).truncate(Rank.of(RANK));
            return x::eval;
        });
    }

    /** a with b's top-16 output subspace removed. */
    public static BenchOp project() {
        return new BenchOp("project", 2, (in, scratch) -> {
            Adapter x = Lora.load(in.get(0)).project(Lora.load(in.get(1)), Side.OUTPUT, RANK);
            return x::eval;
        });
    }

    /** Writes the (precomputed) plus_truncate result as a new PEFT folder. */
    public static BenchOp save() {
        return new BenchOp("save", 2, (in, scratch) -> {
            Adapter result = Lora.load(in.get(0)).plus(Lora.load(in.get(1))).truncate(Rank.of(RANK)).eval();
            Path out = scratch.resolve("saved");
            return () -> result.save(out.toString());
        });
    }

    /** The core's operations. */
    public static List<BenchOp> all() {
        return List.of(load(), spectrum(), plusTruncate(), project(), save());
    }
}
