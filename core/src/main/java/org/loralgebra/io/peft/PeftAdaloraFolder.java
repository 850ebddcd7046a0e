package org.loralgebra.io.peft;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.SourceFormat;
import org.loralgebra.io.StoredAdapter;
import org.loralgebra.io.factor.AdaloraFactors;
import org.loralgebra.io.factor.ExactDtype;
import org.loralgebra.io.safetensors.DecodableTensors;
import org.loralgebra.io.safetensors.TensorInfo;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleOrder;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.TensorRef;
import org.loralgebra.tensor.Tensor;

/**
 * Reads PEFT's AdaLoRA adapter folders ({@code peft_type} {@code ADALORA}): per module {@code lora_A [r, in]},
 * {@code lora_E [r, 1]}, {@code lora_B [out, r]} (keys without {@code .weight}), in the exact LoRA form
 * {@code B·diag(E)·A} ({@link AdaloraFactors}).
 *
 * <p>Scale, as PEFT's {@code tuners/adalora} computes it: {@code lora_alpha / (ranknum + 1e-5)} where
 * {@code ranknum} is {@code init_r} (every module is created at {@code init_r}, and a pruned module keeps it), the sum
 * taken in float32 as PyTorch takes it; {@code lora_alpha ≤ 0} means the module's rank. Pruned ranks: a
 * {@code rank_pattern} entry {@code <module>.lora_E} is a mask over the {@code init_r} ranks; tensors saved trimmed
 * have as many rows as the mask keeps, untrimmed ones {@code init_r} rows, of which the kept ones are read.
 */
public final class PeftAdaloraFolder {
    /** PEFT's AdaLoRA folders. */
    public static final SourceFormat FORMAT = new SourceFormat("peft_adalora", "PEFT AdaLoRA adapter folder");

    private static final List<String> PARTS = List.of(".lora_A", ".lora_E", ".lora_B");

    private PeftAdaloraFolder() {}

