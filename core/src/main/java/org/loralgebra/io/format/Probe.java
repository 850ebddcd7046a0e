package org.loralgebra.io.format;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.io.peft.PeftFolder;
import org.loralgebra.io.safetensors.SafetensorsFile;

/**
 * What a path looks like, found cheaply and at most once, for {@link Format#recognises}: whether it is a folder,
 * its file name, the header of its safetensors weights (the tensors themselves are never read here) and the
 * {@code peft_type} of its {@code adapter_config.json}.
 *
 * <p>A folder's weights are its {@code adapter_model.safetensors}; a file named so stands for its folder. A
 * malformed weights header is an {@link org.loralgebra.lang.AdapterFormatException} as soon as a format asks for it.
 */
public final class Probe {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private final Path path;
    private final Path folder;
    private SafetensorsFile weights;
    private boolean weightsOpened;
    private Optional<String> peftType;

    private Probe(Path path) {
        this.path = path;
        if (Files.isDirectory(path)) {
            this.folder = path;
        } else if (path.getFileName() != null && path.getFileName().toString().equals(PeftFolder.WEIGHTS)) {
            this.folder = path.toAbsolutePath().getParent();
        } else {
            this.folder = null;
        }
    }

    /** A probe of {@code path} (which exists). */
    public static Probe of(Path path) {
        return new Probe(path);
    }

    /** The path as given. */
    public Path path() {
        return path;
    }

    /** The adapter folder: the path when it is a folder, the folder of a file named {@code adapter_model.safetensors}. */
    public Optional<Path> folder() {
        return Optional.ofNullable(folder);
    }

    /** The file name of the path ({@code ""} for a root). */
    public String fileName() {
        return path.getFileName() == null ? "" : path.getFileName().toString();
    }

    /** Whether the path is a single file whose name ends in {@code suffix}. */
    public boolean isFileEndingIn(String suffix) {
        return folder == null && Files.isRegularFile(path) && fileName().endsWith(suffix);
    }

    /**
     * The header of the safetensors file holding the weights: the folder's {@code adapter_model.safetensors}, or the
     * path itself when it is a {@code .safetensors} file; empty when there is none. Opened once.
     */
    public synchronized Optional<SafetensorsFile> weights() {
        if (!weightsOpened) {
            weightsOpened = true;
            Path file =
                    folder != null ? folder.resolve(PeftFolder.WEIGHTS) : isFileEndingIn(".safetensors") ? path : null;
            weights = file != null && Files.isRegularFile(file) ? SafetensorsFile.open(file) : null;
        }
        return Optional.ofNullable(weights);
    }

    /** The names of the weights' tensors (empty when there are no weights). */
    public Set<String> keys() {
        return weights().map(w -> w.tensors().keySet()).orElse(Set.of());
    }

    /** Whether some tensor name satisfies {@code test}. */
    public boolean anyKey(Predicate<String> test) {
        return keys().stream().anyMatch(test);
    }

    /**
     * The {@code peft_type} of the folder's {@code adapter_config.json}: {@code "LORA"} when the key is absent (PEFT's
     * reading of such configs here); empty when there is no folder, no config, or the config is not a JSON object (the
     * PEFT LoRA reader then says what is wrong with it).
     */
    public synchronized Optional<String> peftType() {
        if (peftType == null) {
            peftType = Optional.empty();
            Path config = folder == null ? null : folder.resolve(PeftFolder.CONFIG);
            if (config != null && Files.isRegularFile(config)) {
                try {
                    JsonNode root = JSON.readTree(Files.readString(config));
                    if (root != null && root.isObject()) {
                        peftType = Optional.of(PeftConfig.peftType(root.get("peft_type")));
                    }
                } catch (IOException | RuntimeException e) {
                    // unreadable or not JSON: left to the PEFT reader, which names the problem
                }
            }
        }
        return peftType;
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
