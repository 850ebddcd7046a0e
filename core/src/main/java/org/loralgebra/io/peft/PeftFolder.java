package org.loralgebra.io.peft;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.io.LoadOptions;
import org.loralgebra.io.SourceFormat;
import org.loralgebra.io.StoredAdapter;
import org.loralgebra.io.files.InputFiles;
import org.loralgebra.io.safetensors.DecodableTensors;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.io.safetensors.TensorInfo;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.TensorRef;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * Reads a Hugging Face PEFT adapter folder ({@code adapter_config.json} + {@code adapter_model.safetensors}).
 *
 * <p>Module names are the keys without {@code base_model.model.} and without the {@code .lora_A.weight}
 * suffix ({@code model.layers.0.self_attn.q_proj}). Every module's rank must agree between {@code lora_A},
 * {@code lora_B} and the config ({@code r} / {@code rank_pattern}); tensors that are not LoRA factors
 * (heads saved through {@code modules_to_save}, biases) are kept as extras and written back untouched.
 */
public final class PeftFolder {
    /** The config file name. */
    public static final String CONFIG = "adapter_config.json";
    /** The weights file name. */
    public static final String WEIGHTS = "adapter_model.safetensors";
    /** The pickle checkpoint name older PEFT versions write. */
    public static final String PICKLE_WEIGHTS = "adapter_model.bin";

    private PeftFolder() {}

    /** Whether {@code folder} looks like a PEFT adapter folder (has the weights file or the config). */
    public static boolean isPeftFolder(Path folder) {
        return Files.isRegularFile(folder.resolve(WEIGHTS)) || Files.isRegularFile(folder.resolve(CONFIG));
    }

    /**
     * Reads the folder's config and weights header and checks them against each other.
     *
     * @throws AdapterFormatException naming the file, tensor and module of the first problem found
     */
    public static StoredAdapter read(Path folder, LoadOptions options) {
        Path weights = weightsOf(folder);
        Path configFile = folder.resolve(CONFIG);
        SafetensorsFile file = SafetensorsFile.open(weights);
        PeftTensorGroups grouped = PeftTensorGroups.of(file, "LoRA");
        var groups = grouped.modules();
        Map<String, TensorRef> extras = grouped.extras();
        String prefix = groups.keySet().stream().allMatch(k -> k.startsWith(PeftKeys.PREFIX)) ? PeftKeys.PREFIX : "";
        PeftConfig config = readConfig(configFile, options, groups, prefix);
        String rankSource = Files.isRegularFile(configFile)
                ? (options.rank().isPresent()
                        ? "the rank given in LoadOptions"
                        : CONFIG + " gives it (\"r\" or \"rank_pattern\")")
                : (options.rank().isPresent()
                        ? "the rank given in LoadOptions"
                        : "the most common rank of the tensors");
        List<ModuleSpec> specs = new ArrayList<>();
        Map<String, StoredAdapter.ModuleTensors> modules = new LinkedHashMap<>();
        for (var e : groups.entrySet()) {
            String name = e.getKey().substring(prefix.length());
            StoredAdapter.ModuleTensors t = moduleTensors(weights, name, name, e.getValue(), config, rankSource);
            specs.add(t.spec());
            modules.put(name, t);
        }
        String base = options.baseModel().orElse(config.baseModel().orElse(null));
        AdapterType type = AdapterType.of(base, specs);
        AdapterMeta meta = new AdapterMeta(AdapterFormat.PEFT, config, prefix, extras, file.metadata());
        String label = options.label()
                .orElse(folder.toAbsolutePath().normalize().getFileName().toString());
        return StoredAdapter.of(label, SourceFormat.PEFT, folder, file, type, meta, modules);
    }

    /**
     * The weights file of a PEFT adapter folder, checked to exist.
     *
     * @throws AdapterFormatException when the folder is missing, or holds no {@value #WEIGHTS} (with a conversion hint
     *                                when it holds a pickle)
     */
    public static Path weightsOf(Path folder) {
        Path weights = folder.resolve(WEIGHTS);
        if (!Files.isDirectory(folder)) {
            throw new AdapterFormatException(
                    folder, "no such folder (a PEFT adapter folder holds " + CONFIG + " and " + WEIGHTS + ")");
        }
        Path configFile = folder.resolve(CONFIG);
        for (Path f : List.of(weights, configFile)) {
            if (Files.exists(f)) {
                InputFiles.checkReadable(
                        f, f == weights ? "the adapter's safetensors weights" : "a JSON adapter config");
            }
        }
        if (!Files.isRegularFile(weights)) {
            if (Files.isRegularFile(folder.resolve(PICKLE_WEIGHTS))) {
                throw new AdapterFormatException(
                        weights,
                        "missing; the folder has " + PICKLE_WEIGHTS
                                + ", a PyTorch pickle, which LoRAlgebra does not unpickle (it can run code). Convert it once with "
                                + "PEFT: PeftModel.from_pretrained(base, folder).save_pretrained(out, safe_serialization=True)");
            }
            throw new AdapterFormatException(
                    weights,
                    "missing: a PEFT adapter folder holds " + CONFIG + " and " + WEIGHTS + singleFiles(folder));
        }
        return weights;
    }

