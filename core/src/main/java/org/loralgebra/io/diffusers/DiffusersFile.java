package org.loralgebra.io.diffusers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.SourceFormat;
import org.loralgebra.io.StoredAdapter;
import org.loralgebra.io.kohya.KohyaFile;
import org.loralgebra.io.peft.ConfigFit;
import org.loralgebra.io.peft.PeftFolder;
import org.loralgebra.io.peft.PeftKeys;
import org.loralgebra.io.peft.PeftTensorGroups;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.io.safetensors.TensorInfo;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.TensorRef;

/**
 * Reads diffusers' current single-file LoRA ({@code pytorch_lora_weights.safetensors}): PEFT's keys
 * ({@code <module>.lora_A.weight}, {@code .lora_B.weight}, and the embedding, DoRA and bias keys, {@link PeftKeys})
 * without {@code base_model.model.}, module names with or without a component prefix ({@code unet.},
 * {@code text_encoder.}), and the PEFT config in {@code __metadata__} ({@link DiffusersMetadata}).
 *
 * <p>Scale: the module's {@code lora_alpha / r} (or {@code /√r}) from that config, with PEFT's patterns, and its rank
 * checked against the tensors; without the metadata diffusers assumes {@code alpha = r}, scale 1 — unless
 * {@link LoadOptions#alpha()} gives an alpha. A save writes this format again ({@link DiffusersFileWriter}).
 */
public final class DiffusersFile {
    /** What this reader reads. */
    public static final SourceFormat FORMAT = new SourceFormat("diffusers", "diffusers LoRA file");
    /** The file name diffusers saves. */
    public static final String WEIGHTS = "pytorch_lora_weights.safetensors";

    private DiffusersFile() {}

    /** Whether {@code key} is a PEFT key of this format (not one under PEFT's own {@code base_model.model.} prefix). */
    public static boolean isDiffusersKey(String key) {
        return !key.startsWith(PeftKeys.PREFIX)
                && PeftKeys.parse(key)
                        .filter(p -> p.part() != PeftKeys.Part.BIAS)
                        .isPresent();
    }

    /**
     * Reads the file's header and metadata and checks every module.
     *
     * @throws AdapterFormatException naming the file, tensor and module of the first problem found
     */
    public static StoredAdapter read(SafetensorsFile st, LoadOptions options) {
        Path file = st.path();
        PeftTensorGroups grouped = PeftTensorGroups.of(st, "diffusers LoRA");
        var groups = grouped.modules();
        Map<String, TensorRef> extras = grouped.extras();
        Optional<DiffusersMetadata> metadata = DiffusersMetadata.of(st);
        Map<String, StoredAdapter.ModuleTensors> modules = new LinkedHashMap<>();
        List<ConfigFit.Module> fits = new ArrayList<>();
        for (var e : groups.entrySet()) {
            String name = e.getKey();
            Map<PeftKeys.Part, TensorInfo> parts = e.getValue();
            String anyTensor = parts.values().iterator().next().name();
            PeftConfig config;
            String local;
            String rankSource;
            if (metadata.isPresent()) {
                config = overridden(metadata.get().config(name, anyTensor), options);
                local = metadata.get().localName(name);
                rankSource = options.rank().isPresent()
                        ? "the rank given in LoadOptions"
                        : "__metadata__ '" + DiffusersMetadata.KEY + "' gives it (\"r\" or \"rank_pattern\")";
            } else {
                int r = rankOf(parts).orElse(1);
                config = PeftConfig.lora(r, options.alpha().orElse(r), null);
                local = name;
                rankSource = "the tensors give it";
            }
            StoredAdapter.ModuleTensors t = PeftFolder.moduleTensors(file, name, local, parts, config, rankSource);
            modules.put(name, t);
            fits.add(new ConfigFit.Module(t.spec(), t.scale()));
        }
        PeftConfig template = metadata.flatMap(DiffusersMetadata::whole)
                .orElseGet(() -> PeftConfig.lora(Math.max(1, fits.get(0).spec().rank()), 8, null));
        String base = options.baseModel().orElse(template.baseModel().orElse(null));
        PeftConfig config = ConfigFit.fit(template, fits);
        AdapterType type = AdapterType.of(
                base,
                modules.values().stream().map(StoredAdapter.ModuleTensors::spec).toList());
        AdapterMeta meta = new AdapterMeta(AdapterFormat.DIFFUSERS, config, "", extras, st.metadata());
        return StoredAdapter.of(label(file, options), FORMAT, file, st, type, meta, modules);
    }

    private static PeftConfig overridden(PeftConfig config, LoadOptions options) {
        if (options.alpha().isEmpty() && options.rank().isEmpty()) {
            return config;
        }
        return config.with(n -> {
            options.alpha().ifPresent(a -> PeftConfig.putNumber(n, "lora_alpha", a));
            options.rank().ifPresent(r -> n.put("r", r));
        });
    }

    private static Optional<Integer> rankOf(Map<PeftKeys.Part, TensorInfo> parts) {
        TensorInfo a =
                parts.containsKey(PeftKeys.Part.A) ? parts.get(PeftKeys.Part.A) : parts.get(PeftKeys.Part.EMBEDDING_A);
        return a == null || a.rank() < 2 ? Optional.empty() : Optional.of((int) a.dim(0));
    }

    /** The file name without {@code .safetensors}; for diffusers' standard name, the folder's name. */
    static String label(Path file, LoadOptions options) {
        Path abs = file.toAbsolutePath().normalize();
        String name = abs.getFileName().toString();
        if (name.equals(WEIGHTS) && abs.getParent() != null && abs.getParent().getFileName() != null) {
            return options.label().orElse(abs.getParent().getFileName().toString());
        }
        return options.label()
                .orElse(
                        name.endsWith(KohyaFile.SUFFIX)
                                ? name.substring(0, name.length() - KohyaFile.SUFFIX.length())
                                : name);
    }
}
