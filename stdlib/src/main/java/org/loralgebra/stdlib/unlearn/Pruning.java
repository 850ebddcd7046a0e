package org.loralgebra.stdlib.unlearn;

import java.util.Locale;
import java.util.Optional;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Matrix;
import org.loralgebra.exec.ModuleSvd;
import org.loralgebra.lang.LoraException;

/**
 * How rank-dimension pruning chooses which singular directions of the forget update the unlearning update
 * removes (MAAT phase 2 in weight space): each of the update's nonzero singular directions
 * {@code σᵢ·uᵢ·vᵢᵀ} gets a score and the {@code pruneRank} highest-scoring ones are kept in the update that is
 * negated; ties go to the direction with the larger singular value.
 *
 * <p>This is also the extension point for the gradient-based phase MAAT runs with a model and data: a
 * {@code Pruning} whose scores come from the forget set's gradient (for example {@code |uᵢᵀ·G_f·vᵢ|} with G_f the
 * gradient of the forget loss for the module's weight) plugs in here. Implement it as a record so that equal
 * prunings are equal values.
 */
public interface Pruning {
    /** One word for plans and reports. */
    String describe();

    /**
     * Scores for the first {@code directions} singular directions of {@code forget} (all with σ > 0), higher
     * means removed first. {@code retainBasis} is an orthonormal basis [out, K] of the retain adapter's top-K
     * output subspace for this module, when there is one.
     */
    double[] scores(Backend backend, ModuleSvd forget, int directions, Optional<Matrix> retainBasis);

    /** The directions carrying most of the forget update's energy (largest σ): where its task lives. */
    static Pruning energy() {
        return new Energy();
    }

    /** The directions whose output vectors overlap the retain subspace least ({@code ‖Qᵀuᵢ‖²} smallest): safest to remove. */
    static Pruning leastRetainOverlap() {
        return new LeastRetainOverlap();
    }

    /** Parses {@code energy} or {@code least-overlap} (any case). */
    static Pruning parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "energy" -> energy();
            case "least-overlap", "least_overlap", "least-retain-overlap" -> leastRetainOverlap();
            default -> throw new LoraException("pruning must be energy or least-overlap, got '" + text + "'");
        };
    }

    /** Score σᵢ². */
    record Energy() implements Pruning {
        @Override
        public String describe() {
            return "energy";
        }

        @Override
        public double[] scores(Backend backend, ModuleSvd forget, int directions, Optional<Matrix> retainBasis) {
            double[] s = forget.s();
            double[] out = new double[directions];
            for (int i = 0; i < directions; i++) {
                out[i] = s[i] * s[i];
            }
            return out;
        }
    }

    /** Score −‖Qᵀuᵢ‖² (Q: the retain basis; without one every score is 0 and energy order decides). */
    record LeastRetainOverlap() implements Pruning {
        @Override
        public String describe() {
            return "least-overlap";
        }

        @Override
        public double[] scores(Backend backend, ModuleSvd forget, int directions, Optional<Matrix> retainBasis) {
            double[] out = new double[directions];
            if (retainBasis.isEmpty()) {
                return out;
            }
            Matrix u = backend.columns(forget.u(), 0, directions);
            double[] qu = backend.toRowMajor(backend.matmul(retainBasis.get(), true, u, false));
            for (int k = 0; k < qu.length; k++) {
                out[k % directions] -= qu[k] * qu[k];
            }
            return out;
        }
    }
}
