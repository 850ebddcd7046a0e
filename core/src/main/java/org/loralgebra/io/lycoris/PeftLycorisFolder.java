package org.loralgebra.io.lycoris;

import java.nio.file.Path;
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
import org.loralgebra.io.lycoris.LycorisKeys.Part;
import org.loralgebra.io.peft.PeftFolder;
import org.loralgebra.io.peft.PeftTypedFolder;
import org.loralgebra.io.safetensors.TensorInfo;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.model.ModuleOrder;
import org.loralgebra.model.TensorRef;

/**
 * Reads PEFT's LoHa and LoKr adapter folders ({@code peft_type} {@code LOHA} / {@code LOKR}): the tensors of
 * {@link LycorisKeys} under {@code base_model.model.}, in their exact LoRA forms ({@link LycorisModules}).
 *
 * <p>Scale, as PEFT's {@code tuners/loha} and {@code tuners/lokr} compute it: {@code alpha / r} with the module's
 * {@code r} and {@code alpha} from {@code rank_pattern} / {@code alpha_pattern} (PEFT's regex matching) over the
 * config's {@code r} and {@code alpha} (defaults 8 and 8) — for LoKr also when both Kronecker factors are stored
 * whole (unlike LyCORIS, which uses 1 then). Each stored rank must be the config's {@code r} for the module.
 * {@link LoadOptions#alpha()} and {@link LoadOptions#rank()} replace {@code alpha} and {@code r}.
 */
public final class PeftLycorisFolder {
    /** PEFT's LoHa folders. */
    public static final SourceFormat LOHA = new SourceFormat("peft_loha", "PEFT LoHa adapter folder");
    /** PEFT's LoKr folders. */
    public static final SourceFormat LOKR = new SourceFormat("peft_lokr", "PEFT LoKr adapter folder");

    private PeftLycorisFolder() {}

    /**
     * Reads a LoHa ({@code lokr == false}) or LoKr folder.
     *
     * @throws AdapterFormatException naming the file, tensor and module of the first problem found
     */
    public static StoredAdapter read(Path folder, boolean lokr, LoadOptions options) {
        PeftTypedFolder f = PeftTypedFolder.open(folder);
        Path file = f.weights().path();
        int r = options.rank().orElseGet(() -> f.positiveInt("r", 8));
        double alpha = options.alpha().orElseGet(() -> f.finite("alpha", 8));
        PeftConfig patterns = f.patterns(r, alpha);
        Map<String, Map<Part, TensorInfo>> groups = new TreeMap<>(ModuleOrder.INSTANCE);
        Map<String, TensorRef> extras = new LinkedHashMap<>();
        for (TensorInfo info : f.weights().tensors().values()) {
            Optional<LycorisKeys.Parsed> parsed = LycorisKeys.parse(info.name());
            if (parsed.isEmpty()) {
                extras.put(info.name(), StoredAdapter.ref(f.weights(), info));
                continue;
            }
            Part part = parsed.get().part();
            if (lokr ? !part.lokr() : !part.loha()) {
                throw AdapterFormatException.tensor(
                        file,
                        info.name(),
                        "PEFT " + (lokr ? "LoKr (lokr_*)" : "LoHa (hada_*)") + " tensors, as peft_type says",
                        "a " + part.suffix() + " tensor");
            }
            var parts = groups.computeIfAbsent(parsed.get().module(), k -> new EnumMap<>(Part.class));
            if (parts.put(part, info) != null) {
                throw AdapterFormatException.tensor(
                        file,
                        info.name(),
                        "one " + part.suffix() + " tensor for module '"
                                + parsed.get().module() + "'",
                        "two");
            }
        }
        String prefix = PeftTypedFolder.prefix(groups.keySet());
        Map<String, StoredAdapter.ModuleTensors> modules = new LinkedHashMap<>();
        for (var e : groups.entrySet()) {
            String name = e.getKey().substring(prefix.length());
            Map<Part, TensorInfo> parts = e.getValue();
            LycorisModules.Read read = lokr
                    ? LycorisModules.lokr(file, e.getKey(), name, parts)
                    : LycorisModules.loha(file, e.getKey(), name, parts);
            int moduleRank = patterns.rankFor(name);
            List<Part> ranked =
                    lokr ? List.of(Part.LOKR_W1_B, Part.LOKR_W2_B) : List.of(Part.HADA_W1_B, Part.HADA_W2_B);
            for (Part p : ranked) {
                TensorInfo t = parts.get(p);
                if (t != null && t.dim(0) != moduleRank) {
                    throw AdapterFormatException.tensor(
                            file,
                            t.name(),
                            "rank " + moduleRank + " for module '" + name
                                    + "', as "
                                    + (options.rank().isPresent()
                                            ? "the rank given in LoadOptions"
                                            : PeftFolder.CONFIG + " gives it (\"r\" or \"rank_pattern\")"),
                            "rank " + t.dim(0) + " (shape " + t.shapeString() + ")");
                }
            }
            double scale = patterns.alphaFor(name) / moduleRank;
            modules.put(name, StoredAdapter.ModuleTensors.of(read.spec(), scale, read.factors()));
        }
        return f.adapter(lokr ? LOKR : LOHA, prefix, options, modules, extras);
    }
}
