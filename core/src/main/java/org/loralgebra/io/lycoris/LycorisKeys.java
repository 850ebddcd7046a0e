package org.loralgebra.io.lycoris;

import java.util.List;
import java.util.Optional;

/**
 * The key grammar of LyCORIS modules, as LyCORIS, kohya's LyCORIS networks and PEFT's LoHa / LoKr tuners save them:
 * {@code <module>.hada_w1_a}, {@code .hada_w1_b}, {@code .hada_w2_a}, {@code .hada_w2_b} (+ {@code .hada_t1},
 * {@code .hada_t2} for the Tucker form of a convolution); {@code .lokr_w1} or {@code .lokr_w1_a} / {@code .lokr_w1_b},
 * {@code .lokr_w2} or {@code .lokr_w2_a} / {@code .lokr_w2_b} (+ {@code .lokr_t2}); LoCon's {@code .lora_down.weight},
 * {@code .lora_up.weight} (+ {@code .lora_mid.weight}); {@code .alpha} and {@code .dora_scale}.
 */
public final class LycorisKeys {
    /** What a key holds; the suffix is what follows the module name. */
    public enum Part {
        HADA_W1_A(".hada_w1_a"),
        HADA_W1_B(".hada_w1_b"),
        HADA_W2_A(".hada_w2_a"),
        HADA_W2_B(".hada_w2_b"),
        HADA_T1(".hada_t1"),
        HADA_T2(".hada_t2"),
        LOKR_W1(".lokr_w1"),
        LOKR_W1_A(".lokr_w1_a"),
        LOKR_W1_B(".lokr_w1_b"),
        LOKR_W2(".lokr_w2"),
        LOKR_W2_A(".lokr_w2_a"),
        LOKR_W2_B(".lokr_w2_b"),
        LOKR_T2(".lokr_t2"),
        LORA_DOWN(".lora_down.weight"),
        LORA_UP(".lora_up.weight"),
        LORA_MID(".lora_mid.weight"),
        ALPHA(".alpha"),
        DORA_SCALE(".dora_scale");

        private final String suffix;

        Part(String suffix) {
            this.suffix = suffix;
        }

        /** The key suffix, such as {@code .hada_w1_a}. */
        public String suffix() {
            return suffix;
        }

        /** Whether the part belongs to LoHa. */
        public boolean loha() {
            return name().startsWith("HADA_");
        }

        /** Whether the part belongs to LoKr. */
        public boolean lokr() {
            return name().startsWith("LOKR_");
        }

        /** Whether the part belongs to LoCon (a kohya LoRA, with an optional Tucker core). */
        public boolean locon() {
            return name().startsWith("LORA_");
        }
    }

    /** A parsed key: the module name and the part. */
    public record Parsed(String module, Part part) {}

    /**
     * Key fragments of LyCORIS algorithms that are not additive low-rank updates, with the reason each is refused.
     */
    private static final List<String[]> REFUSED = List.of(
            new String[] {".lokr_t1", "a LoKr Tucker core for the first Kronecker factor, which LyCORIS never writes"},
            new String[] {".oft_", "an OFT module (it rotates the base weight: not an additive update)"},
            new String[] {".boft_", "a BOFT module (it rotates the base weight: not an additive update)"});

    private LycorisKeys() {}

    /** Parses a key; empty when it is none of the parts (an extra tensor, or a key of another format). */
    public static Optional<Parsed> parse(String key) {
        for (Part p : Part.values()) {
            if (key.endsWith(p.suffix) && key.length() > p.suffix.length()) {
                return Optional.of(new Parsed(key.substring(0, key.length() - p.suffix.length()), p));
            }
        }
        return Optional.empty();
    }

    /** Why a key of a LyCORIS algorithm that LoRAlgebra refuses is refused, if it is one. */
    public static Optional<String> refusal(String key) {
        for (String[] r : REFUSED) {
            if (key.contains(r[0])) {
                return Optional.of(r[1]);
            }
        }
        if (key.endsWith(".diff") || key.endsWith(".diff_b")) {
            return Optional.of("a LyCORIS full module (a dense update and a bias update), not a low-rank one");
        }
        return Optional.empty();
    }

    /** The key of {@code part} of {@code module}. */
    public static String key(String module, Part part) {
        return module + part.suffix;
    }
}
