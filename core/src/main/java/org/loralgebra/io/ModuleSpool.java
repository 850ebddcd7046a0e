package org.loralgebra.io;

import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.loralgebra.io.files.OutputPaths;
import org.loralgebra.io.safetensors.SafetensorsWriter;
import org.loralgebra.io.safetensors.TensorShape;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.model.StoredModule;
import org.loralgebra.model.TensorRef;
import org.loralgebra.tensor.Tensor;

/**
 * What every {@link AdapterSink} writing one safetensors file shares: the file's tensors spooled to disk as modules
 * arrive, the template's extra tensors (heads) copied first, each module accepted once and only with the tensor
 * shapes its spec calls for ({@link ModuleShapes}), no LoRA key equal to an extra tensor's, and a target refused
 * before anything is written when it is an input or holds one. A writer keeps only what its format decides: the
 * keys, the config or metadata, a folder or a single file. Not thread-safe: the writers call it under their lock.
 */
public final class ModuleSpool implements AutoCloseable {
    private final List<Path> inputs;
    private final SafetensorsWriter tensors;
    private final Set<String> extraKeys;
    private final Set<String> modules = new HashSet<>();

    /**
     * A spool whose file carries {@code metadata} and, copied byte for byte, {@code extras}; {@code inputs} are the
     * folders and files being read, which a commit must not replace.
     */
    public ModuleSpool(Map<String, String> metadata, Map<String, TensorRef> extras, Collection<Path> inputs) {
        this.inputs = OutputPaths.normalized(inputs);
        this.extraKeys = Set.copyOf(extras.keySet());
        this.tensors = new SafetensorsWriter(metadata);
        try {
            for (Map.Entry<String, TensorRef> e : extras.entrySet()) {
                tensors.add(e.getKey(), e.getValue().read());
            }
        } catch (RuntimeException e) {
            tensors.close();
            throw e;
        }
    }

    /**
     * Accepts a module to be written: it must not have been accepted before, and its tensors must have the shapes
     * its spec calls for.
     *
     * @throws IllegalArgumentException naming the module otherwise
     */
    public void accept(StoredModule module) {
        String name = module.spec().name();
        if (modules.contains(name)) {
            throw new IllegalArgumentException("module '" + name + "' was already added");
        }
        ModuleShapes.check(module);
        modules.add(name);
    }

    /**
     * Spools a LoRA tensor under {@code key}.
     *
     * @throws IllegalArgumentException when {@code key} is an extra tensor's, or was spooled before
     */
    public void put(String key, Tensor tensor) {
        if (extraKeys.contains(key)) {
            throw new IllegalArgumentException(
                    "key '" + key + "' is both a LoRA tensor and an extra tensor of the template");
        }
        tensors.add(key, tensor);
    }

    /**
     * Lays the file out in advance at {@code file} (in a temporary folder its caller commits) for the extra tensors
     * and the LoRA tensors {@code expected}; tensors then go straight to their offsets (see
     * {@link SafetensorsWriter#planInto}).
     *
     * @return whether the file was laid out (false: a LoRA key clashes with an extra tensor's; spooled as before)
     */
    public boolean planInto(Path file, Map<String, TensorShape> expected) {
        for (String key : expected.keySet()) {
            if (extraKeys.contains(key)) {
                return false; // put() names the clash when the module arrives
            }
        }
        return tensors.planInto(file, expected);
    }

    /** Sets one {@code __metadata__} entry, for metadata known only once every module is in. */
    public void putMetadata(String key, String value) {
        tensors.putMetadata(key, value);
    }

    /**
     * Refuses {@code target} when it is an input of this write or holds one (see {@link OutputPaths#checkNotInput}).
     *
     * @throws AdapterFormatException naming the target and the input
     */
    public void checkNotInput(Path target) {
        OutputPaths.checkNotInput(target, inputs);
    }

    /**
     * Refuses a single-file target: an input, a folder, or a name not ending in {@code suffix}.
     *
     * @throws AdapterFormatException naming the target and what is wrong with it
     */
    public void checkFileTarget(Path file, String suffix) {
        checkNotInput(file);
        OutputPaths.checkFileTarget(file, suffix);
    }

    /**
     * Writes the tensors to {@code file} atomically (the safetensors layout of {@link SafetensorsWriter}); when they
     * were laid out in advance at {@code file} and all arrived, the file is already complete.
     */
    public void writeTo(Path file) {
        tensors.commit(file);
    }

    /** Deletes the spool; nothing is left behind. */
    @Override
    public void close() {
        tensors.close();
    }
}