    /**
     * Reads the folder.
     *
     * @throws AdapterFormatException naming the file, tensor and module of the first problem found
     */
    public static StoredAdapter read(Path folder, LoadOptions options) {
        PeftTypedFolder f = PeftTypedFolder.open(folder);
        Path file = f.weights().path();
        int initRank = f.positiveInt("init_r", 12);
        double alpha = options.alpha().orElseGet(() -> f.finite("lora_alpha", 8));
        boolean fanInFanOut = f.flag("fan_in_fan_out", false);
        JsonNode rankPattern = f.node("rank_pattern");
        if (rankPattern != null && !rankPattern.isObject()) {
            throw f.bad("rank_pattern", "an object of module to a list of true/false per rank", rankPattern);
        }
        float ranknum = (float) initRank + 1e-5f;
        Map<String, Map<String, TensorInfo>> groups = new TreeMap<>(ModuleOrder.INSTANCE);
        Map<String, TensorRef> extras = new LinkedHashMap<>();
        for (TensorInfo info : f.weights().tensors().values()) {
            String part = PARTS.stream()
                    .filter(p -> info.name().endsWith(p) && info.name().length() > p.length())
                    .findFirst()
                    .orElse(null);
            if (part == null) {
                extras.put(info.name(), StoredAdapter.ref(f.weights(), info));
            } else {
                groups.computeIfAbsent(
                                info.name().substring(0, info.name().length() - part.length()), k -> new TreeMap<>())
                        .put(part, info);
            }
        }
        String prefix = PeftTypedFolder.prefix(groups.keySet());
        Map<String, StoredAdapter.ModuleTensors> modules = new LinkedHashMap<>();
        for (var e : groups.entrySet()) {
            String name = e.getKey().substring(prefix.length());
            Map<String, TensorInfo> parts = e.getValue();
            for (String p : PARTS) {
                if (!parts.containsKey(p)) {
                    throw AdapterFormatException.tensor(
                            file,
                            parts.values().iterator().next().name(),
                            "its partner '" + e.getKey() + p + "' for module '" + name + "'",
                            "no such tensor");
                }
            }
            TensorInfo a = parts.get(".lora_A");
            TensorInfo en = parts.get(".lora_E");
            TensorInfo b = parts.get(".lora_B");
            DecodableTensors.require(file, name, a, en, b);
            if (a.rank() != 2 || a.dim(1) == 0) {
                throw AdapterFormatException.tensor(
                        file, a.name(), "lora_A [r, in] for module '" + name + "'", "shape " + a.shapeString());
            }
            long r = a.dim(0);
            if (b.rank() != 2 || b.dim(1) != r || b.dim(0) == 0) {
                throw AdapterFormatException.tensor(
                        file,
                        b.name(),
                        "lora_B [out, " + r + "], r the rows of '" + a.name() + "' " + a.shapeString() + " (module '"
                                + name + "')",
                        "shape " + b.shapeString());
            }
            if (Tensor.numel(en.shape()) != r || en.rank() > 2) {
                throw AdapterFormatException.tensor(
                        file,
                        en.name(),
                        "lora_E [" + r + ", 1], one value per rank of '" + a.name() + "' " + a.shapeString()
                                + " (module '" + name + "')",
                        "shape " + en.shapeString());
            }
            int[] kept = kept(f, rankPattern, name, a, initRank);
            AdaloraFactors factors = AdaloraFactors.of(initRank, b, en, a, kept);
            double moduleAlpha = alpha > 0
                    ? alpha
                    : (rankPattern != null && rankPattern.has(name + ".lora_E") ? kept.length : initRank);
            ModuleSpec spec = new ModuleSpec(
                    name,
                    ModuleKind.LINEAR,
                    (int) b.dim(0),
                    (int) a.dim(1),
                    kept.length,
                    ExactDtype.stored(factors.tensors()),
                    new long[0],
                    fanInFanOut,
                    false,
                    false);
            modules.put(name, StoredAdapter.ModuleTensors.of(spec, moduleAlpha / ranknum, factors));
        }
        return f.adapter(FORMAT, prefix, options, modules, extras);
    }

    /** The stored rows read: all, or those the module's {@code rank_pattern} mask keeps when the tensors are untrimmed. */
    private static int[] kept(PeftTypedFolder f, JsonNode rankPattern, String name, TensorInfo a, int initRank) {
        long rows = a.dim(0);
        JsonNode mask = rankPattern == null ? null : rankPattern.get(name + ".lora_E");
        if (mask == null || mask.isNull()) {
            if (rows != initRank) {
                throw AdapterFormatException.tensor(
                        f.weights().path(),
                        a.name(),
                        "init_r = " + initRank + " rows (module '" + name + "' has no rank_pattern entry '" + name
                                + ".lora_E' in " + PeftFolder.CONFIG + ")",
                        "shape " + a.shapeString());
            }
            return IntStream.range(0, (int) rows).toArray();
        }
        if (!mask.isArray() || mask.size() != initRank || !allBooleans(mask)) {
            throw f.bad(
                    "rank_pattern",
                    "for '" + name + ".lora_E' a list of " + initRank + " true/false values (init_r)",
                    mask);
        }
        int[] keep = IntStream.range(0, mask.size())
                .filter(i -> mask.get(i).booleanValue())
                .toArray();
        if (rows == keep.length) {
            return IntStream.range(0, keep.length).toArray();
        }
        if (rows == initRank) {
            return keep;
        }
        throw AdapterFormatException.tensor(
                f.weights().path(),
                a.name(),
                keep.length + " rows (the ranks rank_pattern keeps " + "for module '" + name + "') or " + initRank
                        + " (init_r, untrimmed)",
                "shape " + a.shapeString());
    }

    private static boolean allBooleans(JsonNode array) {
        for (JsonNode v : array) {
            if (!v.isBoolean()) {
                return false;
            }
        }
        return true;
    }
}
