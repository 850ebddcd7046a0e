package org.loralgebra.io.lycoris;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.SourceFormat;
import org.loralgebra.io.StoredAdapter;
import org.loralgebra.io.factor.ExactDtype;
import org.loralgebra.io.factor.Term;
import org.loralgebra.io.factor.TermFactors;
import org.loralgebra.io.kohya.KohyaFile;
import org.loralgebra.io.kohya.KohyaKeys;
import org.loralgebra.io.lycoris.LycorisKeys.Part;
import org.loralgebra.io.peft.ConfigFit;
import org.loralgebra.io.safetensors.DecodableTensors;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.io.safetensors.TensorInfo;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.ModuleOrder;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.TensorRef;
import org.loralgebra.tensor.Tensor;

/**
 * Reads a LyCORIS / kohya LyCORIS file ({@code .safetensors} with {@link LycorisKeys}): each module a LoHa, a LoKr or
 * a LoCon (kohya LoRA, optionally with a Tucker core {@code lora_mid}), in its exact LoRA form.
 *
 * <p>Scales, as LyCORIS computes them ({@code lycoris/modules/loha.py}, {@code lokr.py}, {@code locon.py}): alpha
 * divided by the rank r of the module's factors — {@code hada_w1_b}'s rows for LoHa, the first split factor's
 * {@code _b} rows for LoKr, {@code lora_down}'s rows for LoCon; a missing or zero {@code alpha} means alpha = r
 * (scale 1) unless {@link LoadOptions#alpha()} gives one; a LoKr with both Kronecker factors stored whole has scale 1
 * whatever its alpha (LyCORIS sets alpha = r then). A {@code dora_scale} (weight-decomposed module) is refused: its
 * update needs the base weight.
 *
 * <p>A save writes a plain kohya LoRA file ({@code lora_down} / {@code lora_up} / {@code alpha}, module names kept) at
 * the ranks of the exact forms; the {@code __metadata__} is kept except the {@code ss_network_*} keys that describe the
 * LyCORIS network ({@code ss_network_module}, {@code _args}, {@code _dim}, {@code _alpha}), which would be false of it.
 */
public final class LycorisFile {
    /** The {@code __metadata__} keys dropped from what a save writes: they describe the LyCORIS network. */
    public static final Set<String> NETWORK_METADATA =
            Set.of("ss_network_module", "ss_network_args", "ss_network_dim", "ss_network_alpha");

    /** What this reader reads. */
    public static final SourceFormat FORMAT = new SourceFormat("lycoris", "LyCORIS file (LoHa / LoKr / LoCon)");

    private LycorisFile() {}

    /** Whether {@code key} is one only a LyCORIS file holds (LoHa, LoKr, a LoCon Tucker core, a DoRA scale). */
    public static boolean isLycorisKey(String key) {
        return LycorisKeys.parse(key)
                .map(p ->
                        p.part().loha() || p.part().lokr() || p.part() == Part.LORA_MID || p.part() == Part.DORA_SCALE)
                .orElse(false);
    }

