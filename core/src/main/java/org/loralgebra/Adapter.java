package org.loralgebra;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Engine;
import org.loralgebra.exec.ExtraTensors;
import org.loralgebra.exec.Factored;
import org.loralgebra.exec.ToStored;
import org.loralgebra.graph.Load;
import org.loralgebra.graph.ModuleFilter;
import org.loralgebra.graph.Node;
import org.loralgebra.graph.OutputMeta;
import org.loralgebra.graph.Project;
import org.loralgebra.graph.Scale;
import org.loralgebra.graph.Select;
import org.loralgebra.graph.Sum;
import org.loralgebra.graph.Truncate;
import org.loralgebra.graph.WithBaseModel;
import org.loralgebra.graph.WithoutDora;
import org.loralgebra.lang.Rank;
import org.loralgebra.lang.Side;
import org.loralgebra.lang.Split;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.AdapterSource;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.AdapterTypeException;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.model.ModuleOrder;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.StoredModule;
import org.loralgebra.plan.Plan;
import org.loralgebra.tensor.DType;

/**
 * An adapter as a value of the language: an immutable, lazy expression whose type (modules, shapes, ranks,
 * base model) is known and checked as it is built. Nothing is read or computed until a result is asked for:
 * {@link #save}, {@link #eval}, {@link #dense}, {@code spectrum().values()}.
 *
 * <p>Kotlin sees the operators: {@code a + b}, {@code a - b}, {@code -a}, {@code a * 0.5} (and, with the
 * kernel's DSL, {@code 0.5 * a}).
 */
public final class Adapter {
    private final Node node;

    Adapter(Node node) {
        this.node = node;
    }

    /** Wraps a graph node (for library code that builds its own nodes). */
    public static Adapter of(Node node) {
        if (node.output() != Node.Output.FACTORS) {
            throw new IllegalArgumentException("an adapter is a factors-valued node, not " + node.describe());
        }
        return new Adapter(node);
    }

    /** The expression graph. */
    public Node node() {
        return node;
    }

    /** Modules, shapes, ranks (upper bounds where the data decides), base model. */
    public AdapterType type() {
        return node.type();
    }

    /** The expression as text, such as {@code imdb + 0.5·emotion}. */
    public String label() {
        return node.label();
    }

    /** Module names, in reading order. */
    public Set<String> modules() {
        return node.type().names();
    }

    /** One module's type. */
    public ModuleSpec module(String name) {
        return node.type()
                .module(name)
                .orElseThrow(() -> new AdapterTypeException("'" + label() + "' has no module '" + name + "'"));
    }

    /** Module by module: shape, rank, scale, dtype (nothing computed). */
    public AdapterSummary summary() {
        return AdapterSummary.of(this);
    }

    // ---- algebra -------------------------------------------------------------------------------------------

    /** this + other: the sum of the updates, factored as rank concatenation. */
    public Adapter plus(Adapter other) {
        return new Adapter(Sum.of(List.of(new Sum.Term(1, node), new Sum.Term(1, other.node))));
    }

    /** this − other. */
    public Adapter minus(Adapter other) {
        return new Adapter(Sum.of(List.of(new Sum.Term(1, node), new Sum.Term(-1, other.node))));
    }

    /** factor·this. */
    public Adapter times(double factor) {
        return new Adapter(new Scale(node, factor));
    }

    /** this / divisor. */
    public Adapter div(double divisor) {
        return times(1.0 / divisor);
    }

    /** −this (task-vector negation). */
    public Adapter unaryMinus() {
        return times(-1);
    }

    /** this. */
    public Adapter unaryPlus() {
        return this;
    }

    /** The modules matching a glob ({@code *} within a dotted component, {@code **} across). */
    public Adapter select(String glob) {
        return select(ModuleFilter.glob(glob));
    }

    /** The modules a filter keeps (glob, regex, layers, names). */
    public Adapter select(ModuleFilter filter) {
        return new Adapter(new Select(node, filter));
    }

    /** The modules of the given layers. */
    public Adapter layers(int... layers) {
        return select(ModuleFilter.layers(layers));
    }

    /** The best rank-k approximation per module (Eckart–Young), S split evenly ({@link Split#BALANCED}). */
    public Adapter truncate(Rank rank) {
        return truncate(rank, Split.BALANCED);
    }

    /** The best approximation of the given rank per module, S split as asked. */
    public Adapter truncate(Rank rank, Split split) {
        return new Adapter(Truncate.of(node, rank, split));
    }

    /** {@code truncate(Rank.of(k))}. */
    public Adapter truncate(int k) {
        return truncate(Rank.of(k));
    }

