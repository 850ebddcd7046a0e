package org.loralgebra.io.format;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import org.loralgebra.io.AdapterSink;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.files.AtomicWrites;
import org.loralgebra.io.files.InputFiles;
import org.loralgebra.io.lycoris.PeftLycorisFolder;
import org.loralgebra.io.peft.PeftAdaloraFolder;
import org.loralgebra.io.peft.PeftVeraFolder;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.AdapterSource;

/**
 * The formats LoRAlgebra knows, in the order they are asked: refusals that must win first (pickles, PEFT types that
 * are not additive), the PEFT folder types by {@code peft_type}, then single files by their keys. Adding a format is
 * adding one {@link Format} to {@link #ALL}.
 */
public final class Formats {
    /** Every format, in the order {@link #open} asks them. */
    public static final List<Format> ALL = List.of(
            new PickleRefusal(),
            new PeftTypeRefusal(),
            new PeftTypeFormat("LOHA", "a PEFT LoHa adapter folder", (p, o) -> PeftLycorisFolder.read(p, false, o)),
            new PeftTypeFormat("LOKR", "a PEFT LoKr adapter folder", (p, o) -> PeftLycorisFolder.read(p, true, o)),
            new PeftTypeFormat("ADALORA", "a PEFT AdaLoRA adapter folder", PeftAdaloraFolder::read),
            new PeftTypeFormat("VERA", "a PEFT VeRA adapter folder", PeftVeraFolder::read),
            new DiffusersFolderFormat(),
            new PeftLoraFormat(),
            new CloneofsimoRefusal(),
            new DiffusersProcessorsFormat(),
            new LycorisFormat(),
            new DiffusersFormat(),
            new KohyaFormat());

    private Formats() {}

    /**
     * Opens the adapter at {@code path} with the first format that recognises it.
     *
     * @throws AdapterFormatException naming the path when it is missing, recognised by no format (the message lists
     *                                what was looked for), refused, or malformed
     */
    public static AdapterSource open(Path path, LoadOptions options) {
        if (!Files.exists(path)) {
            AtomicWrites.recover(path); // a write killed between its renames left the old adapter beside the path
        }
        if (!Files.exists(path)) {
            throw new AdapterFormatException(
                    path, "no such file or folder (expected a PEFT adapter folder or a .safetensors " + "LoRA file)");
        }
        if (!Files.isDirectory(path)) {
            InputFiles.checkReadable(path, "an adapter file"); // a FIFO or device would block the probe; an LFS pointer
        }
        Probe probe = Probe.of(path);
        for (Format f : ALL) {
            if (f.recognises(probe)) {
                return f.read(probe, options);
            }
        }
        String lookedFor =
                ALL.stream().map(Format::signature).filter(s -> !s.isEmpty()).collect(Collectors.joining("; "));
        String found = probe.weights().map(Formats::found).orElse("");
        throw new AdapterFormatException(
                path, "not an adapter in any format LoRAlgebra reads" + found + ". Looked for: " + lookedFor);
    }

    private static String found(SafetensorsFile f) {
        return f.tensors().isEmpty()
                ? " (a safetensors file with no tensors)"
                : " (a safetensors file of " + f.tensors().size() + " tensors such as '"
                        + f.tensors().keySet().iterator().next() + "', none of them a known adapter key)";
    }

    /**
     * A sink writing {@code format}, shaped like {@code template}, that refuses to commit to any of {@code inputs}.
     *
     * @throws IllegalArgumentException when no format writes {@code format}
     */
    public static AdapterSink sink(AdapterFormat format, AdapterMeta template, Collection<Path> inputs) {
        for (Format f : ALL) {
            if (f.writes().filter(format::equals).isPresent()) {
                return f.sink(template, inputs);
            }
        }
        throw new IllegalArgumentException("no writer for format " + format);
    }
}