    /**
     * Reads the file's header and alphas and checks every module.
     *
     * @throws AdapterFormatException naming the file, tensor and module of the first problem found
     */
    public static StoredAdapter read(SafetensorsFile st, LoadOptions options) {
        Path file = st.path();
        Map<String, Map<Part, TensorInfo>> groups = new TreeMap<>(ModuleOrder.INSTANCE);
        Map<String, TensorRef> extras = new LinkedHashMap<>();
        for (TensorInfo info : st.tensors().values()) {
            Optional<String> refused = LycorisKeys.refusal(info.name());
            if (refused.isPresent()) {
                throw AdapterFormatException.tensor(file, info.name(), "LoHa, LoKr or LoCon keys", refused.get());
            }
            Optional<LycorisKeys.Parsed> parsed = LycorisKeys.parse(info.name()).or(() -> kohyaSpelling(info.name()));
            if (parsed.isEmpty()) {
                extras.put(info.name(), StoredAdapter.ref(st, info));
                continue;
            }
            var parts = groups.computeIfAbsent(parsed.get().module(), k -> new EnumMap<>(Part.class));
            TensorInfo previous = parts.put(parsed.get().part(), info);
            if (previous != null) {
                throw AdapterFormatException.tensor(
                        file,
                        info.name(),
                        "one " + parsed.get().part().suffix() + " tensor for " + "module '"
                                + parsed.get().module() + "'",
                        "a second one besides '" + previous.name() + "'");
            }
        }
        if (groups.isEmpty()) {
            throw new AdapterFormatException(
                    file,
                    "no LyCORIS tensors (keys ending in .hada_w1_a, .lokr_w1, .lora_down.weight " + "…); found "
                            + st.tensors().size() + " other tensors");
        }
        Map<String, StoredAdapter.ModuleTensors> modules = new LinkedHashMap<>();
        List<ConfigFit.Module> fits = new ArrayList<>();
        for (var e : groups.entrySet()) {
            StoredAdapter.ModuleTensors t = module(st, e.getKey(), e.getValue(), options);
            modules.put(e.getKey(), t);
            fits.add(new ConfigFit.Module(t.spec(), t.scale()));
        }
        String base = options.baseModel().orElse(null);
        int r = fits.stream()
                .mapToInt(m -> m.spec().rank())
                .filter(x -> x > 0)
                .findFirst()
                .orElse(1);
        PeftConfig config = ConfigFit.fit(PeftConfig.lora(r, 8, base), fits);
        AdapterType type = AdapterType.of(
                base,
                modules.values().stream().map(StoredAdapter.ModuleTensors::spec).toList());
        Map<String, String> metadata = new LinkedHashMap<>(st.metadata());
        metadata.keySet().removeAll(NETWORK_METADATA);
        AdapterMeta meta = new AdapterMeta(AdapterFormat.KOHYA, config, "", extras, metadata);
        String name = file.toAbsolutePath().normalize().getFileName().toString();
        String label = options.label()
                .orElse(
                        name.endsWith(KohyaFile.SUFFIX)
                                ? name.substring(0, name.length() - KohyaFile.SUFFIX.length())
                                : name);
        return StoredAdapter.of(label, FORMAT, file, st, type, meta, modules);
    }

    /** diffusers' and kohya's other spellings of {@code lora_down} / {@code lora_up} / {@code alpha}. */
    private static Optional<LycorisKeys.Parsed> kohyaSpelling(String key) {
        return KohyaKeys.parse(key)
                .map(k -> new LycorisKeys.Parsed(
                        k.module(),
                        switch (k.part()) {
                            case DOWN -> Part.LORA_DOWN;
                            case UP -> Part.LORA_UP;
                            case ALPHA -> Part.ALPHA;
                        }));
    }

