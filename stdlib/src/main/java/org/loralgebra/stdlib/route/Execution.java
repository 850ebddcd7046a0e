package org.loralgebra.stdlib.route;

/**
 * How a routed mixture is computed; all give the same output up to rounding.
 */
public enum Execution {
    /**
     * As multi-adapter servers do it (S-LoRA, Sheng et al. 2023; Punica's SGMV, Chen et al. 2023): the
     * (token, expert) pairs are grouped by expert, each expert gathers its tokens' rows and runs one product
     * through its A and one through its B on them (each at its own rank), scaled per row by gate weight times
     * scale, and the rows are scatter-added into the output. Work proportional to k on the B side, which writes the
     * wide output rows. On the A side, when the experts' ranks are small against the cost of copying token rows
     * ({@code Σr ≤ k·(64 + 2·r̄)}), or when the gate already computed it (FlyLoRA), one product {@code X·A_catᵀ}
     * replaces the gathers and each expert gathers its narrow rows of it. The default for adapter experts.
     */
    GROUPED,
    /**
     * One product through every expert's A ({@code P = X·A_catᵀ}), the unselected columns zeroed and the selected
     * ones scaled ({@code P ⊙ M}), one product through every B. E/k times the arithmetic of {@link #GROUPED} but no
     * gathers; the default for rank experts (a gathered product per rank would be a matrix–vector product), and
     * how SMoRA and FlyLoRA compute.
     */
    MASKED,
    /**
     * Every expert's update materialized, {@code ΔW_i = s_i·B_i·A_i}, and {@code Y = Σ_i diag(g_i)·X·ΔW_iᵀ}. For
     * checks on small modules: O(out·in) memory per expert and no low-rank savings.
     */
    DENSE
}
