package org.loralgebra.stdlib.merge;

import java.util.Optional;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.exec.RowMajorProduct;
import org.loralgebra.exec.SpanHint;

/**
 * The dense updates δᵢ = sᵢBᵢAᵢ of the present inputs of one module, recomputed from their factors block of rows by
 * block of rows (the same values every time), never held whole.
 */
final class UpdateRows implements StreamedCombination.Rows {
    private final RowMajorProduct[] updates;
    private final double[][] b;
    private final double[][] a;
    private final int[] ranks;

    private UpdateRows(RowMajorProduct[] updates, double[][] b, double[][] a, int[] ranks) {
        this.updates = updates;
        this.b = b;
        this.a = a;
        this.ranks = ranks;
    }

    /** The updates of the present inputs, {@code cols} columns each. */
    static UpdateRows of(Backend be, Present p, int cols) {
        int n = p.size();
        RowMajorProduct[] updates = new RowMajorProduct[n];
        double[][] b = new double[n][];
        double[][] a = new double[n][];
        int[] ranks = new int[n];
        for (int j = 0; j < n; j++) {
            ModuleFactors f = p.factors().get(j);
            ranks[j] = f.spec().rank();
            b[j] = be.toRowMajor(f.b());
            a[j] = be.toRowMajor(f.a());
            updates[j] = RowMajorProduct.of(ranks[j], cols, b[j], a[j], f.scale());
        }
        return new UpdateRows(updates, b, a, ranks);
    }

    /**
     * Where a merge of these updates has its top singular vectors: near the span of their factors, [B₁ … Bₙ] on the
     * left and [A₁; …; Aₙ] on the right (TIES' and DARE's masks perturb each update; they do not move its spectrum
     * far); empty when every rank is 0.
     */
    Optional<SpanHint> span(int rows, int cols) {
        int width = 0;
        for (int r : ranks) {
            width += r;
        }
        if (width == 0) {
            return Optional.empty();
        }
        double[] left = new double[Math.multiplyExact(rows, width)];
        double[] right = new double[Math.multiplyExact(width, cols)];
        int at = 0;
        for (int j = 0; j < updates.length; j++) {
            int r = ranks[j];
            for (int i = 0; i < rows; i++) {
                System.arraycopy(b[j], i * r, left, i * width + at, r);
            }
            System.arraycopy(a[j], 0, right, at * cols, r * cols);
            at += r;
        }
        return Optional.of(new SpanHint(rows, cols, width, left, right));
    }

    /** The number of inputs. */
    int count() {
        return updates.length;
    }

    @Override
    public void rows(int i, int from, int to, double[] dst) {
        updates[i].rows(from, to, dst);
    }

    /** Rows per block for {@code cols} columns: about 32 K values, so a block of every input stays in cache. */
    static int blockRows(int rows, int cols) {
        return Math.max(1, Math.min(rows, (32 << 10) / Math.max(1, cols)));
    }
}
