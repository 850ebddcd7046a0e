package org.loralgebra.io.peft;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.logging.Logger;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.io.AdapterSink;
import org.loralgebra.io.ModuleShapes;
import org.loralgebra.io.ModuleSpool;
import org.loralgebra.io.files.AtomicWrites;
import org.loralgebra.io.files.OutputPaths;
import org.loralgebra.io.files.PendingFolder;
import org.loralgebra.io.safetensors.TensorShape;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleOrder;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.StoredModule;

/**
 * Writes a PEFT adapter folder ({@code adapter_model.safetensors} + {@code adapter_config.json}) from modules
 * given one at a time, each written to disk as it arrives: at its offset in a file laid out in advance when the
 * modules were announced ({@link #plan}), else to a spool copied into the file at {@link #commit}.
 *
 * <p>Keys are {@code <keyPrefix><module>.lora_A.weight} (the template's prefix when it is a PEFT adapter, else
 * {@code base_model.model.}, where PEFT looks for them) / {@code .lora_B.weight} ({@code .lora_embedding_A} /
 * {@code _B} for embeddings), {@code .lora_magnitude_vector} for DoRA and {@code .lora_B.bias} for a LoRA bias,
 * as PEFT saves them. The template's extra tensors and {@code __metadata__} are copied byte for byte. The config
 * is the template's when it already gives every module its rank and scale, else refitted ({@link ConfigFit}).
 * Modules of rank 0 are left out: their update is zero, and PEFT cannot hold {@code r = 0}.
 *
 * <pre>{@code
 * try (PeftFolderWriter w = PeftFolderWriter.create(source.meta(), List.of(sourceFolder))) {
 *     for (String m : source.type().names()) w.add(source.read(m));
 *     w.commit(Path.of("out/adapter"));
 * }
 * }</pre>
 */
public final class PeftFolderWriter implements AdapterSink {
    private static final Logger LOG = Logger.getLogger("org.loralgebra");

    private final AdapterMeta template;
    private final String keyPrefix;
    private final ModuleSpool spool;
    private final Map<String, ConfigFit.Module> modules = new TreeMap<>(ModuleOrder.INSTANCE);
    private final Set<String> otherModules = new TreeSet<>();
    private PendingFolder pending;

    private PeftFolderWriter(AdapterMeta template, Collection<Path> inputs) {
        this.template = template;
        this.keyPrefix = template.format() == AdapterFormat.PEFT ? template.keyPrefix() : PeftKeys.PREFIX;
        this.spool = new ModuleSpool(template.fileMetadata(), template.extras(), inputs);
    }

    /** A writer of adapters shaped like {@code template} (its config, key prefix, extras and file metadata). */
    public static PeftFolderWriter create(AdapterMeta template) {
        return new PeftFolderWriter(template, List.of());
    }

    /**
     * A writer of adapters shaped like {@code template} that refuses to commit to any of {@code inputs} (the
     * folders and files being read) or to a folder containing one.
     */
    public static PeftFolderWriter create(AdapterMeta template, Collection<Path> inputs) {
        return new PeftFolderWriter(template, inputs);
    }

    /**
     * Creates the temporary folder beside {@code target} now and lays {@code adapter_model.safetensors} out in it
     * for {@code modules}, so that each module's tensors are written at their offsets as they arrive (no spool, no
     * copy; {@link #commit} to {@code target} syncs once and renames). Does nothing once a module was added, or
     * when a module carries DoRA or bias state (their tensors are spooled as before).
     *
     * @throws org.loralgebra.lang.AdapterFormatException when {@code target} is an input, or exists holding files
     *                                                  that are not adapter files
     */
    @Override
    public synchronized void plan(Path target, Collection<ModuleSpec> specs) {
        if (pending != null || !modules.isEmpty() || specs.stream().anyMatch(ModuleSpec::hasExtraState)) {
            return;
        }
        Path folder = target.toAbsolutePath().normalize();
        spool.checkNotInput(folder);
        OutputPaths.checkReplaceableFolder(folder);
        Map<String, TensorShape> expected = new HashMap<>();
        for (ModuleSpec s : specs) {
            if (s.rank() == 0) {
                continue;
            }
            String base = keyPrefix + s.name();
            boolean embedding = s.kind() == ModuleKind.EMBEDDING;
            expected.put(
                    PeftKeys.key(base, embedding ? PeftKeys.Part.EMBEDDING_A : PeftKeys.Part.A),
                    new TensorShape(s.dtype(), ModuleShapes.a(s)));
            expected.put(
                    PeftKeys.key(base, embedding ? PeftKeys.Part.EMBEDDING_B : PeftKeys.Part.B),
                    new TensorShape(s.dtype(), ModuleShapes.b(s)));
        }
        PendingFolder p = PendingFolder.open(folder);
        try {
            if (spool.planInto(p.path().resolve(PeftFolder.WEIGHTS), expected)) {
                pending = p;
            }
        } finally {
            if (pending != p) {
                p.close();
            }
        }
    }

