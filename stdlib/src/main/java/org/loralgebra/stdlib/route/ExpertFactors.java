package org.loralgebra.stdlib.route;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Engine;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.exec.Root;
import org.loralgebra.exec.Roots;
import org.loralgebra.graph.Node;
import org.loralgebra.lang.LoraException;
import org.loralgebra.lang.Precision;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.tensor.DType;

/**
 * One module's experts on the device: their A factors stacked as {@code A_cat [Σr, in]}, their B factors as
 * {@code B_catᵀ [Σr, out]}, expert e owning rows {@code [offsets[e], offsets[e+1])} of both, with scale
 * {@code scales[e]}. For adapter experts a block is an adapter's whole rank (ranks may differ); for rank
 * experts every block is one rank of a single adapter.
 */
final class ExpertFactors {
    final String module;
    final int in;
    final int out;
    final List<String> labels;
    /** The arrays these factors are held in. */
    final RouteArrays arrays;

    final int[] offsets;
    final double[] scales;
    final RouteArrays.Array aCat;
    final RouteArrays.Array bCatT;
    /** Per expert, A_e [r_e, in] as a view of {@code aCat}; null for an expert of rank 0. */
    final List<RouteArrays.Array> a;
    /** Per expert, B_eᵀ [r_e, out] as a view of {@code bCatT}; null for an expert of rank 0. */
    final List<RouteArrays.Array> bT;
    /** Per adapter expert, its factors as routed (after GenKnowSub, if any); empty for rank experts. */
    final List<ModuleFactors> factors;

    private ExpertFactors(
            String module,
            int in,
            int out,
            List<String> labels,
            RouteArrays arrays,
            int[] offsets,
            double[] scales,
            RouteArrays.Array aCat,
            RouteArrays.Array bCatT,
            List<ModuleFactors> factors) {
        this.module = module;
        this.in = in;
        this.out = out;
        this.labels = List.copyOf(labels);
        this.arrays = arrays;
        this.offsets = offsets;
        this.scales = scales;
        this.aCat = aCat;
        this.bCatT = bCatT;
        List<RouteArrays.Array> as = new ArrayList<>();
        List<RouteArrays.Array> bs = new ArrayList<>();
        for (int e = 0; e < labels.size(); e++) {
            boolean empty = offsets[e + 1] == offsets[e];
            as.add(empty ? null : arrays.rowBlock(aCat, offsets[e], offsets[e + 1]));
            bs.add(empty ? null : arrays.rowBlock(bCatT, offsets[e], offsets[e + 1]));
        }
        this.a = Collections.unmodifiableList(as);
        this.bT = Collections.unmodifiableList(bs);
        this.factors = List.copyOf(factors);
    }

    int experts() {
        return labels.size();
    }

    int rank(int e) {
        return offsets[e + 1] - offsets[e];
    }

    /** The adapters' module, each adapter one expert. */
    static ExpertFactors adapters(List<Adapter> adapters, String module, Precision precision) {
        return adapters(adapters, List.of(), module, precision);
    }

    /**
     * The adapters' module, each adapter one expert, with the mean factors of the {@code general} adapters
     * subtracted from each (GenKnowSub; none when empty).
     */
    static ExpertFactors adapters(List<Adapter> adapters, List<Adapter> general, String module, Precision precision) {
        List<Adapter> all = new ArrayList<>(adapters);
        all.addAll(general);
        List<ModuleFactors> read = read(all, adapters.size(), module);
        List<ModuleFactors> factors = general.isEmpty()
                ? read
                : GeneralKnowledge.subtract(
                        Engine.current().backend(),
                        module,
                        adapters,
                        read.subList(0, adapters.size()),
                        general,
                        read.subList(adapters.size(), read.size()));
        List<String> labels = new ArrayList<>();
        int[] offsets = new int[adapters.size() + 1];
        double[] scales = new double[adapters.size()];
        for (int e = 0; e < adapters.size(); e++) {
            labels.add(adapters.get(e).label());
            offsets[e + 1] = offsets[e] + factors.get(e).rank();
            scales[e] = factors.get(e).scale();
        }
        if (offsets[adapters.size()] == 0) {
            throw new LoraException("module '" + module + "': every expert has rank 0; there is nothing to route");
        }
        ModuleSpec spec = factors.get(0).spec();
        RouteArrays arrays = RouteArrays.current();
        return new ExpertFactors(
                module,
                spec.in(),
                spec.out(),
                labels,
                arrays,
                offsets,
                scales,
                stacked(arrays, factors, precision, false),
                stacked(arrays, factors, precision, true),
                factors);
    }

