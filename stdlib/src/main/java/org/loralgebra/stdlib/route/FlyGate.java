package org.loralgebra.stdlib.route;

/**
 * FlyLoRA's implicit router (Zou et al. 2025): the experts' frozen A factors are the router. Rank j scores
 * {@code |a_jᵀx|}; an adapter expert i scores {@code ‖A_i x‖₂} (the norm of its block of {@code A_cat·x}, our
 * extension to adapter-level experts). The paper's reference takes |z|; one public version takes signed z — we
 * use |z| (see SPECS). No parameters; the selected experts pass with weight 1 by default.
 */
public record FlyGate() implements Gate {
    static final FlyGate INSTANCE = new FlyGate();

    @Override
    public int experts() {
        return 0;
    }

    @Override
    public int in() {
        return 0;
    }

    @Override
    public Weighting defaultWeighting(boolean rankExperts) {
        return Weighting.ONES;
    }

    @Override
    public String describe() {
        return "fly (implicit router)";
    }

    @Override
    public String toString() {
        return "Gate." + describe();
    }
}
