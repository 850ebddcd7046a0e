package org.loralgebra.stdlib.bake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Engine;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.exec.ProgressListener;
import org.loralgebra.exec.Root;
import org.loralgebra.exec.Roots;
import org.loralgebra.io.checkpoint.Checkpoint;
import org.loralgebra.io.checkpoint.ModuleWeight;
import org.loralgebra.io.checkpoint.TensorNames;
import org.loralgebra.io.files.AtomicWrites;
import org.loralgebra.io.files.OutputPaths;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.io.safetensors.SafetensorsWriter;
import org.loralgebra.io.safetensors.TensorInfo;
import org.loralgebra.io.safetensors.TensorShape;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.lang.LoraException;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.TensorRef;
import org.loralgebra.stdlib.json.ReportJson;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * Bakes an adapter into a base model: each module's base weight W becomes W + ΔW (see {@link WeightUpdate} for
 * transposition, embeddings, convolutions, DoRA and LoRA biases), and the model is written again with the same
 * shards, the same tensors in each, the same dtypes and a correct index.
 *
 * <pre>{@code
 * BakeReport r = Bake.of(Path.of("models/distilbert"), Lora.load("adapters/imdb")).save(Path.of("out/baked"));
 * }</pre>
 *
 * {@link #into} reads headers only and checks everything that can be checked before computing: every module the
 * adapter updates has a base weight of the expected shape and a floating dtype (all modules the base lacks are
 * named in one error), names resolve as {@link TensorNames} says. {@link #save} computes the adapter (a lazy
 * expression is fine: {@code Bake.of(base, merged)}), then streams the base tensor by tensor into a new folder
 * that appears only when complete ({@link AtomicWrites}); the base is only read. The adapter's extra tensors
 * (classifier heads saved through {@code modules_to_save}) replace the base tensors of the same name and shape,
 * or are added to the last shard when the base has none. Other files of the base folder (config, tokenizer) are
 * copied; other weight formats ({@code .bin}, {@code .pt}, …) are not, since they would hold the unbaked weights.
 */
public final class Bake {
    private static final Set<String> OTHER_WEIGHTS =
            Set.of(".bin", ".pt", ".pth", ".ckpt", ".h5", ".msgpack", ".onnx", ".gguf", ".safetensors");

    private final Checkpoint base;
    private final Adapter adapter;
    private final Map<String, String> weightOf;
    private final Map<String, String> biasOf;
    private final Map<String, String> extraTarget;
    private final Map<String, TensorRef> extras;

    private Bake(
            Checkpoint base,
            Adapter adapter,
            Map<String, String> weightOf,
            Map<String, String> biasOf,
            Map<String, String> extraTarget,
            Map<String, TensorRef> extras) {
        this.base = base;
        this.adapter = adapter;
        this.weightOf = weightOf;
        this.biasOf = biasOf;
        this.extraTarget = extraTarget;
        this.extras = extras;
    }

    /**
     * Prepares baking {@code adapter} into the base model in {@code baseModelDir}, checking names, shapes and dtypes.
     *
     * @throws LoraException naming every module the base lacks, or the tensor, file, expected and found shape
     */
    public static Bake of(Path baseModelDir, Adapter adapter) {
        if (!Files.isDirectory(baseModelDir)) {
            throw new AdapterFormatException(
                    baseModelDir,
                    "is not a folder; a base model is a folder with "
                            + "model.safetensors or shards and model.safetensors.index.json");
        }
        Checkpoint base = Checkpoint.open(baseModelDir);
        Map<String, String> weightOf = new LinkedHashMap<>();
        Map<String, String> biasOf = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, String> moduleOfTensor = new TreeMap<>();
        for (String module : adapter.modules()) {
            ModuleSpec spec = adapter.module(module);
            Optional<ModuleWeight> weight = base.findWeight(spec);
            if (weight.isEmpty()) {
                missing.add(module);
                continue;
            }
            String t = weight.get().tensor();
            String other = moduleOfTensor.put(t, module);
            if (other != null) {
                problems.add("modules '" + other + "' and '" + module + "' both resolve to base tensor '" + t + "'");
            }
            weightOf.put(module, t);
            problems.addAll(weight.get().problems());
            if (spec.dora() && spec.kind() != ModuleKind.LINEAR) {
                problems.add("module '" + module + "' is a DoRA "
                        + spec.kind().name().toLowerCase(Locale.ROOT)
                        + " module: baking DoRA is supported for linear modules only");
            }
            if (spec.loraBias()) {
                Optional<String> bias = base.resolve(module + ".bias");
                if (bias.isEmpty()) {
                    problems.add("module '" + module + "' carries a lora_B.bias, but the base has no '" + module
                            + ".bias' (nor one under another prefix)");
                } else {
                    biasOf.put(module, bias.get());
                    checkBias(base, bias.get(), spec, problems);
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new LoraException("the base model in " + base.folder() + " has no weight for " + missing.size()
                    + " of the "
                    + adapter.modules().size() + " modules adapter '" + adapter.label() + "' updates: " + missing
                    + " (for each module M we look for 'M.weight', a key ending in '.M.weight', and 'M.weight' without "
                    + "the components before its layer index); is this the adapter's base model ("
                    + adapter.type().baseModel().orElse("not recorded") + ")?");
        }
        AdapterMeta meta = adapter.meta();
        Map<String, String> extraTarget = new LinkedHashMap<>();
        for (Map.Entry<String, TensorRef> e : meta.extras().entrySet()) {
            String key = e.getKey().startsWith(meta.keyPrefix())
                    ? e.getKey().substring(meta.keyPrefix().length())
                    : e.getKey();
            Optional<String> target = base.resolve(key);
            if (target.isPresent()) {
                TensorInfo info = base.info(target.get());
                if (!Arrays.equals(info.shape(), e.getValue().shape())) {
                    problems.add("the adapter's tensor '" + e.getKey() + "' "
                            + Arrays.toString(e.getValue().shape())
                            + " would replace base tensor '" + target.get() + "' in " + base.fileOf(target.get())
                            + ", which is " + info.shapeString());
                }
                if (moduleOfTensor.containsKey(target.get())) {
                    problems.add("the adapter's tensor '" + e.getKey() + "' and module '"
                            + moduleOfTensor.get(target.get()) + "' both write base tensor '" + target.get() + "'");
                }
            }
            extraTarget.put(e.getKey(), target.orElse(key));
        }
        if (!problems.isEmpty()) {
            throw new LoraException("cannot bake '" + adapter.label() + "' into " + base.folder() + ":\n  "
                    + String.join("\n  ", problems));
        }
        return new Bake(base, adapter, weightOf, biasOf, extraTarget, meta.extras());
    }

    /** The base bias a {@code lora_B.bias} lands on: {@code [out]}, floating-point. */
    private static void checkBias(Checkpoint base, String tensor, ModuleSpec spec, List<String> problems) {
        TensorInfo info = base.info(tensor);
        Path file = base.fileOf(tensor);
        long[] expected = {spec.out()};
        if (!Arrays.equals(info.shape(), expected)) {
            problems.add(AdapterFormatException.tensor(
                            file,
                            tensor,
                            Arrays.toString(expected) + " for the lora_B.bias of " + "module '" + spec.name() + "'",
                            info.shapeString())
                    .getMessage());
        }
        if (!info.dtype().isDecodable()) {
            problems.add(AdapterFormatException.tensor(
                            file,
                            tensor,
                            "a floating-point bias (F32, F16, BF16 or F64) for " + "module '" + spec.name() + "'",
                            info.dtype().name())
                    .getMessage());
        }
    }

    /** Module → the base weight tensor it updates. */
    public Map<String, String> targets() {
        return Collections.unmodifiableMap(weightOf);
    }

    /**
     * Computes the adapter and writes the baked model to {@code out}, a new or empty folder: {@code save(out, false)}.
     */
    public BakeReport save(Path out) {
        return save(out, false);
    }

    /**
     * Computes the adapter and writes the baked model to {@code out}; an existing non-empty folder is replaced, only
     * once the new one is complete, when {@code overwrite} is true. Every check of {@code out} (not the base folder
     * nor inside it, not the working directory or the adapter, writable) runs before anything is computed.
     *
     * @throws AdapterFormatException when {@code out} is refused; nothing is then written
     */
    public BakeReport save(Path out, boolean overwrite) {
        Path outAbs = out.toAbsolutePath().normalize();
        Path baseAbs = base.folder().toAbsolutePath().normalize();
        if (outAbs.startsWith(baseAbs) || baseAbs.startsWith(outAbs)) {
            throw new LoraException("bake output " + out + " overlaps the base model folder " + base.folder()
                    + ": the base is an input and is never modified; write somewhere else");
        }
        List<Path> inputs = new ArrayList<>(List.of(base.folder()));
        adapter.source().flatMap(s -> s.location()).ifPresent(inputs::add);
        OutputPaths.checkModelFolderTarget(out, inputs, overwrite);
        Map<String, WeightUpdate> updates = updates();
        Map<String, String> moduleOfTensor = new LinkedHashMap<>();
        weightOf.forEach((m, t) -> moduleOfTensor.put(t, m));
        Map<String, String> moduleOfBias = new LinkedHashMap<>();
        biasOf.forEach((m, t) -> moduleOfBias.put(t, m));
        Map<String, String> extraOfTensor = new LinkedHashMap<>();
        List<String> added = new ArrayList<>();
        List<String> replaced = new ArrayList<>();
        extraTarget.forEach((key, t) -> {
            if (base.has(t)) {
                extraOfTensor.put(t, key);
                replaced.add(t);
            } else {
                added.add(t);
            }
        });
        List<String> shardNames = new ArrayList<>(base.shards().keySet());
        String lastShard = shardNames.get(shardNames.size() - 1);
        Map<String, String> weightMap = new TreeMap<>();
        long[] total = {0};
        List<String> copied = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Map<String, String> updated = new LinkedHashMap<>();
        ProgressListener progress = Lora.progress();
        int tensors = shardNames.stream()
                        .mapToInt(s -> base.shards().get(s).tensors().size())
                        .sum()
                + added.size();
        int[] written = {0};
        progress.started(tensors, "tensors");
        try {
            AtomicWrites.writeFolder(out, tmp -> {
                for (String shard : shardNames) {
                    SafetensorsFile file = base.shards().get(shard);
                    try (SafetensorsWriter w = new SafetensorsWriter(file.metadata())) {
                        // the output has the base's tensors, dtypes and shapes (plus added extras in the last
                        // shard): laid out first, each tensor is written once, at its offset
                        Map<String, TensorShape> layout = new HashMap<>();
                        file.tensors()
                                .values()
                                .forEach(i -> layout.put(i.name(), new TensorShape(i.dtype(), i.shape())));
                        if (shard.equals(lastShard)) {
                            for (Map.Entry<String, String> e : extraTarget.entrySet()) {
                                if (!base.has(e.getValue())) {
                                    TensorRef ref = extras.get(e.getKey());
                                    layout.put(e.getValue(), new TensorShape(ref.dtype(), ref.shape()));
                                }
                            }
                        }
                        w.planInto(tmp.resolve(shard), layout);
                        for (TensorInfo info : file.tensors().values()) {
                            String name = info.name();
                            Tensor t;
                            if (moduleOfTensor.containsKey(name)) {
                                String module = moduleOfTensor.get(name);
                                t = updates.get(module).applyTo(file.read(info));
                                updated.put(name, module);
                            } else if (moduleOfBias.containsKey(name)) {
                                String module = moduleOfBias.get(name);
                                t = Tensor.ofDoubles(
                                        info.dtype(),
                                        info.shape(),
                                        updates.get(module)
                                                .applyToBias(file.read(info).toDoubleArray()));
                                updated.put(name, module + " (lora_B.bias)");
                            } else if (extraOfTensor.containsKey(name)) {
                                t = convert(extras.get(extraOfTensor.get(name)).read(), info.dtype());
                            } else {
                                t = file.read(info);
                            }
                            w.add(name, t);
                            weightMap.put(name, shard);
                            total[0] += t.byteSize();
                            progress.progressed(++written[0], tensors, name);
                        }
                        if (shard.equals(lastShard)) {
                            for (Map.Entry<String, String> e : extraTarget.entrySet()) {
                                if (!base.has(e.getValue())) {
                                    Tensor t = extras.get(e.getKey()).read();
                                    w.add(e.getValue(), t);
                                    weightMap.put(e.getValue(), shard);
                                    total[0] += t.byteSize();
                                    progress.progressed(++written[0], tensors, e.getValue());
                                }
                            }
                        }
                        w.commit(tmp.resolve(shard));
                    }
                }
                if (base.index().isPresent()) {
                    writeIndex(tmp.resolve(base.index().get().getFileName()), weightMap, total[0]);
                }
                copyOthers(tmp, copied, skipped);
            });
        } finally {
            progress.finished();
        }
        return new BakeReport(base.folder(), out, shardNames, updated, replaced, added, copied, skipped, total[0]);
    }

    /** Every module's factors, in double precision, computed by running the adapter's plan. */
    private Map<String, WeightUpdate> updates() {
        Backend be = Engine.current().backend();
        Map<String, WeightUpdate> out = new ConcurrentHashMap<>();
        Roots roots = new Roots();
        Root<ModuleFactors> update = roots.factors(adapter.node());
        Lora.evaluate(roots, (module, values) -> {
            ModuleFactors f = values.get(update);
            out.put(
                    module,
                    new WeightUpdate(
                            adapter.module(module),
                            be.toRowMajor(f.b()),
                            be.toRowMajor(f.a()),
                            f.scale(),
                            f.magnitude().map(Tensor::toDoubleArray),
                            f.loraBias().map(Tensor::toDoubleArray)));
        });
        return out;
    }

    private static Tensor convert(Tensor t, DType dtype) {
        return t.dtype() == dtype ? t : t.convertTo(dtype);
    }

    private void writeIndex(Path target, Map<String, String> weightMap, long totalSize) throws IOException {
        ObjectNode root = base.indexJson().orElseThrow();
        ObjectNode metadata =
                root.path("metadata").isObject() ? (ObjectNode) root.get("metadata") : root.putObject("metadata");
        metadata.put("total_size", totalSize);
        ObjectNode map = ReportJson.object();
        weightMap.forEach(map::put);
        root.set("weight_map", map);
        Files.writeString(target, ReportJson.text(root), StandardCharsets.UTF_8);
    }

    private void copyOthers(Path tmp, List<String> copied, List<String> skipped) throws IOException {
        Set<String> written = new HashSet<>(base.shards().keySet());
        base.index().ifPresent(i -> written.add(i.getFileName().toString()));
        try (Stream<Path> files = Files.list(base.folder())) {
            for (Path p : files.sorted().toList()) {
                String name = p.getFileName().toString();
                if (written.contains(name)) {
                    continue;
                }
                if (Files.isDirectory(p)) {
                    skipped.add(name + "/ (a folder)");
                } else if (OTHER_WEIGHTS.stream().anyMatch(name::endsWith) || name.endsWith(".index.json")) {
                    skipped.add(name + " (weights in another format: they would not be baked)");
                } else if (Files.isRegularFile(p)) {
                    Files.copy(p, tmp.resolve(name));
                    copied.add(name);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public String toString() {
        return "Bake '" + adapter.label() + "' into " + base.folder() + " (" + weightOf.size() + " weights)";
    }
}