    /** The ranks of one adapter's module, each rank one expert (SMoRA). */
    static ExpertFactors ranks(Adapter adapter, String module, Precision precision) {
        ModuleFactors f = read(List.of(adapter), 1, module).get(0);
        int r = f.rank();
        if (r == 0) {
            throw new LoraException(
                    "module '" + module + "' of '" + adapter.label() + "' has rank 0; there are no ranks to route");
        }
        List<String> labels = new ArrayList<>();
        int[] offsets = new int[r + 1];
        double[] scales = new double[r];
        for (int j = 0; j < r; j++) {
            labels.add("rank " + j);
            offsets[j + 1] = j + 1;
            scales[j] = f.scale();
        }
        RouteArrays arrays = RouteArrays.current();
        return new ExpertFactors(
                module,
                f.spec().in(),
                f.spec().out(),
                labels,
                arrays,
                offsets,
                scales,
                stacked(arrays, List.of(f), precision, false),
                stacked(arrays, List.of(f), precision, true),
                List.of());
    }

    private static RouteArrays.Array stacked(
            RouteArrays arrays, List<ModuleFactors> factors, Precision precision, boolean bSide) {
        Backend be = Engine.current().backend();
        DType dtype = precision == Precision.F64 ? DType.F64 : DType.F32;
        List<RouteArrays.Array> parts = new ArrayList<>();
        for (ModuleFactors f : factors) {
            if (f.rank() == 0) {
                continue;
            }
            parts.add(arrays.upload(be.toTensor(bSide ? be.transpose(f.b()) : f.a(), dtype), precision));
        }
        return arrays.stackRows(parts);
    }

    /**
     * Evaluates the module of every adapter once (an adapter given twice is read once), checking shapes; the
     * first {@code experts} are experts, the rest general adapters (GenKnowSub).
     */
    private static List<ModuleFactors> read(List<Adapter> adapters, int experts, String module) {
        Map<Node, Root<ModuleFactors>> distinct = new IdentityHashMap<>();
        Roots roots = new Roots();
        for (int e = 0; e < adapters.size(); e++) {
            Adapter ad = adapters.get(e);
            String role = e < experts ? "expert" : "general adapter";
            ModuleSpec spec = ad.type()
                    .module(module)
                    .orElseThrow(() -> new LoraException(role + " '" + ad.label() + "' has no module '" + module + "'"
                            + Modules.suggest(ad, module)));
            check(ad, spec);
            ModuleSpec first = adapters.get(0).module(module);
            if (!spec.sameShape(first)) {
                throw new LoraException("module '" + module + "': " + role + " '" + ad.label() + "' updates a "
                        + spec.shapeString() + " weight but expert '"
                        + adapters.get(0).label() + "' a "
                        + first.shapeString() + " one; routed experts must share the module's shape");
            }
            distinct.computeIfAbsent(ad.node(), roots::factors);
        }
        Map<Root<ModuleFactors>, ModuleFactors> values = new ConcurrentHashMap<>();
        Backend be = Engine.current().backend();
        Lora.evaluate(roots, new TreeSet<>(List.of(module)), (m, vals) -> {
            for (Root<ModuleFactors> root : distinct.values()) {
                ModuleFactors f = vals.get(root);
                be.keep(f.b()); // read after the evaluation's scope has closed
                be.keep(f.a());
                values.put(root, f);
            }
        });
        List<ModuleFactors> out = new ArrayList<>();
        for (Adapter ad : adapters) {
            out.add(values.get(distinct.get(ad.node())));
        }
        return out;
    }

    private static void check(Adapter ad, ModuleSpec spec) {
        if (spec.kind() != ModuleKind.LINEAR) {
            throw new LoraException("module '" + spec.name() + "' of '" + ad.label() + "' is a " + spec.kind()
                    + " module; routing applies to linear modules, whose input is a batch of activations [tokens, in]");
        }
        if (spec.hasExtraState()) {
            throw new LoraException("module '" + spec.name() + "' of '" + ad.label() + "' carries "
                    + (spec.dora() ? "a DoRA magnitude vector" : "a LoRA bias")
                    + "; routing mixes the low-rank updates "
                    + "s·B·A·x alone. Call withoutDora() on the adapter (--without-dora on the command line) to drop"
                    + " it explicitly");
        }
    }
}
