package org.loralgebra.exec;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.loralgebra.graph.Decompose;
import org.loralgebra.graph.DecomposeSum;
import org.loralgebra.graph.Load;
import org.loralgebra.graph.ModuleMap;
import org.loralgebra.graph.Node;
import org.loralgebra.graph.NodeVisitor;
import org.loralgebra.graph.Project;
import org.loralgebra.graph.Scale;
import org.loralgebra.graph.Select;
import org.loralgebra.graph.Sum;
import org.loralgebra.graph.Truncate;
import org.loralgebra.graph.WithBaseModel;
import org.loralgebra.graph.WithoutDora;
import org.loralgebra.lang.Side;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.StoredModule;

/**
 * Evaluates the nodes of a plan for one module. Each node is computed at most once (a node shared by several
 * parents, such as one decomposition feeding a spectrum and a truncation, is reused); everything is dropped
 * when the module is done, which is what lets a plan over a large adapter stream.
 */
final class ModuleEvaluation implements NodeVisitor<ModuleValue> {
    private final Backend backend;
    private final String module;
    private final Map<Node, AdapterType> types;
    private final Map<Node, ModuleValue> memo = new IdentityHashMap<>();
    private final Map<Node, ModuleSvd> leftOnly = new IdentityHashMap<>();
    private final Map<Node, ModuleSvd> rightOnly = new IdentityHashMap<>();

    /** {@code types}: the type of every node of the plan, derived once for the run. */
    ModuleEvaluation(Backend backend, String module, Map<Node, AdapterType> types) {
        this.backend = backend;
        this.module = module;
        this.types = types;
    }

    private AdapterType type(Node node) {
        AdapterType t = types.get(node);
        return t != null ? t : node.type();
    }

    private ModuleSpec spec(Node node) {
        return type(node).modules().get(module);
    }

    /** The node's value for this module (factors or SVD, as its output says), or null when the node lacks it. */
    ModuleValue value(Node node) {
        if (!type(node).names().contains(module)) {
            return null;
        }
        ModuleValue cached = memo.get(node);
        if (cached != null) {
            return cached;
        }
        ModuleValue v = node.accept(this);
        memo.put(node, v);
        return v;
    }

    private ModuleFactors factors(Node node) {
        ModuleValue v = value(node);
        if (v == null || v instanceof ModuleFactors) {
            return (ModuleFactors) v;
        }
        throw new IllegalStateException(
                node.describe() + " gave an SVD where factors were needed (module '" + module + "')");
    }

    private ModuleSvd svd(Node node) {
        ModuleValue v = value(node);
        if (v == null || v instanceof ModuleSvd) {
            return (ModuleSvd) v;
        }
        throw new IllegalStateException(
                node.describe() + " gave factors where an SVD was needed (module '" + module + "')");
    }

    @Override
    public ModuleValue visitLoad(Load node) {
        StoredModule m = node.source().read(module);
        return new ModuleFactors(
                m.spec(),
                backend.fromTensor(m.bMatrix()),
                backend.fromTensor(m.aMatrix()),
                m.scale(),
                m.magnitude(),
                m.loraBias());
    }

    @Override
    public ModuleValue visitSelect(Select node) {
        return value(node.input());
    }

    @Override
    public ModuleValue visitWithBaseModel(WithBaseModel node) {
        return value(node.input());
    }

    @Override
    public ModuleValue visitWithoutDora(WithoutDora node) {
        ModuleFactors f = factors(node.input());
        return ModuleFactors.of(f.spec(), f.b(), f.a(), f.scale());
    }

    @Override
    public ModuleValue visitScale(Scale node) {
        ModuleFactors f = factors(node.input());
        return ModuleFactors.of(f.spec(), backend.scale(f.b(), node.factor()), f.a(), f.scale());
    }

    @Override
    public ModuleValue visitSum(Sum node) {
        return Factored.concat(backend, spec(node), terms(node));
    }

    @Override
    public ModuleValue visitDecompose(Decompose node) {
        return decompose(factors(node.input()), node.vectors());
    }

    @Override
    public ModuleValue visitDecomposeSum(DecomposeSum node) {
        return decompose(Factored.concat(backend, spec(node), terms(node.sum())), node.vectors());
    }

