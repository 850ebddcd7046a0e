package org.loralgebra.io.peft;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.SourceFormat;
import org.loralgebra.io.StoredAdapter;
import org.loralgebra.io.factor.ExactDtype;
import org.loralgebra.io.factor.VeraFactors;
import org.loralgebra.io.safetensors.DecodableTensors;
import org.loralgebra.io.safetensors.TensorInfo;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleOrder;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.TensorRef;
import org.loralgebra.tensor.Tensor;

/**
 * Reads PEFT's VeRA adapter folders ({@code peft_type} {@code VERA}): the shared projections
 * {@code base_model.vera_A [r, in_max]} and {@code base_model.vera_B [out_max, r]}, and per module
 * {@code vera_lambda_b [out]} and {@code vera_lambda_d [r]}, in the exact LoRA form
 * {@code diag(λ_b)·B[:out, :]·diag(λ_d)·A[:, :in]} ({@link VeraFactors}), scale 1 (VeRA has no alpha).
 *
 * <p>A VeRA folder saved with {@code save_projection: false} holds no projections (PEFT regenerates them from
 * {@code projection_prng_key} with PyTorch's generator): refused by name. VeRA stores no layer's input width: every
 * module is read with {@code in} = the width of {@code vera_A} (the widest targeted layer's), which is each layer's own
 * when the targeted layers share their input width (q/k/v/o of a transformer); a layer narrower than that is read
 * with {@code in_max − in} extra columns of {@code A}, which its inputs never meet.
 */
public final class PeftVeraFolder {
    /** PEFT's VeRA folders. */
    public static final SourceFormat FORMAT = new SourceFormat("peft_vera", "PEFT VeRA adapter folder");

    private static final String LAMBDA_B = ".vera_lambda_b";
    private static final String LAMBDA_D = ".vera_lambda_d";
    private static final List<String> SHARED = List.of("vera_A", "vera_B");

    private PeftVeraFolder() {}

