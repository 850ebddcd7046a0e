package org.loralgebra.io.diffusers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.SourceFormat;
import org.loralgebra.io.StoredAdapter;
import org.loralgebra.io.kohya.KohyaFile;
import org.loralgebra.io.kohya.KohyaKeys;
import org.loralgebra.io.peft.ConfigFit;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.io.safetensors.TensorInfo;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.ModuleOrder;
import org.loralgebra.model.TensorRef;

/**
 * Reads diffusers' legacy attention-processor LoRA files ({@code unet.save_attn_procs}, diffusers before 0.21):
 * {@code <attention>.processor.to_q_lora.down.weight} ({@code A}) and {@code .up.weight} ({@code B}) for
 * {@code to_q_lora}, {@code to_k_lora}, {@code to_v_lora}, {@code to_out_lora} (and {@code add_k_proj_lora} …).
 *
 * <p>Module names are those diffusers converts the keys to ({@code state_dict_utils.convert_state_dict}):
 * {@code .processor} dropped, {@code to_q_lora} → {@code to_q}, {@code to_out_lora} → {@code to_out.0}; under a
 * {@code text_encoder} prefix the CLIP names {@code q_proj}, {@code k_proj}, {@code v_proj}, {@code out_proj}. Scale 1
 * (the files store no alpha; {@code LoRALinearLayer} scales by {@code network_alpha / r} only when given one), or
 * {@link LoadOptions#alpha()}{@code / r}. A save writes the current diffusers format ({@link DiffusersFileWriter}).
 */
public final class DiffusersProcessorsFile {
    /** What this reader reads. */
    public static final SourceFormat FORMAT =
            new SourceFormat("diffusers_attn_procs", "diffusers attention-processor LoRA file (legacy)");

    private static final Pattern KEY =
            Pattern.compile("^(.+?)(?:\\.processor)?\\.([A-Za-z0-9_]+)_lora\\.(down|up)\\.weight$");
    private static final Map<String, String> UNET = Map.of("to_out", "to_out.0");
    private static final Map<String, String> TEXT_ENCODER =
            Map.of("to_q", "q_proj", "to_k", "k_proj", "to_v", "v_proj", "to_out", "out_proj");

    private DiffusersProcessorsFile() {}

    /** Whether {@code key} is an attention-processor LoRA key. */
    public static boolean isProcessorKey(String key) {
        return KEY.matcher(key).matches();
    }

    /** The module a processor key's layer is, as diffusers names it after conversion. */
    static String module(String attention, String layer) {
        Map<String, String> names = attention.startsWith("text_encoder") ? TEXT_ENCODER : UNET;
        return attention + "." + names.getOrDefault(layer, layer);
    }

    /**
     * Reads the file's header and checks every module.
     *
     * @throws AdapterFormatException naming the file, tensor and module of the first problem found
     */
    public static StoredAdapter read(SafetensorsFile st, LoadOptions options) {
        Path file = st.path();
        Map<String, Map<KohyaKeys.Part, TensorInfo>> groups = new TreeMap<>(ModuleOrder.INSTANCE);
        Map<String, TensorRef> extras = new LinkedHashMap<>();
        for (TensorInfo info : st.tensors().values()) {
            Matcher m = KEY.matcher(info.name());
            if (!m.matches()) {
                extras.put(info.name(), StoredAdapter.ref(st, info));
                continue;
            }
            String module = module(m.group(1), m.group(2));
            KohyaKeys.Part part = m.group(3).equals("down") ? KohyaKeys.Part.DOWN : KohyaKeys.Part.UP;
            TensorInfo previous = groups.computeIfAbsent(module, k -> new EnumMap<>(KohyaKeys.Part.class))
                    .put(part, info);
            if (previous != null) {
                throw AdapterFormatException.tensor(
                        file,
                        info.name(),
                        "one " + m.group(3) + " tensor for module '" + module + "'",
                        "a second one besides '" + previous.name() + "'");
            }
        }
        Map<String, StoredAdapter.ModuleTensors> modules = new LinkedHashMap<>();
        List<ConfigFit.Module> fits = new ArrayList<>();
        for (var e : groups.entrySet()) {
            if (e.getValue().size() == 1) {
                TensorInfo have = e.getValue().values().iterator().next();
                boolean down = have.name().endsWith(".down.weight");
                String partner =
                        have.name().substring(0, have.name().length() - (down ? ".down.weight" : ".up.weight").length())
                                + (down ? ".up.weight" : ".down.weight");
                throw AdapterFormatException.tensor(
                        file,
                        have.name(),
                        "its partner '" + partner + "' for module '" + e.getKey() + "'",
                        "no such tensor");
            }
            StoredAdapter.ModuleTensors t = KohyaFile.moduleTensors(st, e.getKey(), e.getValue(), options);
            modules.put(e.getKey(), t);
            fits.add(new ConfigFit.Module(t.spec(), t.scale()));
        }
        String base = options.baseModel().orElse(null);
        PeftConfig config =
                ConfigFit.fit(PeftConfig.lora(Math.max(1, fits.get(0).spec().rank()), 8, base), fits);
        AdapterType type = AdapterType.of(
                base,
                modules.values().stream().map(StoredAdapter.ModuleTensors::spec).toList());
        AdapterMeta meta = new AdapterMeta(AdapterFormat.DIFFUSERS, config, "", extras, st.metadata());
        return StoredAdapter.of(DiffusersFile.label(file, options), FORMAT, file, st, type, meta, modules);
    }
}