    /**
     * Spools one module's tensors.
     *
     * @throws IllegalArgumentException when the module was already added, its tensors do not have the shapes its
     *                                  spec calls for, or a key clashes with an extra tensor ({@link ModuleSpool})
     */
    @Override
    public synchronized void add(StoredModule module) {
        ModuleSpec spec = module.spec();
        spool.accept(module);
        if (spec.rank() == 0) {
            LOG.info("module '" + spec.name() + "' has rank 0 (a zero update) and is left out of the PEFT folder");
            return;
        }
        String base = keyPrefix + spec.name();
        boolean embedding = spec.kind() == ModuleKind.EMBEDDING;
        spool.put(PeftKeys.key(base, embedding ? PeftKeys.Part.EMBEDDING_A : PeftKeys.Part.A), module.a());
        spool.put(PeftKeys.key(base, embedding ? PeftKeys.Part.EMBEDDING_B : PeftKeys.Part.B), module.b());
        module.magnitude().ifPresent(t -> spool.put(PeftKeys.key(base, PeftKeys.Part.MAGNITUDE), t));
        module.loraBias().ifPresent(t -> spool.put(PeftKeys.key(base, PeftKeys.Part.BIAS), t));
        modules.put(spec.name(), new ConfigFit.Module(spec, module.scale()));
    }

    /** Modules of the inputs that are not written: the config's {@code target_modules} must not select them. */
    @Override
    public synchronized void declareOtherModules(Collection<String> names) {
        otherModules.addAll(names);
    }

    /** The config {@link #commit} writes for the modules added so far. */
    public synchronized PeftConfig config() {
        if (modules.isEmpty()) {
            throw new IllegalStateException("no modules of rank > 0 were added: a PEFT adapter needs at least one");
        }
        Set<String> others = new TreeSet<>(otherModules);
        others.removeAll(modules.keySet());
        return ConfigFit.fit(template.config(), new ArrayList<>(modules.values()), others);
    }

    /**
     * Writes the folder: both files go to a temporary sibling folder (the one {@link #plan} made, when {@code folder}
     * is its target), synced once and renamed into place when complete.
     *
     * @throws org.loralgebra.lang.AdapterFormatException when {@code folder} is an input, or exists holding files
     *                                                  that are not adapter files
     */
    @Override
    public synchronized void commit(Path folder) {
        spool.checkNotInput(folder);
        OutputPaths.checkReplaceableFolder(folder);
        String config = config().text();
        if (pending != null && pending.target().equals(folder.toAbsolutePath().normalize())) {
            spool.writeTo(pending.path().resolve(PeftFolder.WEIGHTS));
            try {
                Files.writeString(pending.path().resolve(PeftFolder.CONFIG), config);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + folder + ": " + e.getMessage(), e);
            }
            pending.commit();
            return;
        }
        AtomicWrites.writeFolder(folder, tmp -> {
            spool.writeTo(tmp.resolve(PeftFolder.WEIGHTS));
            Files.writeString(tmp.resolve(PeftFolder.CONFIG), config);
        });
    }

    @Override
    public synchronized void close() {
        try {
            spool.close();
        } finally {
            if (pending != null) {
                pending.close();
            }
        }
    }
}
