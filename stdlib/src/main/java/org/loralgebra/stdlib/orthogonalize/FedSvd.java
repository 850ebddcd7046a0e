package org.loralgebra.stdlib.orthogonalize;

import org.loralgebra.Adapter;
import org.loralgebra.lang.Rank;
import org.loralgebra.lang.Split;

/**
 * FedSVD re-factorization (Lee et al. 2025, "FedSVD: Adaptive Orthogonalization for Private Federated Learning
 * with LoRA"): per module, {@code s·B·A = U·S·Vᵀ}, then {@code A' = Vᵀ} (orthonormal rows, {@code A'A'ᵀ = I})
 * and {@code B' = U·S/s}. The update is unchanged: nothing is truncated (every singular value is kept, zeros
 * included, so each module keeps its rank), only the factors change. The adapter's scale s is kept.
 *
 * <p>Lazy, and built on {@code truncate} with {@link Split#ALL_ON_B}: on a sum (FedSVD's server step
 * re-factors the aggregate {@code Σ Bᵢ·Aᵢ}) the planner fuses it into one QR-concat-SVD over the terms' factors.
 */
public final class FedSvd {
    private FedSvd() {}

    /** The same update with A' = Vᵀ (orthonormal rows) and B' = U·S. */
    public static Adapter refactor(Adapter adapter) {
        return adapter.truncate(Rank.of(Integer.MAX_VALUE), Split.ALL_ON_B);
    }
}
