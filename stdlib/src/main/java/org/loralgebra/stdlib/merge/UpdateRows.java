package org.loralgebra.stdlib.merge;

import org.loralgebra.exec.Backend;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.exec.RowMajorProduct;

/**
 * The dense updates δᵢ = sᵢBᵢAᵢ of the present inputs of one module, recomputed from their factors block of rows by
 * block of rows (the same values every time), never held whole.
 */
final class UpdateRows implements StreamedCombination.Rows {
    private final int cols;
    private final double[][] bs;
    private final double[][] as;
    private final int[] ranks;
    private final double[] scales;

    private UpdateRows(int cols, double[][] bs, double[][] as, int[] ranks, double[] scales) {
        this.cols = cols;
        this.bs = bs;
        this.as = as;
        this.ranks = ranks;
        this.scales = scales;
    }

    /** The updates of the present inputs, {@code cols} columns each. */
    static UpdateRows of(Backend be, Present p, int cols) {
        int n = p.size();
        double[][] bs = new double[n][];
        double[][] as = new double[n][];
        int[] ranks = new int[n];
        double[] scales = new double[n];
        for (int j = 0; j < n; j++) {
            ModuleFactors f = p.factors().get(j);
            bs[j] = be.toRowMajor(f.b());
            as[j] = be.toRowMajor(f.a());
            ranks[j] = f.spec().rank();
            scales[j] = f.scale();
        }
        return new UpdateRows(cols, bs, as, ranks, scales);
    }

    /** The number of inputs. */
    int count() {
        return bs.length;
    }

    @Override
    public void rows(int i, int from, int to, double[] dst) {
        RowMajorProduct.rows(ranks[i], cols, bs[i], as[i], scales[i], from, to, dst);
    }

    /** Rows per block for {@code cols} columns: about 32 K values, so a block of every input stays in cache. */
    static int blockRows(int rows, int cols) {
        return Math.max(1, Math.min(rows, (32 << 10) / Math.max(1, cols)));
    }
}
