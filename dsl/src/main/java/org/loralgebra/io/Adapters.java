package org.loralgebra.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import org.loralgebra.io.kohya.KohyaFile;
import org.loralgebra.io.kohya.KohyaFileWriter;
import org.loralgebra.io.peft.PeftFolder;
import org.loralgebra.io.peft.PeftFolderWriter;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.AdapterSource;

/**
 * Opens adapters on disk by what they are, and makes sinks that write them.
 *
 * <ul>
 *   <li>a folder: a PEFT adapter ({@code adapter_config.json} + {@code adapter_model.safetensors});</li>
 *   <li>a file named {@code adapter_model.safetensors}: the PEFT folder holding it;</li>
 *   <li>any other {@code *.safetensors} file: a kohya / diffusers LoRA.</li>
 * </ul>
 */
public final class Adapters {
    private Adapters() {
    }

    /**
     * Opens the adapter at {@code path}, reading headers and config only.
     *
     * @throws AdapterFormatException naming the path when it is missing, not an adapter, or malformed
     */
    public static AdapterSource open(Path path, LoadOptions options) {
        if (!Files.exists(path)) {
            AtomicWrites.recover(path); // a write killed between its renames left the old adapter beside the path
        }
        if (Files.isDirectory(path)) {
            return PeftFolder.read(path, options);
        }
        if (!Files.exists(path)) {
            throw new AdapterFormatException(path, "no such file or folder (expected a PEFT adapter folder or a .safetensors "
                    + "LoRA file)");
        }
        String name = path.getFileName().toString();
        if (name.equals(PeftFolder.WEIGHTS)) {
            return PeftFolder.read(path.toAbsolutePath().getParent(), options);
        }
        if (name.endsWith(KohyaFile.SUFFIX)) {
            return KohyaFile.read(path, options);
        }
        if (name.endsWith(".bin") || name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".ckpt")) {
            throw new AdapterFormatException(path, "a PyTorch pickle checkpoint, which LoRAlgebra does not unpickle (it can "
                    + "run code); save it as safetensors first (PEFT: save_pretrained(out, safe_serialization=True))");
        }
        throw new AdapterFormatException(path, "not an adapter: expected a PEFT adapter folder (holding " + PeftFolder.CONFIG
                + " and " + PeftFolder.WEIGHTS + ") or a kohya LoRA file ending in " + KohyaFile.SUFFIX);
    }

    /** A sink writing {@code format}, shaped like {@code template} (config, key prefix, extras, file metadata). */
    public static AdapterSink sink(AdapterFormat format, AdapterMeta template) {
        return sink(format, template, List.of());
    }

    /**
     * A sink writing {@code format}, shaped like {@code template}, that refuses to commit to any of {@code inputs}
     * (the folders and files being read) or to a folder containing one.
     */
    public static AdapterSink sink(AdapterFormat format, AdapterMeta template, Collection<Path> inputs) {
        return switch (format) {
            case PEFT -> PeftFolderWriter.create(template, inputs);
            case KOHYA -> KohyaFileWriter.create(template, inputs);
        };
    }
}
