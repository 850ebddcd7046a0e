package org.loralgebra.stdlib.route;

import java.util.List;
import org.loralgebra.exec.Engine;
import org.loralgebra.lang.LoraException;
import org.loralgebra.lang.Precision;

/**
 * A gate made ready for one module: its parameters on the device, checked against the module's experts.
 * {@link #score} gives the {@code [tokens, experts]} scores and, when asked or when the gate needs them (FlyLoRA's
 * router is the experts' A), the projections {@code P = X·A_catᵀ}. When both are needed, the gate's rows are
 * stacked on A_cat so that one product reads the batch once: {@code X·[W; A_cat]ᵀ = [X·Wᵀ | P]}.
 */
final class GateScores {
    private final Gate gate;
    private final int experts;
    /** W, the centroids or Arrow's prototypes [E, in]; null for the implicit router. */
    private final RouteKernels.Array rows;

    private final RouteKernels.Array bias;
    /** [rows; A_cat] [E + Σr, in]; for the implicit router, A_cat. */
    private final RouteKernels.Array stacked;

    /** Scores [tokens, experts] and, if computed, the projections [tokens, Σr] (else null). */
    record Scored(RouteKernels.Array scores, RouteKernels.Array projections) {}

    private GateScores(
            Gate gate, int experts, RouteKernels.Array rows, RouteKernels.Array bias, RouteKernels.Array stacked) {
        this.gate = gate;
        this.experts = experts;
        this.rows = rows;
        this.bias = bias;
        this.stacked = stacked;
    }

    /** Arrow's prototypes [experts, in] as uploaded (F64), for {@link ModuleRoute#prototypes}. */
    RouteKernels.Array rows() {
        return rows;
    }

    /**
     * Uploads the gate's parameters after checking they fit the experts (Arrow's prototypes are computed here).
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
        RouteKernels.Array rows = null;
        RouteKernels.Array bias = null;
        if (gate instanceof LinearGate g) {
            rows = RouteKernels.upload(g.weight(), precision);
            bias = g.bias()
                    .map(t -> RouteKernels.upload(t.reshape(1, t.dim(0)), precision))
                    .orElse(null);
        } else if (gate instanceof PrototypeGate g) {
            rows = RouteKernels.upload(g.centroids(), precision);
        } else if (gate instanceof ArrowGate g) {
            rows = RouteKernels.upload(ArrowPrototypes.of(Engine.current().backend(), experts.factors, g), precision);
        }
        RouteKernels.Array stacked = rows == null ? experts.aCat : RouteKernels.stackRows(List.of(rows, experts.aCat));
        return new GateScores(gate, experts.experts(), rows, bias, stacked);
    }

    /**
     * The scores of a batch {@code x}, with the projections when {@code projections} is set (always for the
     * implicit router).
     */
    Scored score(RouteKernels.Array x, ExpertFactors factors, boolean rankExperts, boolean projections) {
        if (gate instanceof FlyGate) {
            RouteKernels.Array p = RouteKernels.project(x, factors.aCat);
            return new Scored(rankExperts ? RouteKernels.abs(p) : RouteKernels.blockNorms(p, factors.offsets), p);
        }
        RouteKernels.Array raw;
        RouteKernels.Array p = null;
        if (projections) {
            RouteKernels.Array both = RouteKernels.project(x, stacked);
            raw = RouteKernels.columnBlock(both, 0, experts);
            p = RouteKernels.columnBlock(both, experts, both.cols());
        } else {
            raw = RouteKernels.project(x, rows);
        }
        RouteKernels.Array scores;
        if (gate instanceof LinearGate) {
            scores = RouteKernels.addBias(raw, bias);
        } else if (gate instanceof ArrowGate g) {
            scores = RouteKernels.absScaled(raw, 1.0 / g.temperature());
        } else {
            scores = RouteKernels.cosine(raw, x, rows);
        }
        return new Scored(scores, p);
    }
}
