package org.loralgebra.io;

import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * How to read an adapter whose files do not say everything: the LoRA alpha (and optionally the rank) of a
 * PEFT folder that lacks {@code adapter_config.json}, a label for messages, the base model name. Immutable, like
 * every options value of the API: start from {@link #defaults()} and change what you need.
 *
 * <pre>{@code LoadOptions.defaults().withAlpha(16).withRank(8)}</pre>
 *
 * @param alpha     {@code lora_alpha} to use when the folder has no config
 * @param rank      the rank to expect when the folder has no config (checked against the tensors)
 * @param label     the label to use instead of the folder name
 * @param baseModel the base model name to use instead of the config's
 */
public record LoadOptions(OptionalDouble alpha, OptionalInt rank, Optional<String> label, Optional<String> baseModel) {
    private static final LoadOptions DEFAULTS =
            new LoadOptions(OptionalDouble.empty(), OptionalInt.empty(), Optional.empty(), Optional.empty());

    /**
     * Checks every setting.
     *
     * @throws IllegalArgumentException naming the setting: alpha must be positive and finite, rank positive
     */
    public LoadOptions {
        if (alpha.isPresent() && !(alpha.getAsDouble() > 0 && Double.isFinite(alpha.getAsDouble()))) {
            throw new IllegalArgumentException("alpha must be a positive finite number, got " + alpha.getAsDouble());
        }
        if (rank.isPresent() && rank.getAsInt() <= 0) {
            throw new IllegalArgumentException("rank must be positive, got " + rank.getAsInt());
        }
    }

    /** No overrides. */
    public static LoadOptions defaults() {
        return DEFAULTS;
    }

    /** The same with {@code lora_alpha} for a folder that has no config. */
    public LoadOptions withAlpha(double value) {
        return new LoadOptions(OptionalDouble.of(value), rank, label, baseModel);
    }

    /** The same expecting this rank where the folder has no config. */
    public LoadOptions withRank(int value) {
        return new LoadOptions(alpha, OptionalInt.of(value), label, baseModel);
    }

    /** The same labelled {@code value} in messages and plans. */
    public LoadOptions withLabel(String value) {
        return new LoadOptions(alpha, rank, Optional.of(value), baseModel);
    }

    /** The same declaring this base model name. */
    public LoadOptions withBaseModel(String value) {
        return new LoadOptions(alpha, rank, label, Optional.of(value));
    }
}
