package org.loralgebra.io.format;

import java.nio.file.Path;
import java.util.function.BiFunction;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.peft.PeftFolder;
import org.loralgebra.model.AdapterSource;

/**
 * A PEFT adapter folder of one {@code peft_type} other than LoRA (LoHa, LoKr, AdaLoRA, VeRA), recognised by the type in
 * its {@code adapter_config.json} and read by that type's reader into exact LoRA forms; a save writes a PEFT LoRA
 * folder (the PEFT LoRA format's writer).
 */
final class PeftTypeFormat implements Format {
    private final String peftType;
    private final String name;
    private final BiFunction<Path, LoadOptions, AdapterSource> reader;

    PeftTypeFormat(String peftType, String name, BiFunction<Path, LoadOptions, AdapterSource> reader) {
        this.peftType = peftType;
        this.name = name;
        this.reader = reader;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String signature() {
        return name + " (" + PeftFolder.CONFIG + " with \"peft_type\": \"" + peftType + "\")";
    }

    @Override
    public boolean recognises(Probe probe) {
        return probe.peftType().filter(peftType::equals).isPresent();
    }

    @Override
    public AdapterSource read(Probe probe, LoadOptions options) {
        return reader.apply(probe.folder().orElseThrow(), options);
    }
}
