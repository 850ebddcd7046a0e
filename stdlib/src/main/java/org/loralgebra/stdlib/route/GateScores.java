package org.loralgebra.stdlib.route;

import org.loralgebra.LoraException;
import org.loralgebra.exec.Precision;

/**
 * A gate made ready for one module: its parameters on the device, checked against the module's experts.
 * {@link #score} gives the {@code [tokens, experts]} scores and, when the gate had to compute them anyway,
 * the projections {@code X·A_catᵀ} (FlyLoRA's router is the experts' A), so execution can reuse them.
 */
final class GateScores {
    private final Gate gate;
    private final RouteKernels.Array weight;
    private final RouteKernels.Array bias;

    /** Scores and, for the implicit router, the projections it computed (else null). */
    record Scored(RouteKernels.Array scores, RouteKernels.Array projections) {
    }

    private GateScores(Gate gate, RouteKernels.Array weight, RouteKernels.Array bias) {
        this.gate = gate;
        this.weight = weight;
        this.bias = bias;
    }

    /**
     * Uploads the gate's parameters after checking they fit the experts.
     *
     * @throws LoraException naming the gate, module and both sizes when they disagree
     */
    static GateScores prepare(Gate gate, ExpertFactors experts, boolean rankExperts, Precision precision) {
        String what = rankExperts ? "ranks" : "experts";
        if (gate.experts() != 0 && gate.experts() != experts.experts()) {
            throw new LoraException("gate " + gate.describe() + " scores " + gate.experts() + " " + what
                    + ", but module '" + experts.module + "' has " + experts.experts() + " " + what
                    + (rankExperts ? " (its rank)" : " (" + String.join(", ", experts.labels) + ")"));
        }
        if (gate.in() != 0 && gate.in() != experts.in) {
            throw new LoraException("gate " + gate.describe() + " reads " + gate.in() + " input features, but module '"
                    + experts.module + "' takes " + experts.in);
        }
        if (gate instanceof LinearGate g) {
            RouteKernels.Array w = RouteKernels.upload(g.weight(), precision);
            RouteKernels.Array b = g.bias().map(t -> RouteKernels.upload(t.reshape(1, t.dim(0)), precision))
                    .orElse(null);
            return new GateScores(gate, w, b);
        }
        if (gate instanceof PrototypeGate g) {
            return new GateScores(gate, RouteKernels.upload(g.centroids(), precision), null);
        }
        return new GateScores(gate, null, null);
    }

    /** The scores of a batch {@code x}. */
    Scored score(RouteKernels.Array x, ExpertFactors experts, boolean rankExperts) {
        if (gate instanceof LinearGate) {
            return new Scored(RouteKernels.linearScores(x, weight, bias), null);
        }
        if (gate instanceof PrototypeGate) {
            return new Scored(RouteKernels.cosineScores(x, weight), null);
        }
        RouteKernels.Array p = RouteKernels.project(x, experts.aCat);
        return new Scored(rankExperts ? RouteKernels.abs(p) : RouteKernels.blockNorms(p, experts.offsets), p);
    }
}
