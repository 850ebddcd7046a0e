package org.loralgebra.stdlib.route;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.loralgebra.Adapter;
import org.loralgebra.lang.LoraException;

/**
 * Arrow routing (Ostapenko et al. 2024, "Towards Modular LLMs by Building and Reusing a Library of LoRAs"; PEFT's
 * {@code ArrowConfig}): training-free routing of a library of task adapters by their spectra. Each expert e has a
 * prototype {@code p_e}, the top right singular vector of its unscaled update {@code B_e·A_e} (sign irrelevant); a
 * token scores {@code s_e = |x·p_e| / T}, keeps its top k, and the kept experts are weighed by a softmax over
 * their scores (the default weighting), so {@code y = Σ_{e∈topk} softmax(s/T)_e · s_e' · B_e A_e x} with
 * {@code s_e'} each expert's scale. The input is not normalised.
 *
 * <p>Prototypes are exact: {@code B = Q_B R_B}, {@code Aᵀ = Q_A R_A}, the top right singular vector of the r×r
 * core {@code R_B R_Aᵀ} mapped back by {@code Q_A}; computed once per module when the route is
 * {@link Route#prepare prepared}. {@link #powerIterations} instead reproduces PEFT's approximation: N power
 * iterations {@code v ← Aᵀ(BᵀB)(A v) / ‖·‖} from a seeded Gaussian start (PEFT: 15, torch's generator).
 *
 * <p><b>GenKnowSub</b> (Belofsky et al. 2024, {@link #gks}): given general adapters {@code g_1..g_m} of the same
 * rank and shapes as the experts, every expert becomes {@code (B_i − B̄, A_i − Ā)} with {@code Ā, B̄} the means of
 * the general adapters' factors, factor by factor (so the update is {@code (B_i − B̄)(A_i − Ā)}, not
 * {@code ΔW_i − mean ΔW_g}); the prototypes and the routed mixture both use the subtracted factors, each expert
 * keeping its own scale.
 *
 * @param temperature     T &gt; 0, dividing the scores before the softmax (PEFT's {@code router_temperature}, 1)
 * @param general         the general adapters subtracted (GenKnowSub); empty for none
 * @param powerIterations 0 for exact prototypes; N &gt; 0 for PEFT's power iteration
 * @param seed            the seed of the power iteration's start vector
 */
public record ArrowGate(double temperature, List<Adapter> general, int powerIterations, long seed) implements Gate {
    /** PEFT's {@code router_temperature} default. */
    public static final double DEFAULT_TEMPERATURE = 1.0;
    /** PEFT's fixed number of power iterations. */
    public static final int PEFT_POWER_ITERATIONS = 15;

    static final ArrowGate DEFAULT = new ArrowGate(DEFAULT_TEMPERATURE, List.of(), 0, 0);

    /** Checks the parameters. */
    public ArrowGate {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new LoraException("arrow gate: temperature must be a positive finite number, got " + temperature);
        }
        general = List.copyOf(Objects.requireNonNull(general, "general"));
        if (powerIterations < 0) {
            throw new LoraException("arrow gate: power iterations must be ≥ 0 (0: exact), got " + powerIterations);
        }
    }

    /** The same gate with temperature T (scores divided by T before the softmax). */
    public ArrowGate temperature(double t) {
        return new ArrowGate(t, general, powerIterations, seed);
    }

    /** The same gate subtracting the mean factors of these general adapters from every expert (GenKnowSub). */
    public ArrowGate gks(Adapter... generalAdapters) {
        return gks(List.of(generalAdapters));
    }

    /** The same gate subtracting the mean factors of these general adapters from every expert (GenKnowSub). */
    public ArrowGate gks(List<Adapter> generalAdapters) {
        if (generalAdapters.isEmpty()) {
            throw new LoraException("arrow gate: GenKnowSub needs at least one general adapter");
        }
        return new ArrowGate(temperature, generalAdapters, powerIterations, seed);
    }

    /**
     * The same gate with prototypes by {@code n} power iterations from a Gaussian start drawn with {@code startSeed}
     * (PEFT's approximation; n = 0 restores the exact prototypes).
     */
    public ArrowGate powerIterations(int n, long startSeed) {
        return new ArrowGate(temperature, general, n, startSeed);
    }

    /** Whether general knowledge is subtracted. */
    public boolean subtractsGeneral() {
        return !general.isEmpty();
    }

    @Override
    public int experts() {
        return 0;
    }

    @Override
    public int in() {
        return 0;
    }

    /** Softmax over the kept scores, as Arrow defines it. */
    @Override
    public Weighting defaultWeighting(boolean rankExperts) {
        return Weighting.SOFTMAX;
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder("arrow (|x·p_e|");
        if (temperature != 1.0) {
            sb.append(" / ").append(String.format(Locale.ROOT, "%s", temperature));
        }
        sb.append(
                powerIterations == 0
                        ? ", exact prototypes"
                        : ", prototypes by " + powerIterations + " power iterations, seed " + seed);
        if (!general.isEmpty()) {
            sb.append(", GenKnowSub of ").append(general.size()).append(" general adapter");
            sb.append(general.size() == 1 ? "" : "s");
        }
        return sb.append(')').toString();
    }

    @Override
    public String toString() {
        return "Gate." + describe();
    }
}
