package org.loralgebra.stdlib.merge;

import org.loralgebra.exec.Backend;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.exec.RowMajorProduct;

/**
 * The dense updates δᵢ = sᵢBᵢAᵢ of the present inputs of one module, recomputed from their factors block of rows by
 * block of rows (the same values every time), never held whole.
 */
final class UpdateRows implements StreamedCombination.Rows {
    private final RowMajorProduct[] updates;

    private UpdateRows(RowMajorProduct[] updates) {
        this.updates = updates;
    }

    /** The updates of the present inputs, {@code cols} columns each. */
    static UpdateRows of(Backend be, Present p, int cols) {
        int n = p.size();
        RowMajorProduct[] updates = new RowMajorProduct[n];
        for (int j = 0; j < n; j++) {
            ModuleFactors f = p.factors().get(j);
            updates[j] =
                    RowMajorProduct.of(f.spec().rank(), cols, be.toRowMajor(f.b()), be.toRowMajor(f.a()), f.scale());
        }
        return new UpdateRows(updates);
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