    /**
     * This update with its component inside {@code off}'s top-k singular subspace removed, per module:
     * OUTPUT {@code B − U(UᵀB)}, INPUT {@code A − (AV)Vᵀ}, BOTH both. Modules {@code off} lacks are unchanged.
     */
    public Adapter project(Adapter off, Side side, int k) {
        return new Adapter(Project.of(node, off.node, side, k));
    }

    /** The same update declared for another base model name (to combine adapters of one model known by two names). */
    public Adapter withBaseModel(String baseModel) {
        return new Adapter(new WithBaseModel(node, baseModel));
    }

    /** The low-rank update alone: DoRA magnitude vectors and LoRA biases dropped, explicitly. */
    public Adapter withoutDora() {
        return new Adapter(new WithoutDora(node));
    }

    // ---- results -------------------------------------------------------------------------------------------

    /** Per-module SVD in factored form (lazy). */
    public Decomposition decompose() {
        return new Decomposition(node);
    }

    /** Per-module singular values (lazy). */
    public Spectrum spectrum() {
        return new Spectrum(node);
    }

    /** The materialized update {@code scale·B·A} [out, in] of one module (explicit dense work). */
    public DenseMatrix dense(String module) {
        module(module);
        Backend be = Engine.current().backend();
        DenseMatrix[] out = new DenseMatrix[1];
        Runs.eachFactors(
                node,
                new TreeSet<>(List.of(module)),
                (m, f) -> out[0] = Decomposition.dense(be, Factored.dense(be, f)));
        return out[0];
    }

    /** The plan: the expression as written, the rewrites, the graph that runs, estimated bytes and flops. */
    public Plan plan() {
        return Runs.plan(List.of(node));
    }

    /**
     * Prints {@link #plan()}'s explanation to standard output, once: it returns nothing, so that a notebook or REPL
     * showing the returned value does not show the plan a second time ({@link #plan()} is the value).
     */
    public void explain() {
        System.out.print(plan().explain());
    }

    /**
     * What a save of this adapter writes besides its modules: format, config template, key prefix, file metadata and
     * extra tensors (heads). Extras that several inputs hold under one key are read to compare them: kept when equal,
     * dropped with a warning when they differ (two classifier heads cannot be summed).
     */
    public AdapterMeta meta() {
        return ExtraTensors.resolve(OutputMeta.of(node));
    }

    /** Computes every module now and holds the factors in memory (F32); the result is a loaded adapter. */
    public Adapter eval() {
        Backend be = Engine.current().backend();
        SortedMap<String, StoredModule> modules =
                Collections.synchronizedSortedMap(new TreeMap<>(ModuleOrder.INSTANCE));
        Runs.eachFactors(
                node, Runs.allModules(node), (module, f) -> modules.put(module, ToStored.of(be, f, DType.F32)));
        Map<String, StoredModule> copy = new TreeMap<>(ModuleOrder.INSTANCE);
        copy.putAll(modules);
        return new Adapter(
                Load.of(new InMemoryAdapter(label(), type().baseModel().orElse(null), meta(), copy)));
    }

    /**
     * Runs the plan and writes the result as a PEFT folder (or in its source's format), atomically. An existing
     * adapter at {@code path} is not replaced: use {@link #save(Path, SaveOptions)} with
     * {@link SaveOptions#withOverwrite(boolean)}.
     */
    public void save(String path) {
        save(Path.of(path), SaveOptions.defaults());
    }

    /**
     * Runs the plan and writes the result, atomically; module by module, never all of it in memory. Every check of
     * the target (not the working directory nor an input, writable, an existing adapter only with
     * {@link SaveOptions#overwrite()}) runs before anything is computed.
     *
     * @throws org.loralgebra.lang.AdapterFormatException when the target is refused; nothing is then written
     */
    public void save(Path path, SaveOptions options) {
        AdapterWriter.write(node, path, options);
    }

    /** The source this adapter was loaded from, when it is a plain load. */
    public Optional<AdapterSource> source() {
        return node instanceof Load l ? Optional.of(l.source()) : Optional.empty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Adapter a && a.node.equals(node);
    }

    @Override
    public int hashCode() {
        return node.hashCode();
    }

    @Override
    public String toString() {
        AdapterType t = type();
        int maxRank =
                t.modules().values().stream().mapToInt(ModuleSpec::rank).max().orElse(0);
        return "Adapter " + label() + " (" + t.names().size() + " modules, rank ≤ " + maxRank
                + t.baseModel().map(b -> ", base " + b).orElse("") + ")";
    }
}
