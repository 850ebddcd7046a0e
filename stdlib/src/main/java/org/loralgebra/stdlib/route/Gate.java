package org.loralgebra.stdlib.route;

import java.nio.file.Path;
import org.loralgebra.tensor.Tensor;

/**
 * Scores each token against each expert; a {@link Route} keeps each token's top k and weighs them with a
 * {@link Weighting}. The gates:
 * <ul>
 *   <li>{@link #linear}: logits {@code W·x + b} from a router trained elsewhere (a safetensors tensor), or one
 *       fitted here by softmax regression on labelled activations ({@link #fit}).</li>
 *   <li>{@link #fly}: FlyLoRA's implicit router — no parameters; rank j scores {@code |a_jᵀx|} (Zou et al. 2025,
 *       "FlyLoRA: Boosting Task Decoupling and Parameter Efficiency via Implicit Rank-Wise Mixture-of-Experts").
 *       For adapter experts each adapter scores the norm of its block, {@code ‖A_i x‖₂}.</li>
 *   <li>{@link #prototypes}: cosine of the token with each expert's centroid activation, supplied by the user
 *       or computed from labelled activations.</li>
 *   <li>{@link #arrow}: Arrow (Ostapenko et al. 2024) — {@code |x·p_e|} with {@code p_e} the top right singular
 *       vector of expert e's {@code B·A}, softmax over the kept scores; optionally GenKnowSub.</li>
 * </ul>
 */
public sealed interface Gate permits LinearGate, FlyGate, PrototypeGate, ArrowGate {
    /** A linear router: {@code weight [experts, in]} (torch's {@code nn.Linear} layout), no bias. */
    static LinearGate linear(Tensor weight) {
        return LinearGate.of(weight, null);
    }

    /** A linear router with a bias {@code [experts]}. */
    static LinearGate linear(Tensor weight, Tensor bias) {
        return LinearGate.of(weight, bias);
    }

    /** A linear router read from a safetensors file (see {@link LinearGate#read(Path)}). */
    static LinearGate linear(Path file) {
        return LinearGate.read(file);
    }

    /** FlyLoRA's implicit router: the experts' own A factors score the token; no parameters. */
    static FlyGate fly() {
        return FlyGate.INSTANCE;
    }

    /**
     * Arrow routing: exact prototypes from the experts' factors, temperature 1, no GenKnowSub; see
     * {@link ArrowGate#temperature}, {@link ArrowGate#gks}, {@link ArrowGate#powerIterations}.
     */
    static ArrowGate arrow() {
        return ArrowGate.DEFAULT;
    }

    /** Cosine to per-expert centroid activations {@code [experts, in]}. */
    static PrototypeGate prototypes(Tensor centroids) {
        return PrototypeGate.of(centroids);
    }

    /** Prototypes read from a safetensors file (see {@link PrototypeGate#read(Path)}). */
    static PrototypeGate prototypes(Path file) {
        return PrototypeGate.read(file);
    }

    /** Prototypes as the mean activation of each expert's labelled tokens. */
    static PrototypeGate prototypes(Activations x, int[] labels, int experts) {
        return PrototypeGate.fromLabelled(x, labels, experts);
    }

    /** A linear gate fitted by softmax regression on tokens labelled with their expert (default options). */
    static FittedGate fit(Activations x, int[] labels, int experts) {
        return SoftmaxGateFit.fit(x, labels, experts, FitOptions.defaults());
    }

    /** A linear gate fitted by softmax regression with the given options. */
    static FittedGate fit(Activations x, int[] labels, int experts, FitOptions options) {
        return SoftmaxGateFit.fit(x, labels, experts, options);
    }

    /**
     * A gate from its CLI spelling: {@code fly}, {@code arrow}, {@code proto:FILE} or {@code linear:FILE} (FILE a
     * safetensors file, relative to the working directory).
     */
    static Gate parse(String spec) {
        String s = spec.trim();
        if (s.equalsIgnoreCase("fly")) {
            return fly();
        }
        if (s.equalsIgnoreCase("arrow")) {
            return arrow();
        }
        int colon = s.indexOf(':');
        String kind = colon < 0 ? s : s.substring(0, colon);
        String file = colon < 0 ? "" : s.substring(colon + 1);
        if ((kind.equalsIgnoreCase("proto") || kind.equalsIgnoreCase("linear")) && file.isEmpty()) {
            throw new IllegalArgumentException(
                    "gate '" + spec + "': " + kind + " needs a file, as in " + kind + ":gate.safetensors");
        }
        if (kind.equalsIgnoreCase("proto")) {
            return prototypes(Path.of(file));
        }
        if (kind.equalsIgnoreCase("linear")) {
            return linear(Path.of(file));
        }
        throw new IllegalArgumentException(
                "unknown gate '" + spec + "': expected fly, arrow, proto:FILE or linear:FILE");
    }

    /**
     * Number of experts the gate scores, or 0 when it adapts to the route (the implicit router).
     */
    int experts();

    /** Input size the gate expects, or 0 when it adapts to the module. */
    int in();

    /**
     * The weighting used unless the route names one: softmax for a linear gate over adapters, SMoRA's
     * renormalized sigmoid for a linear gate over ranks, softmax for Arrow, ones for the other training-free gates.
     */
    Weighting defaultWeighting(boolean rankExperts);

    /** A one-line description, such as {@code linear[8 × 4096] from gate.safetensors}. */
    String describe();
}
