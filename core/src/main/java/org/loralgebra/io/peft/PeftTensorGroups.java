package org.loralgebra.io.peft;

import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.loralgebra.io.StoredAdapter;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.io.safetensors.TensorInfo;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.model.ModuleOrder;
import org.loralgebra.model.TensorRef;

/**
 * The tensors of a file written with PEFT's key grammar ({@link PeftKeys}), grouped by module, and the tensors that
 * are not LoRA factors (heads, biases) kept as extras. Shared by the PEFT folder and the diffusers file readers.
 *
 * @param modules each module's parts, in {@link ModuleOrder}; never empty
 * @param extras tensors that are not LoRA factors, by key, in file order
 */
public record PeftTensorGroups(
        SortedMap<String, Map<PeftKeys.Part, TensorInfo>> modules, Map<String, TensorRef> extras) {

    /** Unmodifiable views of both maps. */
    public PeftTensorGroups {
        modules = Collections.unmodifiableSortedMap(modules);
        extras = Collections.unmodifiableMap(extras);
    }

    /**
     * Groups a file's tensors.
     *
     * @param form the name of the format in messages ("LoRA", "diffusers LoRA")
     * @throws AdapterFormatException naming the file and tensor when a part is stored twice, a {@code lora_*} key does
     *     not parse, or no tensor is a LoRA factor
     */
    public static PeftTensorGroups of(SafetensorsFile file, String form) {
        Path path = file.path();
        SortedMap<String, Map<PeftKeys.Part, TensorInfo>> modules = new TreeMap<>(ModuleOrder.INSTANCE);
        Map<String, TensorRef> extras = new LinkedHashMap<>();
        for (TensorInfo info : file.tensors().values()) {
            Optional<PeftKeys.Parsed> parsed = PeftKeys.parse(info.name());
            if (parsed.isPresent()) {
                String module = parsed.get().module();
                var parts = modules.computeIfAbsent(module, k -> new EnumMap<>(PeftKeys.Part.class));
                TensorInfo earlier = parts.put(parsed.get().part(), info);
                if (earlier != null) {
                    throw AdapterFormatException.tensor(
                            path,
                            info.name(),
                            "one " + parsed.get().part() + " tensor for module '" + module + "'",
                            "two, '" + earlier.name() + "' and '" + info.name() + "' (saved under two adapter names?)");
                }
            } else if (PeftKeys.looksLikeLora(info.name())) {
                throw AdapterFormatException.tensor(
                        path,
                        info.name(),
                        "a " + form + " key of the form <module>.lora_A.weight, <module>.lora_B.weight, "
                                + "<module>.lora_embedding_A/B or <module>.lora_magnitude_vector",
                        "a key that is none of these");
            } else {
                extras.put(info.name(), StoredAdapter.ref(file, info));
            }
        }
        if (modules.isEmpty()) {
            throw new AdapterFormatException(
                    path,
                    "no " + form + " tensors (keys ending in .lora_A.weight / .lora_B.weight); found "
                            + file.tensors().size() + " other tensors");
        }
        return new PeftTensorGroups(modules, extras);
    }
}
