package org.loralgebra.io.kohya;

import java.util.List;
import java.util.Optional;

/**
 * The key grammar of kohya-ss / diffusers LoRA files (Stable Diffusion and similar): {@code <module>.lora_down.weight}
 * ({@code A}), {@code <module>.lora_up.weight} ({@code B}) and {@code <module>.alpha}; diffusers' older
 * {@code <module>.lora.down.weight} / {@code .lora.up.weight} and {@code <module>.lora_linear_layer.down.weight} /
 * {@code .up.weight} are read as the same parts. Module names are kept as written
 * ({@code lora_unet_down_blocks_0_attentions_0_proj_in}).
 */
public final class KohyaKeys {
    /** What a key holds. */
    public enum Part {
        DOWN,
        UP,
        ALPHA
    }

    /** A parsed key: the module name and the part. */
    public record Parsed(String module, Part part) {}

    private record Suffix(String text, Part part) {}

    private static final List<Suffix> SUFFIXES = List.of(
            new Suffix(".lora_down.weight", Part.DOWN),
            new Suffix(".lora_up.weight", Part.UP),
            new Suffix(".lora.down.weight", Part.DOWN),
            new Suffix(".lora.up.weight", Part.UP),
            new Suffix(".lora_linear_layer.down.weight", Part.DOWN),
            new Suffix(".lora_linear_layer.up.weight", Part.UP),
            new Suffix(".alpha", Part.ALPHA));

    /** Key fragments of LyCORIS and other low-rank formats this reader does not interpret. */
    private static final List<String> UNSUPPORTED = List.of(
            ".hada_",
            ".lokr_",
            ".lora_mid.",
            ".dora_scale",
            ".oft_",
            ".lora_A.",
            ".lora_B.",
            ".lora_embedding_",
            ".lora_magnitude_vector");

    private KohyaKeys() {}

    /** Parses a kohya / diffusers LoRA key; empty when it is none (an extra tensor). */
    public static Optional<Parsed> parse(String key) {
        for (Suffix s : SUFFIXES) {
            if (key.endsWith(s.text()) && key.length() > s.text().length()) {
                return Optional.of(
                        new Parsed(key.substring(0, key.length() - s.text().length()), s.part()));
            }
        }
        return Optional.empty();
    }

    /** The fragment of {@code key} that marks a format this reader does not interpret, if any. */
    public static Optional<String> unsupportedFragment(String key) {
        return UNSUPPORTED.stream().filter(key::contains).findFirst();
    }

    /** The canonical kohya key of {@code part} of {@code module}. */
    public static String key(String module, Part part) {
        return switch (part) {
            case DOWN -> module + ".lora_down.weight";
            case UP -> module + ".lora_up.weight";
            case ALPHA -> module + ".alpha";
        };
    }
}
