package org.loralgebra.stdlib.route;

import java.util.Locale;

/**
 * A linear gate fitted by {@link Gate#fit}, with how the fit went: accuracy (top-1 expert equal to the label)
 * and mean cross-entropy on the training tokens, iterations run, and whether the gradient norm fell below the
 * tolerance.
 */
public record FittedGate(LinearGate gate, double trainingAccuracy, double loss, int iterations, boolean converged) {
    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "FittedGate[%d experts × %d, training accuracy %.2f%%, loss %.4g, " + "%d iterations%s]",
                gate.experts(),
                gate.in(),
                100 * trainingAccuracy,
                loss,
                iterations,
                converged ? ", converged" : "");
    }
}