    @Override
    public ModuleValue visitTruncate(Truncate node) {
        ModuleSvd svd = svd(node.input());
        int k = node.rank().choose(module, svd.s());
        if (k == 0 && svd.size() > 0 && svd.s()[0] > 0) {
            k = 1; // a non-zero update keeps at least its top direction (see Rank)
        }
        double outScale = svd.sourceScale() > 0 ? svd.sourceScale() : 1.0;
        return Factored.truncate(backend, svd, k, node.split(), outScale);
    }

    @Override
    public ModuleValue visitProject(Project node) {
        ModuleFactors f = factors(node.input());
        ModuleSvd off = offSubspace(node);
        if (off == null) {
            return f;
        }
        int k = Math.min(node.k(), off.size());
        if (node.side().output()) {
            f = Factored.projectOutput(backend, f, backend.columns(off.u(), 0, k));
        }
        if (node.side().input()) {
            f = Factored.projectInput(backend, f, backend.columns(off.v(), 0, k));
        }
        return f;
    }

    @Override
    public ModuleValue visitModuleMap(ModuleMap node) {
        ModuleSpec spec = spec(node);
        List<Optional<ModuleFactors>> inputs = new ArrayList<>();
        for (Node in : node.inputs()) {
            inputs.add(Optional.ofNullable(factors(in)));
        }
        if (!(node.kernel() instanceof ExecutableKernel kernel)) {
            throw new IllegalStateException("kernel " + node.kernel().describe() + " ("
                    + node.kernel().getClass().getName() + ") has no execution: a kernel that is run implements "
                    + ExecutableKernel.class.getName());
        }
        ModuleFactors out = kernel.apply(backend, spec, inputs);
        if (out.b().rows() != spec.out() || out.a().cols() != spec.in()) {
            throw new IllegalStateException(
                    kernel.describe() + " returned a " + out.b().rows() + "x"
                            + out.a().cols() + " update for module '" + module + "' of shape " + spec.shapeString());
        }
        return out;
    }

    /**
     * The decomposition a projection removes. When it is a plain decomposition not yet computed for another node
     * and only one side is projected, only that side's vectors are computed (memoized apart from the full one).
     */
    private ModuleSvd offSubspace(Project p) {
        if (p.side() == Side.BOTH
                || memo.containsKey(p.off())
                || !(p.off() instanceof Decompose d)
                || !d.vectors()
                || !type(p.off()).names().contains(module)) {
            return svd(p.off());
        }
        boolean left = p.side().output();
        Map<Node, ModuleSvd> sided = left ? leftOnly : rightOnly;
        ModuleSvd cached = sided.get(d);
        if (cached == null) {
            cached = Factored.oneSidedSvd(backend, factors(d.input()), left);
            sided.put(d, cached);
        }
        return cached;
    }

    /** The module evaluated. */
    String module() {
        return module;
    }

    /** Whether this module has a value of {@code node}. */
    boolean has(Node node) {
        return type(node).names().contains(module);
    }

    /**
     * The factors a decomposition node ({@link Decompose} or {@link DecomposeSum}) decomposes for this module: its
     * input's value, or its sum's concatenated factors. What a batched run gathers across modules.
     */
    ModuleFactors decompositionInput(Node node) {
        if (node instanceof Decompose d) {
            return factors(d.input());
        }
        if (node instanceof DecomposeSum d) {
            return Factored.concat(backend, spec(d), terms(d.sum()));
        }
        throw new IllegalArgumentException(node.describe() + " is not a decomposition");
    }

    /** Records {@code value} as the node's value for this module (computed elsewhere, in a batch of modules). */
    void seed(Node node, ModuleValue value) {
        memo.put(node, value);
    }

    /** The decomposition of {@code f}, as a decomposition node computes it for one module. */
    ModuleSvd decompose(ModuleFactors f, boolean vectors) {
        if (vectors) {
            return Factored.svd(backend, f);
        }
        return valuesOnly(f, Factored.singularValues(backend, f));
    }

    /** The values-only decomposition of {@code f} with singular values {@code s}. */
    static ModuleSvd valuesOnly(ModuleFactors f, double[] s) {
        return ModuleSvd.valuesOnly(f.spec().withRank(s.length), s, f.scale());
    }

    private List<Factored.Term> terms(Sum s) {
        List<Factored.Term> terms = new ArrayList<>();
        for (Sum.Term t : s.terms()) {
            ModuleFactors f = factors(t.node());
            if (f != null) {
                terms.add(new Factored.Term(t.weight(), f));
            }
        }
        return terms;
    }
}
