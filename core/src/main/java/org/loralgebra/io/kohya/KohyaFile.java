package org.loralgebra.io.kohya;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.SourceFormat;
import org.loralgebra.io.StoredAdapter;
import org.loralgebra.io.peft.ConfigFit;
import org.loralgebra.io.safetensors.DecodableTensors;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.io.safetensors.TensorInfo;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleOrder;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.TensorRef;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * Reads a single-file kohya-ss / diffusers LoRA ({@code .safetensors} with {@link KohyaKeys}).
 *
 * <p>{@code lora_down} is {@code A} ({@code [r, in]}, or {@code [r, in, kh, kw]} for a convolution) and
 * {@code lora_up} is {@code B} ({@code [out, r]} or {@code [out, r, 1, 1]}); the scale is {@code alpha / r},
 * where a missing or zero {@code alpha} means {@code alpha = r} (scale 1) unless {@link LoadOptions#alpha()}
 * gives one. Other tensors are kept as extras; the {@code __metadata__} is kept. The adapter's config is
 * synthesized ({@link ConfigFit}) so that it can be saved as a PEFT folder too; its base model is unknown unless
 * {@link LoadOptions#baseModel()} names it.
 */
public final class KohyaFile {
    /** The file name suffix of kohya LoRA files. */
    public static final String SUFFIX = ".safetensors";

    private KohyaFile() {}

    /**
     * Reads the file's header and alphas and checks every module's factors against each other.
     *
     * @throws AdapterFormatException naming the file, tensor and module of the first problem found
     */
    public static StoredAdapter read(Path file, LoadOptions options) {
        return read(SafetensorsFile.open(file), options);
    }

    /**
     * Reads an opened file's alphas and checks every module's factors against each other.
     *
     * @throws AdapterFormatException naming the file, tensor and module of the first problem found
     */
    public static StoredAdapter read(SafetensorsFile st, LoadOptions options) {
        Path file = st.path();
        Map<String, Map<KohyaKeys.Part, TensorInfo>> groups = new TreeMap<>(ModuleOrder.INSTANCE);
        Map<String, TensorRef> extras = new LinkedHashMap<>();
        for (TensorInfo info : st.tensors().values()) {
            Optional<String> unsupported = KohyaKeys.unsupportedFragment(info.name());
            if (unsupported.isPresent()) {
                throw AdapterFormatException.tensor(
                        file,
                        info.name(),
                        "kohya LoRA keys (<module>.lora_down.weight, " + "<module>.lora_up.weight, <module>.alpha)",
                        unsupportedMessage(unsupported.get()));
            }
            Optional<KohyaKeys.Parsed> parsed = KohyaKeys.parse(info.name());
            if (parsed.isEmpty()) {
                extras.put(info.name(), StoredAdapter.ref(st, info));
                continue;
            }
            var parts = groups.computeIfAbsent(parsed.get().module(), k -> new EnumMap<>(KohyaKeys.Part.class));
            TensorInfo previous = parts.put(parsed.get().part(), info);
            if (previous != null) {
                throw AdapterFormatException.tensor(
                        file,
                        info.name(),
                        "one " + parsed.get().part().name().toLowerCase() + " tensor for module '"
                                + parsed.get().module() + "'",
                        "a second one besides '" + previous.name() + "'");
            }
        }
        if (groups.isEmpty()) {
            throw new AdapterFormatException(
                    file,
                    "no kohya LoRA tensors (keys ending in .lora_down.weight, .lora_up.weight "
                            + "and .alpha); found " + st.tensors().size()
                            + " other tensors. A PEFT adapter is a folder holding "
                            + "adapter_config.json and adapter_model.safetensors: open the folder");
        }
        Map<String, StoredAdapter.ModuleTensors> modules = new LinkedHashMap<>();
        List<ConfigFit.Module> fits = new ArrayList<>();
        for (var e : groups.entrySet()) {
            StoredAdapter.ModuleTensors t = moduleTensors(st, e.getKey(), e.getValue(), options);
            modules.put(e.getKey(), t);
            fits.add(new ConfigFit.Module(t.spec(), t.scale()));
        }
        String base = options.baseModel().orElse(null);
        PeftConfig config = ConfigFit.fit(PeftConfig.lora(fits.get(0).spec().rank(), 8, base), fits);
        AdapterType type = AdapterType.of(
                base,
                modules.values().stream().map(StoredAdapter.ModuleTensors::spec).toList());
        AdapterMeta meta = new AdapterMeta(AdapterFormat.KOHYA, config, "", extras, st.metadata());
        String name = file.toAbsolutePath().normalize().getFileName().toString();
        String label = options.label()
                .orElse(name.endsWith(SUFFIX) ? name.substring(0, name.length() - SUFFIX.length()) : name);
        return StoredAdapter.of(label, SourceFormat.KOHYA, file, st, type, meta, modules);
    }

    private static String unsupportedMessage(String fragment) {
        return switch (fragment) {
            case ".lora_A.", ".lora_B.", ".lora_embedding_", ".lora_magnitude_vector" ->
                "a PEFT key; a PEFT adapter is read from its folder (adapter_config.json + adapter_model.safetensors)";
            case ".lora_mid." ->
                "a LyCORIS LoCon Tucker core (lora_mid), which the LyCORIS reader reads: open the file "
                        + "with Lora.load / Formats.open";
            case ".dora_scale" -> "a kohya/LyCORIS DoRA scale (dora_scale), whose update needs the base weight";
            case ".oft_" -> "a LyCORIS OFT key ('.oft_'), which rotates the base weight: not an additive update";
            default ->
                "a LyCORIS key ('" + fragment + "': LoHa or LoKr), which the LyCORIS reader reads: open the file "
                        + "with Lora.load / Formats.open";
        };
    }

    /**
     * One plain kohya module: {@code lora_down} as {@code A}, {@code lora_up} as {@code B}, scale {@code alpha / r}.
     *
     * @throws AdapterFormatException naming the file, tensor and module when a partner is missing or shapes disagree
     */
    public static StoredAdapter.ModuleTensors moduleTensors(
            SafetensorsFile st, String name, Map<KohyaKeys.Part, TensorInfo> parts, LoadOptions options) {
        Path file = st.path();
        TensorInfo down = parts.get(KohyaKeys.Part.DOWN);
        TensorInfo up = parts.get(KohyaKeys.Part.UP);
        TensorInfo alphaInfo = parts.get(KohyaKeys.Part.ALPHA);
        if (down == null || up == null) {
            TensorInfo have = down != null ? down : up != null ? up : alphaInfo;
            String missing =
                    down == null ? KohyaKeys.key(name, KohyaKeys.Part.DOWN) : KohyaKeys.key(name, KohyaKeys.Part.UP);
            throw AdapterFormatException.tensor(
                    file, have.name(), "its partner '" + missing + "' for module '" + name + "'", "no such tensor");
        }
        DecodableTensors.require(file, name, down, up);
        if (down.rank() < 2 || up.rank() != down.rank() || down.rank() > 5) {
            throw shapes(file, name, down, up);
        }
        long rank = down.dim(0);
        if (up.dim(1) != rank) {
            throw AdapterFormatException.tensor(
                    file,
                    up.name(),
                    "lora_up with " + rank + " columns, the rank of '" + down.name() + "' " + down.shapeString()
                            + " (module '" + name + "')",
                    "shape " + up.shapeString());
        }
        long[] kernel = Arrays.copyOfRange(down.shape(), 2, down.rank());
        for (int i = 2; i < up.rank(); i++) {
            if (up.dim(i) != 1) {
                throw AdapterFormatException.tensor(
                        file,
                        up.name(),
                        "a 1×1 kernel [out, r, 1, 1] for convolution module '" + name + "'",
                        up.shapeString());
            }
        }
        long in = down.dim(1);
        for (long k : kernel) {
            in *= k;
        }
        if (rank == 0 || in == 0 || up.dim(0) == 0) {
            throw AdapterFormatException.tensor(
                    file,
                    down.name(),
                    "non-empty factors for module '" + name + "'",
                    "lora_down " + down.shapeString() + ", lora_up " + up.shapeString());
        }
        if (in > Integer.MAX_VALUE || up.dim(0) > Integer.MAX_VALUE || rank > Integer.MAX_VALUE) {
            throw shapes(file, name, down, up);
        }
        double alpha = alpha(st, name, alphaInfo, (int) rank, options);
        ModuleKind kind = kernel.length == 0 ? ModuleKind.LINEAR : ModuleKind.CONV;
        DType dtype = down.dtype() == up.dtype() ? down.dtype() : DType.F32;
        ModuleSpec spec =
                new ModuleSpec(name, kind, (int) up.dim(0), (int) in, (int) rank, dtype, kernel, false, false, false);
        return new StoredAdapter.ModuleTensors(spec, alpha / rank, down, up, Optional.empty(), Optional.empty());
    }

    /**
     * A module's alpha: the scalar {@code info}; when there is none, the alpha given in {@code options}, else
     * {@code rank}; a stored 0 also means {@code rank} (kohya's and LyCORIS' reading).
     *
     * @throws AdapterFormatException when the alpha is not one finite floating-point value
     */
    public static double alpha(SafetensorsFile st, String module, TensorInfo info, int rank, LoadOptions options) {
        if (info == null) {
            return options.alpha().orElse(rank);
        }
        if (!info.dtype().isDecodable() || Tensor.numel(info.shape()) != 1) {
            throw AdapterFormatException.tensor(
                    st.path(),
                    info.name(),
                    "one floating-point value (the alpha of module '" + module + "')",
                    info.dtype() + info.shapeString());
        }
        double alpha = st.read(info).toDoubleArray()[0];
        if (!Double.isFinite(alpha)) {
            throw AdapterFormatException.tensor(
                    st.path(), info.name(), "a finite alpha for module '" + module + "'", String.valueOf(alpha));
        }
        return alpha == 0 ? rank : alpha;
    }

    private static AdapterFormatException shapes(Path file, String name, TensorInfo down, TensorInfo up) {
        return AdapterFormatException.tensor(
                file,
                down.name(),
                "lora_down [r, in] with lora_up [out, r] (or convolution "
                        + "kernels [r, in, kh, kw] with [out, r, 1, 1]) for module '" + name + "'",
                "lora_down " + down.shapeString() + " with lora_up " + up.shapeString());
    }
}
