package org.loralgebra;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Engine;
import org.loralgebra.exec.ExtraTensors;
import org.loralgebra.exec.ToStored;
import org.loralgebra.graph.Load;
import org.loralgebra.graph.Node;
import org.loralgebra.graph.OutputMeta;
import org.loralgebra.io.AdapterSink;
import org.loralgebra.io.files.OutputPaths;
import org.loralgebra.io.format.Formats;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.tensor.DType;

/** Saves an expression's result: runs the plan module by module into a sink that commits atomically. */
final class AdapterWriter {
    private AdapterWriter() {}

    /**
     * Checks the target (see {@link OutputPaths}: not the working directory nor an input, writable, an existing
     * adapter only with {@link SaveOptions#overwrite()}) before anything runs, then runs the plan into the sink.
     */
    static void write(Node node, Path target, SaveOptions options) {
        Path out = target.toAbsolutePath().normalize();
        AdapterMeta meta = ExtraTensors.resolve(OutputMeta.of(node));
        AdapterFormat format = options.format().orElse(meta.format());
        List<Path> inputs = inputs(node);
        OutputPaths.checkAdapterTarget(format, target, inputs, options.overwrite());
        Backend be = Engine.current().backend();
        try (AdapterSink sink = Formats.sink(format, meta, inputs)) {
            sink.plan(out, stored(node, options));
            if (held(node, options)) {
                InMemoryAdapter held = (InMemoryAdapter) ((Load) node).source();
                for (String module : Runs.allModules(node)) {
                    sink.add(ToStored.checked(held.read(module)));
                }
            } else {
                Runs.eachFactors(node, Runs.allModules(node), (module, f) -> {
                    DType dtype = options.dtype()
                            .orElse(f.spec().dtype().isDecodable() ? f.spec().dtype() : DType.F32);
                    sink.add(ToStored.of(be, f, dtype));
                });
            }
            sink.declareOtherModules(inputModules(node));
            sink.commit(out);
        }
    }

    /**
     * Whether {@code node} is an evaluated result ({@link Adapter#eval()}) whose modules are already the tensors to
     * write, in the dtype the save asks for: they go to the sink as they are, without a trip through the backend
     * (two copies of every factor fewer).
     */
    private static boolean held(Node node, SaveOptions options) {
        if (!(node instanceof Load l) || !(l.source() instanceof InMemoryAdapter mem)) {
            return false;
        }
        for (ModuleSpec s : node.type().modules().values()) {
            DType dtype = options.dtype().orElse(s.dtype().isDecodable() ? s.dtype() : DType.F32);
            if (dtype != s.dtype()
                    || mem.read(s.name()).a().dtype() != dtype
                    || mem.read(s.name()).b().dtype() != dtype) {
                return false;
            }
        }
        return true;
    }

    /** How each module of the result will be stored: its dtype as written, its rank as the plan bounds it. */
    private static List<ModuleSpec> stored(Node node, SaveOptions options) {
        List<ModuleSpec> specs = new ArrayList<>();
        for (ModuleSpec s : node.type().modules().values()) {
            DType dtype = options.dtype().orElse(s.dtype().isDecodable() ? s.dtype() : DType.F32);
            specs.add(new ModuleSpec(
                    s.name(),
                    s.kind(),
                    s.out(),
                    s.in(),
                    s.rank(),
                    dtype,
                    s.kernel(),
                    s.fanInFanOut(),
                    s.dora(),
                    s.loraBias()));
        }
        return specs;
    }

    /** Every module of every adapter the expression loads (rank-0 modules of the result are left out of the file). */
    private static Set<String> inputModules(Node node) {
        Set<String> names = new TreeSet<>();
        collectModules(node, names);
        return names;
    }

    private static void collectModules(Node n, Set<String> names) {
        if (n instanceof Load l) {
            names.addAll(l.source().type().names());
        }
        n.children().forEach(c -> collectModules(c, names));
    }

    private static List<Path> inputs(Node node) {
        List<Path> paths = new ArrayList<>();
        collect(node, paths);
        return paths;
    }

    private static void collect(Node n, List<Path> paths) {
        if (n instanceof Load l) {
            l.source().location().ifPresent(p -> paths.add(p.toAbsolutePath().normalize()));
        }
        n.children().forEach(c -> collect(c, paths));
    }
}
