package org.loralgebra.stdlib.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.lang.Rank;

/**
 * Scaling sweeps on one Llama layer (7 modules): time and peak memory of merging (the sum of the inputs
 * truncated to rank 16) and of the other multi-adapter operations given, against rank (8, 16, 64, 256) with two
 * adapters, and against the number of adapters (2, 8, 32) at rank 16.
 */
final class Scaling {
    static final int[] RANKS = {8, 16, 64, 256};
    static final int[] COUNTS = {2, 8, 32};

    private Scaling() {}

    static List<BenchReport.ScalingPoint> run(Bench.Options o, List<BenchOp> ops, Path scratch, Consumer<String> log) {
        List<BenchOp> multi = new ArrayList<>();
        multi.add(merge());
        ops.stream().filter(op -> op.name().equals("cluster")).forEach(multi::add);
        List<BenchReport.ScalingPoint> points = new ArrayList<>();
        for (int rank : RANKS) {
            List<Path> in = adapters(o, rank, 2);
            for (BenchOp op : multi) {
                log.accept("scaling: " + op.name() + " rank " + rank);
                points.add(point(op, in, rank, scratch, o));
            }
        }
        for (int count : COUNTS) {
            List<Path> in = adapters(o, 16, count);
            for (BenchOp op : multi) {
                log.accept("scaling: " + op.name() + " × " + count);
                points.add(point(op, in, 16, scratch, o));
            }
        }
        return points;
    }

    private static List<Path> adapters(Bench.Options o, int rank, int count) {
        List<Path> in = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            in.add(o.adapter(1, rank, 100 + i));
        }
        return in;
    }

    private static BenchReport.ScalingPoint point(
            BenchOp op, List<Path> inputs, int rank, Path scratch, Bench.Options o) {
        BenchOp all = new BenchOp(op.name(), inputs.size(), op.preparer(), BenchOp.Sampling.WHOLE);
        OpResult r =
                Bench.measure(all, inputs, scratch, 1, 0, Math.max(3, o.reps() / 2)); // after the ops: the JIT is warm
        return new BenchReport.ScalingPoint(
                op.name(), rank, inputs.size(), r.ours(), r.rssGrowthBytes().orElse(-1));
    }

    /** Σ inputs, truncated to rank 16: the factored merge (PEFT's svd type with weights 1). */
    static BenchOp merge() {
        return BenchOp.whole("merge", 2, (in, scratch) -> {
            Adapter sum = Lora.load(in.get(0));
            for (Path p : in.subList(1, in.size())) {
                sum = sum.plus(Lora.load(p));
            }
            Adapter x = sum.truncate(Rank.of(StandardOps.RANK));
            return x::eval;
        });
    }
}
