package org.loralgebra.io;

import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * How to read an adapter whose files do not say everything: the LoRA alpha (and optionally the rank) of a
 * PEFT folder that lacks {@code adapter_config.json}, a label for messages, the base model name.
 *
 * <pre>{@code LoadOptions.builder().optAlpha(16).optRank(8).build()}</pre>
 */
public final class LoadOptions {
    private static final LoadOptions DEFAULTS = builder().build();

    private final Double alpha;
    private final Integer rank;
    private final String label;
    private final String baseModel;

    private LoadOptions(Builder b) {
        this.alpha = b.alpha;
        this.rank = b.rank;
        this.label = b.label;
        this.baseModel = b.baseModel;
    }

    /** No overrides. */
    public static LoadOptions defaults() {
        return DEFAULTS;
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code lora_alpha} to use when the folder has no config. */
    public OptionalDouble alpha() {
        return alpha == null ? OptionalDouble.empty() : OptionalDouble.of(alpha);
    }

    /** Rank to expect when the folder has no config (checked against the tensors). */
    public OptionalInt rank() {
        return rank == null ? OptionalInt.empty() : OptionalInt.of(rank);
    }

    /** Label to use instead of the folder name. */
    public Optional<String> label() {
        return Optional.ofNullable(label);
    }

    /** Base model name to use instead of the config's. */
    public Optional<String> baseModel() {
        return Optional.ofNullable(baseModel);
    }

    /** Builds {@link LoadOptions}; every setting is optional. */
    public static final class Builder {
        private Double alpha;
        private Integer rank;
        private String label;
        private String baseModel;

        private Builder() {
        }

        public Builder optAlpha(double value) {
            this.alpha = value;
            return this;
        }

        public Builder optRank(int value) {
            this.rank = value;
            return this;
        }

        public Builder optLabel(String value) {
            this.label = value;
            return this;
        }

        public Builder optBaseModel(String value) {
            this.baseModel = value;
            return this;
        }

        /** Validates and builds. */
        public LoadOptions build() {
            if (alpha != null && !(alpha > 0 && Double.isFinite(alpha))) {
                throw new IllegalArgumentException("alpha must be a positive finite number, got " + alpha);
            }
            if (rank != null && rank <= 0) {
                throw new IllegalArgumentException("rank must be positive, got " + rank);
            }
            return new LoadOptions(this);
        }
    }
}