    private static StoredAdapter.ModuleTensors module(
            SafetensorsFile st, String name, Map<Part, TensorInfo> parts, LoadOptions options) {
        Path file = st.path();
        if (parts.containsKey(Part.DORA_SCALE)) {
            TensorInfo dora = parts.get(Part.DORA_SCALE);
            throw AdapterFormatException.tensor(
                    file,
                    dora.name(),
                    "an update that does not depend on the base weight " + "(module '" + name + "')",
                    "dora_scale " + dora.shapeString() + ": a weight-decomposed (DoRA) module, "
                            + "whose update m·(W + ΔW)/‖W + ΔW‖ − W needs the base weight W, which is not in the file");
        }
        boolean loha = parts.keySet().stream().anyMatch(Part::loha);
        boolean lokr = parts.keySet().stream().anyMatch(Part::lokr);
        boolean locon = parts.keySet().stream().anyMatch(Part::locon);
        if ((loha ? 1 : 0) + (lokr ? 1 : 0) + (locon ? 1 : 0) > 1) {
            TensorInfo any = parts.values().iterator().next();
            throw AdapterFormatException.tensor(
                    file,
                    any.name(),
                    "the tensors of one algorithm (LoHa, LoKr or LoCon) for " + "module '" + name + "'",
                    "a mix: " + parts.keySet().stream().map(Part::suffix).toList());
        }
        TensorInfo alpha = parts.get(Part.ALPHA);
        if (loha || lokr) {
            LycorisModules.Read read =
                    loha ? LycorisModules.loha(file, name, name, parts) : LycorisModules.lokr(file, name, name, parts);
            double scale = read.wholeKronecker()
                    ? 1.0
                    : KohyaFile.alpha(st, name, alpha, read.alphaRank(), options) / read.alphaRank();
            return StoredAdapter.ModuleTensors.of(read.spec(), scale, read.factors());
        }
        if (!locon) {
            throw AdapterFormatException.tensor(
                    file,
                    alpha.name(),
                    "its partner '" + name + ".lora_down.weight' (or the " + "LoHa / LoKr tensors) for module '" + name
                            + "'",
                    "no such tensor");
        }
        if (!parts.containsKey(Part.LORA_MID)) {
            Map<KohyaKeys.Part, TensorInfo> kohya = new EnumMap<>(KohyaKeys.Part.class);
            if (parts.containsKey(Part.LORA_DOWN)) {
                kohya.put(KohyaKeys.Part.DOWN, parts.get(Part.LORA_DOWN));
            }
            if (parts.containsKey(Part.LORA_UP)) {
                kohya.put(KohyaKeys.Part.UP, parts.get(Part.LORA_UP));
            }
            if (alpha != null) {
                kohya.put(KohyaKeys.Part.ALPHA, alpha);
            }
            return KohyaFile.moduleTensors(st, name, kohya, options);
        }
        return loconTucker(st, name, parts, options);
    }

    /** LoCon with a Tucker core: {@code up [out, r, 1, 1]}, {@code mid [r, r, kh, kw]}, {@code down [r, c, 1, 1]}. */
    private static StoredAdapter.ModuleTensors loconTucker(
            SafetensorsFile st, String name, Map<Part, TensorInfo> parts, LoadOptions options) {
        Path file = st.path();
        LycorisModules.require(file, name, name, parts, List.of(Part.LORA_DOWN, Part.LORA_MID, Part.LORA_UP));
        TensorInfo up = parts.get(Part.LORA_UP);
        TensorInfo mid = parts.get(Part.LORA_MID);
        TensorInfo down = parts.get(Part.LORA_DOWN);
        DecodableTensors.require(file, name, up, mid, down);
        if (mid.rank() < 3) {
            throw AdapterFormatException.tensor(
                    file,
                    mid.name(),
                    "a Tucker core [r, r, kh, kw] (module '" + name + "')",
                    "shape " + mid.shapeString());
        }
        if (up.rank() < 2 || up.dim(1) != mid.dim(0) || up.dim(0) * up.dim(1) != Tensor.numel(up.shape())) {
            throw AdapterFormatException.tensor(
                    file,
                    up.name(),
                    "[out, r, 1, 1] with r = " + mid.dim(0) + ", the first dim " + "of '" + mid.name() + "' "
                            + mid.shapeString() + " (module '" + name + "')",
                    "shape " + up.shapeString());
        }
        if (down.rank() < 2 || down.dim(0) != mid.dim(1) || down.dim(0) * down.dim(1) != Tensor.numel(down.shape())) {
            throw AdapterFormatException.tensor(
                    file,
                    down.name(),
                    "[r, in, 1, 1] with r = " + mid.dim(1) + ", the second " + "dim of '" + mid.name() + "' "
                            + mid.shapeString() + " (module '" + name + "')",
                    "shape " + down.shapeString());
        }
        TermFactors f = TermFactors.of("locon_tucker", Term.tuckerConv(up, mid, down));
        long[] kernel = Arrays.copyOfRange(mid.shape(), 2, mid.rank());
        ModuleSpec spec = LycorisModules.spec(
                file, down, name, f.out(), f.in(), f.rank(), ExactDtype.stored(f.tensors()), kernel);
        int r = (int) down.dim(0);
        double scale = KohyaFile.alpha(st, name, parts.get(Part.ALPHA), r, options) / r;
        return StoredAdapter.ModuleTensors.of(spec, scale, f);
    }
}
