package org.loralgebra.io.format;

import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.peft.PeftFolder;
import org.loralgebra.io.peft.PeftTypes;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.model.AdapterSource;

/**
 * A PEFT adapter folder whose {@code peft_type} is not an additive low-rank type (IA3, LN_TUNING, OFT, BOFT, HRA, the
 * prompt-learning types, …) or is unknown: refused, naming the {@code peft_type} first.
 */
final class PeftTypeRefusal implements Format {
    @Override
    public String name() {
        return "a PEFT adapter folder of a type LoRAlgebra does not read";
    }

    @Override
    public String signature() {
        return "";
    }

    @Override
    public boolean recognises(Probe probe) {
        return probe.peftType().filter(t -> !PeftTypes.isRead(t)).isPresent();
    }

    @Override
    public AdapterSource read(Probe probe, LoadOptions options) {
        String type = probe.peftType().orElseThrow();
        throw new AdapterFormatException(
                probe.folder().orElseThrow().resolve(PeftFolder.CONFIG),
                "peft_type \"" + type
                        + "\" " + (PeftTypes.reason(type).startsWith("is ") ? "" : "is not read: " + type + " ")
                        + PeftTypes.reason(type)
                        + ". LoRAlgebra reads peft_type " + String.join(", ", PeftTypes.READ));
    }
}
