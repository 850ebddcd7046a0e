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
    private final RouteArrays arrays;
    private final Gate gate;
    private final int experts;
    /** W, the centroids or Arrow's prototypes [E, in]; null for the implicit router. */
    private final RouteArrays.Array rows;

    private final RouteArrays.Array bias;
    /** [rows; A_cat] [E + Σr, in]; for the implicit router, A_cat. */
    private final RouteArrays.Array stacked;

    /** Scores [tokens, experts] and, if computed, the projections [tokens, Σr] (else null). */
    record Scored(RouteArrays.Array scores, RouteArrays.Array projections) {}

    private GateScores(
            RouteArrays arrays,
            Gate gate,
            int experts,
            RouteArrays.Array rows,
            RouteArrays.Array bias,
            RouteArrays.Array stacked) {
        this.arrays = arrays;
        this.gate = gate;
        this.experts = experts;
        this.rows = rows;
        this.bias = bias;
        this.stacked = stacked;
    }

    /** Arrow's prototypes [experts, in] as uploaded (F64), for {@link ModuleRoute#prototypes}. */
    RouteArrays.Array rows() {
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
        RouteArrays arrays = experts.arrays;
        RouteArrays.Array rows = null;
        RouteArrays.Array bias = null;
        if (gate instanceof LinearGate g) {
            rows = arrays.upload(g.weight(), precision);
            bias = g.bias()
                    .map(t -> arrays.upload(t.reshape(1, t.dim(0)), precision))
                    .orElse(null);
        } else if (gate instanceof PrototypeGate g) {
            rows = arrays.upload(g.centroids(), precision);
        } else if (gate instanceof ArrowGate g) {
            rows = arrays.upload(ArrowPrototypes.of(Engine.current().backend(), experts.factors, g), precision);
        }
        RouteArrays.Array stacked = rows == null ? experts.aCat : arrays.stackRows(List.of(rows, experts.aCat));
        return new GateScores(arrays, gate, experts.experts(), rows, bias, stacked);
    }

    /**
     * The scores of a batch {@code x}, with the projections when {@code projections} is set (always for the
     * implicit router).
     */
    Scored score(RouteArrays.Array x, ExpertFactors factors, boolean rankExperts, boolean projections) {
        if (gate instanceof FlyGate) {
            RouteArrays.Array p = arrays.project(x, factors.aCat);
            return new Scored(rankExperts ? arrays.abs(p) : arrays.blockNorms(p, factors.offsets), p);
        }
        RouteArrays.Array raw;
        RouteArrays.Array p = null;
        if (projections) {
            RouteArrays.Array both = arrays.project(x, stacked);
            raw = arrays.columnBlock(both, 0, experts);
            p = arrays.columnBlock(both, experts, both.cols());
        } else {
            raw = arrays.project(x, rows);
        }
        RouteArrays.Array scores;
        if (gate instanceof LinearGate) {
            scores = arrays.addBias(raw, bias);
        } else if (gate instanceof ArrowGate g) {
            scores = arrays.absScaled(raw, 1.0 / g.temperature());
        } else {
            scores = arrays.cosine(raw, x, rows);
        }
        return new Scored(scores, p);
    }
}
