package org.loralgebra.io.diffusers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.config.PythonJson;
import org.loralgebra.io.AdapterSink;
import org.loralgebra.io.ModuleSpool;
import org.loralgebra.io.kohya.KohyaFile;
import org.loralgebra.io.peft.ConfigFit;
import org.loralgebra.io.peft.PeftKeys;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleOrder;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.StoredModule;

/**
 * Writes diffusers' current single-file LoRA: {@code <module>.lora_A.weight} / {@code .lora_B.weight} (PEFT's keys,
 * {@link PeftKeys}, without {@code base_model.model.}) and, in {@code __metadata__}, {@code "format": "pt"} and
 * {@value DiffusersMetadata#KEY}: the PEFT LoRA config that gives each module its rank and scale ({@link ConfigFit}),
 * one per component ({@code unet.}, {@code text_encoder.} …) packed as {@code <component>.<key>} when the module names
 * carry component prefixes, as diffusers' {@code save_lora_weights} writes it ({@code json.dumps(indent=2,
 * sort_keys=True)}). The template's other {@code __metadata__} entries and extra tensors are copied.
 */
public final class DiffusersFileWriter implements AdapterSink {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AdapterMeta template;
    private final ModuleSpool spool;
    private final Map<String, ConfigFit.Module> modules = new TreeMap<>(ModuleOrder.INSTANCE);

    private DiffusersFileWriter(AdapterMeta template, Collection<Path> inputs) {
        this.template = template;
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        if (template.format() == AdapterFormat.DIFFUSERS) {
            metadata.putAll(template.fileMetadata());
        }
        this.spool = new ModuleSpool(metadata, template.extras(), inputs);
    }

    /** A writer shaped like {@code template} that refuses to commit over any of {@code inputs}. */
    public static DiffusersFileWriter create(AdapterMeta template, Collection<Path> inputs) {
        return new DiffusersFileWriter(template, inputs);
    }

    /**
     * Spools one module's tensors.
     *
     * @throws IllegalArgumentException when the module was already added, its tensors do not have the shapes its spec
     *                                  calls for, or a key clashes with an extra tensor
     */
    @Override
    public synchronized void add(StoredModule module) {
        ModuleSpec spec = module.spec();
        spool.accept(module);
        if (spec.rank() == 0) {
            return; // a zero update; PEFT cannot hold r = 0
        }
        boolean embedding = spec.kind() == ModuleKind.EMBEDDING;
        spool.put(PeftKeys.key(spec.name(), embedding ? PeftKeys.Part.EMBEDDING_A : PeftKeys.Part.A), module.a());
        spool.put(PeftKeys.key(spec.name(), embedding ? PeftKeys.Part.EMBEDDING_B : PeftKeys.Part.B), module.b());
        module.magnitude().ifPresent(t -> spool.put(PeftKeys.key(spec.name(), PeftKeys.Part.MAGNITUDE), t));
        module.loraBias().ifPresent(t -> spool.put(PeftKeys.key(spec.name(), PeftKeys.Part.BIAS), t));
        modules.put(spec.name(), new ConfigFit.Module(spec, module.scale()));
    }

    /**
     * The {@value DiffusersMetadata#KEY} text {@link #commit} writes: one config, or per component packed keys.
     *
     * @throws IllegalStateException when no module of rank > 0 was added
     */
    public synchronized String adapterMetadata() {
        if (modules.isEmpty()) {
            throw new IllegalStateException(
                    "no modules of rank > 0 were added: a diffusers LoRA file needs at least one");
        }
        Map<String, List<ConfigFit.Module>> byComponent = new TreeMap<>();
        boolean packed = modules.keySet().stream()
                .allMatch(m -> DiffusersMetadata.component(m).isPresent());
        for (ConfigFit.Module m : modules.values()) {
            String c = packed ? DiffusersMetadata.component(m.name()).orElseThrow() : "";
            String local = packed ? m.name().substring(c.length() + 1) : m.name();
            byComponent
                    .computeIfAbsent(c, k -> new ArrayList<>())
                    .add(new ConfigFit.Module(rename(m.spec(), local), m.scale()));
        }
        Optional<DiffusersMetadata> old = template.format() == AdapterFormat.DIFFUSERS
                ? DiffusersMetadata.of(Path.of(DiffusersMetadata.KEY), template.fileMetadata())
                : Optional.empty();
        ObjectNode out = JSON.createObjectNode();
        for (var e : byComponent.entrySet()) {
            PeftConfig base = old.flatMap(
                            o -> packed ? Optional.ofNullable(o.components().get(e.getKey())) : o.whole())
                    .orElse(template.config());
            PeftConfig fitted = ConfigFit.fit(base, e.getValue());
            JsonNode node;
            try {
                node = JSON.readTree(fitted.toJson());
            } catch (JsonProcessingException ex) {
                throw new IllegalStateException("cannot re-read a config just printed", ex);
            }
            node.fields()
                    .forEachRemaining(f -> out.set(packed ? e.getKey() + "." + f.getKey() : f.getKey(), f.getValue()));
        }
        return PythonJson.print(out);
    }

    private static ModuleSpec rename(ModuleSpec s, String name) {
        return new ModuleSpec(
                name,
                s.kind(),
                s.out(),
                s.in(),
                s.rank(),
                s.dtype(),
                s.kernel(),
                s.fanInFanOut(),
                s.dora(),
                s.loraBias());
    }

    /**
     * Writes the file atomically.
     *
     * @throws org.loralgebra.lang.AdapterFormatException when {@code file} is an input, a folder, or not named
     *                                                  {@code *.safetensors}
     */
    @Override
    public synchronized void commit(Path file) {
        spool.checkFileTarget(file, KohyaFile.SUFFIX);
        spool.putMetadata(DiffusersMetadata.KEY, adapterMetadata());
        spool.writeTo(file);
    }

    @Override
    public synchronized void close() {
        spool.close();
    }
}
