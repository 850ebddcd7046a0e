package org.loralgebra.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.ToIntFunction;
import java.util.function.UnaryOperator;

/**
 * The type of an adapter value: the base model it was trained on (if known) and its modules with their
 * shapes and ranks, in {@link ModuleOrder}. Two adapters can be combined when their base models agree and
 * every module they share has the same shape.
 */
public final class AdapterType {
    private final String baseModel;
    private final SortedMap<String, ModuleSpec> modules;

    private AdapterType(String baseModel, SortedMap<String, ModuleSpec> modules) {
        this.baseModel = baseModel;
        this.modules = Collections.unmodifiableSortedMap(modules);
    }

    /** A type over {@code modules}; {@code baseModel} may be null when unknown. */
    public static AdapterType of(String baseModel, Iterable<ModuleSpec> modules) {
        SortedMap<String, ModuleSpec> map = new TreeMap<>(ModuleOrder.INSTANCE);
        for (ModuleSpec m : modules) {
            if (map.put(m.name(), m) != null) {
                throw new IllegalArgumentException("module '" + m.name() + "' given twice");
            }
        }
        return new AdapterType(baseModel, map);
    }

    /** The base model's name or path, as the adapter's config gives it. */
    public Optional<String> baseModel() {
        return Optional.ofNullable(baseModel);
    }

    /** Every module, in module order. */
    public SortedMap<String, ModuleSpec> modules() {
        return modules;
    }

    /** The module called {@code name}. */
    public Optional<ModuleSpec> module(String name) {
        return Optional.ofNullable(modules.get(name));
    }

    /** Module names in module order. */
    public Set<String> names() {
        return modules.keySet();
    }

    /** Whether any module carries DoRA magnitude or LoRA bias state. */
    public boolean hasExtraState() {
        return modules.values().stream().anyMatch(ModuleSpec::hasExtraState);
    }

    /** This type restricted to {@code names} (which must all be modules of it). */
    public AdapterType restrict(Set<String> names) {
        SortedMap<String, ModuleSpec> map = new TreeMap<>(ModuleOrder.INSTANCE);
        for (String n : names) {
            ModuleSpec m = modules.get(n);
            if (m == null) {
                throw new AdapterTypeException("no module '" + n + "' in this adapter");
            }
            map.put(n, m);
        }
        return new AdapterType(baseModel, map);
    }

    /** This type with each module replaced by {@code f(module)} (names must not change). */
    public AdapterType mapModules(UnaryOperator<ModuleSpec> f) {
        TreeMap<String, ModuleSpec> map = new TreeMap<>(modules); // built from sorted entries: no comparisons
        map.replaceAll((n, m) -> f.apply(m));
        return new AdapterType(baseModel, map);
    }

    /** This type with another base model name (null: unknown). */
    public AdapterType withBaseModel(String name) {
        return new AdapterType(name, new TreeMap<>(modules));
    }

    /** Total number of factor parameters. */
    public long parameterCount() {
        return modules.values().stream().mapToLong(ModuleSpec::parameterCount).sum();
    }

    /** An operand of a combination, with the label that error messages use for it. */
    public record Operand(String label, AdapterType type) {}

    /**
     * The type of a module-wise combination of {@code operands} (a sum, a merge): the union of their modules.
     * A module in several operands keeps its shape; its rank is {@code rank.apply(ranks)}.
     *
     * @throws AdapterTypeException when base models differ, or a module has two shapes; the message names
     *                              both operands and the module
     */
    public static AdapterType union(List<Operand> operands, ToIntFunction<List<ModuleSpec>> rank) {
        if (operands.isEmpty()) {
            throw new AdapterTypeException("a combination needs at least one adapter");
        }
        String base = null;
        String baseLabel = null;
        for (Operand o : operands) {
            String b = o.type().baseModel;
            if (b == null) {
                continue;
            }
            if (base == null) {
                base = b;
                baseLabel = o.label();
            } else if (!sameBaseModel(base, b)) {
                throw new AdapterTypeException("cannot combine '" + baseLabel + "' (base model " + base + ") with '"
                        + o.label() + "' (base model " + b + "): adapters of different base models update different "
                        + "weights; if they are the same model under two names, declare one name: withBaseModel(name)"
                        + " on one, or --base-model NAME on the command line");
            }
        }
        Map<String, ArrayList<ModuleSpec>> specs = new TreeMap<>(ModuleOrder.INSTANCE);
        Map<String, String> firstLabel = new TreeMap<>();
        for (Operand o : operands) {
            for (ModuleSpec m : o.type().modules.values()) {
                var list = specs.computeIfAbsent(m.name(), k -> new ArrayList<>());
                if (!list.isEmpty() && !list.get(0).sameShape(m)) {
                    throw new AdapterTypeException("module '" + m.name() + "' has shape "
                            + list.get(0).shapeString()
                            + " in '" + firstLabel.get(m.name()) + "' but " + m.shapeString() + " in '" + o.label()
                            + "': the same module name with different shapes cannot be combined");
                }
                if (list.isEmpty()) {
                    firstLabel.put(m.name(), o.label());
                }
                list.add(m);
            }
        }
        SortedMap<String, ModuleSpec> out = new TreeMap<>(ModuleOrder.INSTANCE);
        specs.forEach((n, list) -> out.put(n, list.get(0).withRank(rank.applyAsInt(list))));
        return new AdapterType(base, out);
    }

    /**
     * Whether two base model names denote the same model: equal, or equal once a Hub owner prefix is removed
     * ({@code distilbert-base-uncased} and {@code distilbert/distilbert-base-uncased}).
     */
    public static boolean sameBaseModel(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        String sa = a.substring(a.lastIndexOf('/') + 1);
        String sb = b.substring(b.lastIndexOf('/') + 1);
        boolean aHub = !a.startsWith("/") && a.chars().filter(c -> c == '/').count() <= 1;
        boolean bHub = !b.startsWith("/") && b.chars().filter(c -> c == '/').count() <= 1;
        return aHub && bHub && sa.equals(sb) && (!a.contains("/") || !b.contains("/"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AdapterType t && Objects.equals(baseModel, t.baseModel) && modules.equals(t.modules);
    }

    @Override
    public int hashCode() {
        return Objects.hash(baseModel, modules);
    }

    @Override
    public String toString() {
        return "Adapter<" + (baseModel == null ? "?" : baseModel) + ", " + modules.size() + " modules>";
    }
}
