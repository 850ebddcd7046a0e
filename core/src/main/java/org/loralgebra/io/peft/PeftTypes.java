package org.loralgebra.io.peft;

import java.util.List;
import java.util.Map;

/**
 * The {@code peft_type}s LoRAlgebra reads — the additive low-rank ones, {@code ΔW = B·A} or exactly so — and why each
 * other type is refused.
 */
public final class PeftTypes {
    /** The types read, in the order messages list them. */
    public static final List<String> READ = List.of("LORA", "LOHA", "LOKR", "ADALORA", "VERA");

    private static final String PROMPT = "learns virtual tokens or prefixes fed to the model, not weight updates";
    private static final String ROTATION = "multiplies the base weight (W' = R·W with a learned orthogonal or "
            + "reflection R), so its update depends on the base weight and is not a stored low-rank ΔW";
    private static final Map<String, String> REASONS = Map.ofEntries(
            Map.entry(
                    "IA3",
                    "rescales activations by learned vectors (W' = W·diag(l)): a multiplicative update of the "
                            + "base layer, not an additive low-rank ΔW"),
            Map.entry("LN_TUNING", "fine-tunes LayerNorm weights, not low-rank updates of linear layers"),
            Map.entry("OFT", ROTATION),
            Map.entry("BOFT", ROTATION),
            Map.entry("HRA", ROTATION),
            Map.entry("PROMPT_TUNING", PROMPT),
            Map.entry("P_TUNING", PROMPT),
            Map.entry("PREFIX_TUNING", PROMPT),
            Map.entry("MULTITASK_PROMPT_TUNING", PROMPT),
            Map.entry("ADAPTION_PROMPT", PROMPT),
            Map.entry("CPT", PROMPT),
            Map.entry("POLY", "routes between several LoRA modules per input (a mixture, not one update)"),
            Map.entry("XLORA", "mixes several LoRA adapters per token with a learned classifier (not one update)"),
            Map.entry("TRAINABLE_TOKENS", "trains rows of the embedding matrix, not low-rank updates"));

    private PeftTypes() {}

    /** Whether LoRAlgebra reads adapters of {@code peftType}. */
    public static boolean isRead(String peftType) {
        return READ.contains(peftType);
    }

    /** Why {@code peftType} is refused, for the message that names it. */
    public static String reason(String peftType) {
        return REASONS.getOrDefault(peftType, "is not one of the additive low-rank types LoRAlgebra reads");
    }
}
