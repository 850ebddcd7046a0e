package org.loralgebra.io.peft;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEFT's tensor key grammar: {@code <prefix><module>.lora_A.weight} and {@code .lora_B.weight} for linear and
 * convolution layers, {@code .lora_embedding_A} / {@code .lora_embedding_B} for embeddings,
 * {@code .lora_magnitude_vector} for DoRA and {@code .lora_B.bias} with {@code lora_bias}. Keys saved with the
 * adapter name inside ({@code .lora_A.default.weight}) are read too.
 */
public final class PeftKeys {
    /** The prefix PEFT puts before module names in saved files. */
    public static final String PREFIX = "base_model.model.";

    /** What a LoRA key holds. */
    public enum Part {
        A,
        B,
        EMBEDDING_A,
        EMBEDDING_B,
        MAGNITUDE,
        BIAS
    }

    /** A parsed key: the module name (prefix included) and the part. */
    public record Parsed(String module, Part part) {}

    private static final Pattern LINEAR = Pattern.compile("^(.+)\\.lora_([AB])(?:\\.[^.]+)?\\.(weight|bias)$");
    private static final Pattern EMBEDDING = Pattern.compile("^(.+)\\.lora_embedding_([AB])(?:\\.[^.]+)?$");
    private static final Pattern MAGNITUDE =
            Pattern.compile("^(.+)\\.lora_magnitude_vector(?:\\.[^.]+)?(?:\\.weight)?$");
    private static final Pattern LORA_SEGMENT = Pattern.compile("(^|\\.)lora_[A-Za-z_]*(\\.|$)");

    private PeftKeys() {}

    /** Parses a LoRA key; empty when the key is not a LoRA tensor (an extra tensor such as a head). */
    public static Optional<Parsed> parse(String key) {
        Matcher m = LINEAR.matcher(key);
        if (m.matches()) {
            boolean bias = m.group(3).equals("bias");
            if (bias && m.group(2).equals("A")) {
                return Optional.empty();
            }
            return Optional.of(
                    new Parsed(m.group(1), bias ? Part.BIAS : m.group(2).equals("A") ? Part.A : Part.B));
        }
        m = EMBEDDING.matcher(key);
        if (m.matches()) {
            return Optional.of(new Parsed(m.group(1), m.group(2).equals("A") ? Part.EMBEDDING_A : Part.EMBEDDING_B));
        }
        m = MAGNITUDE.matcher(key);
        if (m.matches()) {
            return Optional.of(new Parsed(m.group(1), Part.MAGNITUDE));
        }
        return Optional.empty();
    }

    /** Whether a key has a {@code lora_*} segment, so that failing to parse it is an error, not an extra. */
    public static boolean looksLikeLora(String key) {
        return LORA_SEGMENT.matcher(key).find();
    }

    /** The key PEFT saves for {@code part} of {@code module} (prefix included in {@code module}). */
    public static String key(String module, Part part) {
        return switch (part) {
            case A -> module + ".lora_A.weight";
            case B -> module + ".lora_B.weight";
            case EMBEDDING_A -> module + ".lora_embedding_A";
            case EMBEDDING_B -> module + ".lora_embedding_B";
            case MAGNITUDE -> module + ".lora_magnitude_vector";
            case BIAS -> module + ".lora_B.bias";
        };
    }
}
