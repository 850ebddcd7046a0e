package org.loralgebra.stdlib.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.loralgebra.Dense;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Engine;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.exec.SpanHint;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.tensor.DType;

/** The inputs' dense updates row by row, and the span of their factors handed to the merge's SVD. */
class UpdateRowsTest {
    private final Backend be = Engine.current().backend();

    @Test
    void rowsAreEachScaledUpdateAndTheSpanStacksTheFactors() {
        Random rnd = new Random(12);
        int out = 11;
        int in = 7;
        int[] ranks = {3, 2};
        double[] scales = {2.0, -0.5};
        Dense.M[] b = new Dense.M[2];
        Dense.M[] a = new Dense.M[2];
        List<Optional<ModuleFactors>> inputs = new ArrayList<>();
        for (int j = 0; j < 2; j++) {
            b[j] = Dense.gaussian(rnd, out, ranks[j]);
            a[j] = Dense.gaussian(rnd, ranks[j], in);
            inputs.add(Optional.of(ModuleFactors.of(
                    ModuleSpec.linear("m", out, in, ranks[j], DType.F32),
                    be.fromRowMajor(out, ranks[j], b[j].v()),
                    be.fromRowMajor(ranks[j], in, a[j].v()),
                    scales[j])));
        }
        inputs.add(1, Optional.empty()); // an absent input is skipped
        UpdateRows rows = UpdateRows.of(be, Present.of(inputs), in);
        assertEquals(2, rows.count());
        Dense.M sum = Dense.zeros(out, in);
        for (int j = 0; j < 2; j++) {
            double[] got = new double[out * in];
            rows.rows(j, 0, out, got);
            // F32 factors: the reference reads them back from the backend, then multiplies in double here
            Dense.M bj = new Dense.M(out, ranks[j], be.toRowMajor(be.fromRowMajor(out, ranks[j], b[j].v())));
            Dense.M aj = new Dense.M(ranks[j], in, be.toRowMajor(be.fromRowMajor(ranks[j], in, a[j].v())));
            Dense.M expected = Dense.mul(bj, aj);
            double err = Dense.relError(new Dense.M(out, in, got), Dense.scale(expected, scales[j]));
            assertTrue(err < 1e-12, "input " + j + ": rows vs s·B·A, error " + err);
            sum = Dense.add(sum, expected, 1.0);
        }
        SpanHint span = rows.span(out, in).orElseThrow();
        assertEquals(5, span.width());
        // left·right = Σ BᵢAᵢ (unscaled): the stacked factors span what the updates span, each input's block in place
        Dense.M product = Dense.mul(new Dense.M(out, 5, span.left()), new Dense.M(5, in, span.right()));
        double err = Dense.relError(product, sum);
        assertTrue(err < 1e-12, "[B₁ B₂]·[A₁; A₂] vs B₁A₁ + B₂A₂, error " + err);
    }
}