    /**
     * A hint for a folder that holds other safetensors files (a kohya, diffusers or LyCORIS LoRA downloaded into a
     * folder of its own): their names, and that a single-file LoRA is opened by its file's path; else empty.
     */
    private static String singleFiles(Path folder) {
        List<String> names;
        try (var files = Files.list(folder)) {
            names = files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".safetensors"))
                    .sorted()
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
        if (names.isEmpty()) {
            return "";
        }
        String shown = String.join(", ", names.subList(0, Math.min(names.size(), 3)))
                + (names.size() > 3 ? " and " + (names.size() - 3) + " more" : "");
        return "; the folder holds " + shown + ": a single-file LoRA (kohya, diffusers, LyCORIS) is opened by the"
                + " file's path, such as " + folder.resolve(names.get(0));
    }

    private static PeftConfig readConfig(
            Path configFile, LoadOptions options, Map<String, Map<PeftKeys.Part, TensorInfo>> groups, String prefix) {
        if (!Files.isRegularFile(configFile)) {
            if (options.alpha().isEmpty()) {
                throw new AdapterFormatException(
                        configFile,
                        "missing: without it the LoRA alpha (and so the scale "
                                + "alpha/r) is unknown. Give it explicitly: `--alpha A [--rank R]` on the command line, or "
                                + "Lora.load(path, LoadOptions.defaults().withAlpha(A).withRank(R)); the rank is read from "
                                + "the tensors when not given");
            }
            Map<Integer, Integer> counts = new HashMap<>();
            groups.values().forEach(p -> rankOf(p).ifPresent(r -> counts.merge(r, 1, Integer::sum)));
            int r = options.rank()
                    .orElse(counts.entrySet().stream()
                            .max(Comparator.comparing((Map.Entry<Integer, Integer> e) -> e.getValue())
                                    .thenComparing(e -> -e.getKey()))
                            .map(Map.Entry::getKey)
                            .orElse(8));
            PeftConfig synthesized = PeftConfig.lora(
                    r, options.alpha().getAsDouble(), options.baseModel().orElse(null));
            if (options.rank().isPresent()) {
                return synthesized; // a rank given explicitly is checked against every module's tensors
            }
            // modules whose rank differs from the most common one get a rank_pattern entry, as PEFT itself writes
            return synthesized.with(n -> {
                var rp = n.putObject("rank_pattern");
                groups.forEach((k, parts) ->
                        rankOf(parts).filter(x -> x != r).ifPresent(x -> rp.put(k.substring(prefix.length()), x)));
            });
        }
        String json;
        try {
            json = Files.readString(configFile);
        } catch (CharacterCodingException e) {
            throw new AdapterFormatException(configFile, "not valid UTF-8 text (a JSON config was expected)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + configFile + ": " + e.getMessage(), e);
        }
        PeftConfig config = PeftConfig.parse(json, configFile);
        if (options.alpha().isPresent() || options.rank().isPresent()) {
            config = config.with(n -> {
                options.alpha().ifPresent(a -> PeftConfig.putNumber(n, "lora_alpha", a));
                options.rank().ifPresent(r -> n.put("r", r));
            });
        }
        return config;
    }

    private static Optional<Integer> rankOf(Map<PeftKeys.Part, TensorInfo> parts) {
        TensorInfo a =
                parts.containsKey(PeftKeys.Part.A) ? parts.get(PeftKeys.Part.A) : parts.get(PeftKeys.Part.EMBEDDING_A);
        return a == null || a.rank() < 2 ? Optional.empty() : Optional.of((int) a.dim(0));
    }

    /**
     * One PEFT LoRA module from its tensors: shapes checked against each other and its rank against {@code config}'s
     * for {@code configName} (the module's name as the config knows it), scale from the config.
     *
     * @param rankSource where the config's rank comes from, for the message when it disagrees with the tensors
     * @throws AdapterFormatException naming the file, tensor and module of the first problem found
     */
    public static StoredAdapter.ModuleTensors moduleTensors(
            Path file,
            String name,
            String configName,
            Map<PeftKeys.Part, TensorInfo> parts,
            PeftConfig config,
            String rankSource) {
        boolean embedding =
                parts.containsKey(PeftKeys.Part.EMBEDDING_A) || parts.containsKey(PeftKeys.Part.EMBEDDING_B);
        PeftKeys.Part partA = embedding ? PeftKeys.Part.EMBEDDING_A : PeftKeys.Part.A;
        PeftKeys.Part partB = embedding ? PeftKeys.Part.EMBEDDING_B : PeftKeys.Part.B;
        TensorInfo a = parts.get(partA);
        TensorInfo b = parts.get(partB);
        String anyKey = parts.values().iterator().next().name();
        if (a == null || b == null) {
            String have = (a != null ? a : b) != null ? (a != null ? a : b).name() : anyKey;
            String missing = PeftKeys.key(have.substring(0, have.lastIndexOf(".lora_")), a == null ? partA : partB);
            throw AdapterFormatException.tensor(
                    file, have, "its partner '" + missing + "' for module '" + name + "'", "no such tensor");
        }
        DecodableTensors.require(file, name, a, b);
        ModuleKind kind;
        int rank;
        int out;
        int in;
        long[] kernel = new long[0];
        if (a.rank() == 2 && b.rank() == 2) {
            kind = embedding ? ModuleKind.EMBEDDING : ModuleKind.LINEAR;
            rank = (int) a.dim(0);
            in = (int) a.dim(1);
            out = (int) b.dim(0);
            if (b.dim(1) != rank) {
                throw rankMismatch(file, name, a, b);
            }
        } else if (!embedding && a.rank() >= 3 && b.rank() == a.rank()) {
            kind = ModuleKind.CONV;
            rank = (int) a.dim(0);
            out = (int) b.dim(0);
            kernel = Arrays.copyOfRange(a.shape(), 2, a.rank());
            long inFlat = a.dim(1);
            for (long k : kernel) {
                inFlat *= k;
            }
            in = Math.toIntExact(inFlat);
            if (b.dim(1) != rank) {
                throw rankMismatch(file, name, a, b);
            }
            for (int i = 2; i < b.rank(); i++) {
                if (b.dim(i) != 1) {
                    throw AdapterFormatException.tensor(
                            file,
                            b.name(),
                            "a 1×1 kernel [out, r, 1, 1] for convolution module '" + name + "'",
                            b.shapeString());
                }
            }
        } else {
            throw AdapterFormatException.tensor(
                    file,
                    a.name(),
                    "lora_A [r, in] with lora_B [out, r] (or convolution kernels "
                            + "[r, in, kh, kw] with [out, r, 1, 1]) for module '" + name + "'",
                    "lora_A " + a.shapeString() + " with lora_B " + b.shapeString());
        }
        if (rank == 0 || out == 0 || in == 0) {
            throw AdapterFormatException.tensor(
                    file,
                    a.name(),
                    "non-empty factors for module '" + name + "'",
                    "lora_A " + a.shapeString() + ", lora_B " + b.shapeString());
        }
        int configRank = config.rankFor(configName);
        if (configRank != rank) {
            throw AdapterFormatException.tensor(
                    file,
                    a.name(),
                    "rank " + configRank + " for module '" + name + "', as " + rankSource,
                    "rank " + rank + " (lora_A " + a.shapeString() + ", lora_B " + b.shapeString() + ")");
        }
        Optional<TensorInfo> magnitude = Optional.ofNullable(parts.get(PeftKeys.Part.MAGNITUDE));
        Optional<TensorInfo> bias = Optional.ofNullable(parts.get(PeftKeys.Part.BIAS));
        for (TensorInfo v :
                List.of(magnitude, bias).stream().flatMap(Optional::stream).toList()) {
            if (Tensor.numel(v.shape()) != out) {
                throw AdapterFormatException.tensor(
                        file, v.name(), out + " values (one per output of module '" + name + "')", v.shapeString());
            }
        }
        if (config.useDora() && magnitude.isEmpty()) {
            throw AdapterFormatException.tensor(
                    file,
                    PeftKeys.key(a.name().substring(0, a.name().lastIndexOf(".lora_")), PeftKeys.Part.MAGNITUDE),
                    "a DoRA magnitude vector for module '" + name + "' (use_dora is true)",
                    "none");
        }
        DType dtype = a.dtype() == b.dtype() ? a.dtype() : DType.F32;
        boolean fanInFanOut = kind == ModuleKind.LINEAR && config.fanInFanOut();
        ModuleSpec spec = new ModuleSpec(
                name, kind, out, in, rank, dtype, kernel, fanInFanOut, magnitude.isPresent(), bias.isPresent());
        return new StoredAdapter.ModuleTensors(spec, config.scaleFor(configName), a, b, magnitude, bias);
    }

    private static AdapterFormatException rankMismatch(Path file, String name, TensorInfo a, TensorInfo b) {
        return AdapterFormatException.tensor(
                file,
                b.name(),
                "lora_B with " + a.dim(0) + " columns, the rank of '" + a.name() + "' " + a.shapeString() + " (module '"
                        + name + "')",
                "shape " + b.shapeString());
    }
}