    /**
     * Reads the folder.
     *
     * @throws AdapterFormatException naming the file, tensor and module of the first problem found, or the config key
     *                                {@code save_projection} when the projections were not saved
     */
    public static StoredAdapter read(Path folder, LoadOptions options) {
        PeftTypedFolder f = PeftTypedFolder.open(folder);
        Path file = f.weights().path();
        if (options.alpha().isPresent()) {
            throw new AdapterFormatException(
                    f.configFile(),
                    "peft_type VERA has no alpha (its scale is 1): an alpha given "
                            + "when loading it would be ignored, so it is refused");
        }
        int r = f.positiveInt("r", 256);
        if (options.rank().isPresent() && options.rank().getAsInt() != r) {
            throw new AdapterFormatException(
                    f.configFile(),
                    "\"r\" is " + r + " (the shared projections' rank), not the " + "rank "
                            + options.rank().getAsInt() + " given when loading");
        }
        boolean fanInFanOut = f.flag("fan_in_fan_out", false);
        if (!f.flag("save_projection", true)) {
            throw new AdapterFormatException(
                    f.configFile(),
                    "\"save_projection\" is false: this VeRA adapter holds no "
                            + "vera_A / vera_B; PEFT regenerates them from \"projection_prng_key\" ("
                            + f.node("projection_prng_key")
                            + ") with PyTorch's random generator, which LoRAlgebra does not "
                            + "reproduce. Save the adapter again with save_projection=True");
        }
        Map<String, TensorInfo> shared = new LinkedHashMap<>();
        Map<String, Map<String, TensorInfo>> groups = new TreeMap<>(ModuleOrder.INSTANCE);
        Map<String, TensorRef> extras = new LinkedHashMap<>();
        for (TensorInfo info : f.weights().tensors().values()) {
            String name = info.name();
            String sharedName = SHARED.stream()
                    .filter(s -> name.equals(s) || name.endsWith("." + s))
                    .findFirst()
                    .orElse(null);
            if (sharedName != null) {
                if (shared.put(sharedName, info) != null) {
                    throw AdapterFormatException.tensor(file, name, "one shared " + sharedName, "two");
                }
            } else if (name.endsWith(LAMBDA_B) || name.endsWith(LAMBDA_D)) {
                String suffix = name.endsWith(LAMBDA_B) ? LAMBDA_B : LAMBDA_D;
                groups.computeIfAbsent(name.substring(0, name.length() - suffix.length()), k -> new TreeMap<>())
                        .put(suffix, info);
            } else {
                extras.put(name, StoredAdapter.ref(f.weights(), info));
            }
        }
        if (groups.isEmpty()) {
            return f.adapter(FORMAT, "", options, Map.of(), extras);
        }
        for (String s : SHARED) {
            if (!shared.containsKey(s)) {
                throw AdapterFormatException.tensor(
                        file,
                        "base_model." + s,
                        "the shared VeRA projection " + s + " (the " + "config says save_projection is true)",
                        "no such tensor");
            }
        }
        TensorInfo sharedA = shared.get("vera_A");
        TensorInfo sharedB = shared.get("vera_B");
        if (sharedA.rank() != 2 || sharedA.dim(0) != r || sharedA.dim(1) == 0) {
            throw AdapterFormatException.tensor(
                    file,
                    sharedA.name(),
                    "[r, in_max] with r = " + r + " (\"r\" in " + PeftFolder.CONFIG + ")",
                    "shape " + sharedA.shapeString());
        }
        if (sharedB.rank() != 2 || sharedB.dim(1) != r || sharedB.dim(0) == 0) {
            throw AdapterFormatException.tensor(
                    file,
                    sharedB.name(),
                    "[out_max, r] with r = " + r + " (\"r\" in " + PeftFolder.CONFIG + ")",
                    "shape " + sharedB.shapeString());
        }
        String prefix = PeftTypedFolder.prefix(groups.keySet());
        Map<String, StoredAdapter.ModuleTensors> modules = new LinkedHashMap<>();
        for (var e : groups.entrySet()) {
            String name = e.getKey().substring(prefix.length());
            TensorInfo lb = e.getValue().get(LAMBDA_B);
            TensorInfo ld = e.getValue().get(LAMBDA_D);
            if (lb == null || ld == null) {
                TensorInfo have = lb != null ? lb : ld;
                throw AdapterFormatException.tensor(
                        file,
                        have.name(),
                        "its partner '" + e.getKey() + (lb == null ? LAMBDA_B : LAMBDA_D) + "' for module '" + name
                                + "'",
                        "no such tensor");
            }
            DecodableTensors.require(file, name, lb, ld, sharedA, sharedB);
            if (ld.rank() != 1 || ld.dim(0) != r) {
                throw AdapterFormatException.tensor(
                        file,
                        ld.name(),
                        "[" + r + "], one value per rank of the shared " + "projections (module '" + name + "')",
                        "shape " + ld.shapeString());
            }
            long out = Tensor.numel(lb.shape());
            if (lb.rank() != 1 || out == 0 || out > sharedB.dim(0)) {
                throw AdapterFormatException.tensor(
                        file,
                        lb.name(),
                        "[out] with out at most " + sharedB.dim(0) + ", the " + "rows of '" + sharedB.name()
                                + "' (module '" + name + "')",
                        "shape " + lb.shapeString());
            }
            VeraFactors factors = VeraFactors.of(sharedA, sharedB, lb, ld, (int) sharedA.dim(1));
            ModuleSpec spec = new ModuleSpec(
                    name,
                    ModuleKind.LINEAR,
                    (int) out,
                    (int) sharedA.dim(1),
                    r,
                    ExactDtype.stored(List.of(lb, ld, sharedA, sharedB)),
                    new long[0],
                    fanInFanOut,
                    false,
                    false);
            modules.put(name, StoredAdapter.ModuleTensors.of(spec, 1.0, factors));
        }
        return f.adapter(FORMAT, prefix, options, modules, extras);
    }
}
