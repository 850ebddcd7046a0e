package org.loralgebra.stdlib.merge;

import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.exec.SpanHint;
import org.loralgebra.lang.Rank;
import org.loralgebra.model.ModuleSpec;

/**
 * The best rank-k approximation of a merged update given by its rows (asked for once, in increasing order), as the
 * dense merges end: with a rank known in advance (a fixed rank, or PEFT's default, the largest input rank) only the
 * top triplets of the streamed rows; with one chosen from the spectrum, the full SVD of the gathered update.
 */
final class RowsSvd {
    private RowsSvd() {}

    /**
     * The factors of the rank-k SVD of the {@code out.out() × out.in()} update whose rows {@code merged} gives; the top
     * triplets' iteration starts from {@code span} (the inputs' factors) where there is one.
     */
    static ModuleFactors of(
            Backend be,
            ModuleSpec out,
            Backend.RowFill merged,
            Optional<Rank> rank,
            int defaultRank,
            OptionalDouble clamp,
            Optional<SpanHint> span) {
        int rows = out.out();
        int cols = out.in();
        int full = Math.min(rows, cols);
        OptionalInt known = knownRank(rank, defaultRank, full);
        Backend.Svd svd;
        if (known.isPresent()) {
            int k = known.getAsInt();
            svd = span.map(h -> be.topSvdOfRows(rows, cols, merged, k, h))
                    .orElseGet(() -> be.topSvdOfRows(rows, cols, merged, k));
        } else {
            svd = be.svd(be.fromRowMajor(rows, cols, whole(rows, cols, merged)));
        }
        double[] s = svd.s();
        int k = known.isPresent()
                ? known.getAsInt()
                : Math.max(1, Math.min(rank.orElseThrow().choose(out.name(), s), s.length));
        return SvdFactors.of(be, out, svd.u(), s, svd.vt(), k, clamp);
    }

    /**
     * Every row of a row source, in one array, asked for in blocks of about 32 K values: a streamed merge keeps a block
     * of every input per block asked for, so one request for all rows would hold every input whole.
     */
    private static double[] whole(int rows, int cols, Backend.RowFill fill) {
        double[] all = new double[Math.multiplyExact(rows, cols)];
        int step = UpdateRows.blockRows(rows, cols);
        double[] block = new double[step * cols];
        for (int from = 0; from < rows; from += step) {
            int to = Math.min(rows, from + step);
            fill.rows(from, to, block);
            System.arraycopy(block, 0, all, from * cols, (to - from) * cols);
        }
        return all;
    }

    /**
     * The rank kept when it does not depend on the merged singular values: a fixed rank, or the default (PEFT's: the
     * largest input rank), at least 1 and at most {@code full}; empty for a rule that reads the spectrum.
     */
    static OptionalInt knownRank(Optional<Rank> rank, int defaultRank, int full) {
        if (rank.isEmpty()) {
            return OptionalInt.of(Math.max(1, Math.min(defaultRank, full)));
        }
        return rank.get() instanceof Rank.Fixed f
                ? OptionalInt.of(Math.max(1, Math.min(f.k(), full)))
                : OptionalInt.empty();
    }

    /** The rank of the result's type: the fixed or default rank, capped by min(out, in). */
    static int outputRank(ModuleSpec m, Optional<Rank> rank, int defaultRank) {
        int full = Math.min(m.out(), m.in());
        return Math.min(full, rank.map(r -> r.upperBound(m.name(), full)).orElse(defaultRank));
    }
}
