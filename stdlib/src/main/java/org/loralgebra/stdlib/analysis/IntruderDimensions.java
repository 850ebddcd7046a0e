package org.loralgebra.stdlib.analysis;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Engine;
import org.loralgebra.exec.Matrix;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.exec.Root;
import org.loralgebra.exec.Roots;
import org.loralgebra.io.checkpoint.Checkpoint;
import org.loralgebra.io.checkpoint.ModuleWeight;
import org.loralgebra.lang.LoraException;
import org.loralgebra.model.ModuleOrder;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.stdlib.json.ReportJson;

/**
 * Intruder dimensions (Shuttleworth et al., "LoRA vs Full Fine-tuning: An Illusion of Equivalence", 2024): per
 * module, the top singular vectors of the fine-tuned weight {@code W + ΔW} that are far from every singular vector
 * of the base weight W, i.e. whose largest |cosine| with them is below ε. PEFT's defaults ({@code
 * reduce_intruder_dimension}: top_k = 10, ε = 0.5) are the defaults here.
 *
 * <p>Both SVDs are randomized ({@link RandomizedSvd}: top-k of {@code W + ΔW}, applied as {@code W·X + s·B·(A·X)}
 * without forming the sum, and the top-K of W); no full SVD of a base weight is run. The definition compares with
 * all base singular vectors; comparing with the top K gives an exact count when K reaches min(out, in) and, below
 * that, an upper bound together with a proven lower bound ({@link ModuleIntruders}).
 *
 * <p>Vectors are the left singular vectors of the weight in the update's {@code [out, in]} orientation (the
 * output space), for every module kind: a GPT-2 Conv1D weight stored {@code [in, out]} is transposed first. (PEFT
 * takes the SVD of the stored tensor, which for Conv1D gives input-side vectors; here every module is analysed in
 * the same space.)
 *
 * @param adapter   the adapter's label
 * @param baseModel where the base weights came from
 * @param options   the parameters used
 * @param modules   per module, in module order
 */
public record IntruderDimensions(
        String adapter, String baseModel, IntruderOptions options, List<ModuleIntruders> modules) {
    public IntruderDimensions {
        List<ModuleIntruders> sorted = new ArrayList<>(modules);
        sorted.sort((a, b) -> ModuleOrder.INSTANCE.compare(a.module(), b.module()));
        modules = List.copyOf(sorted);
    }

    /** With PEFT's defaults. */
    public static IntruderDimensions of(Path baseModel, Adapter adapter) {
        return of(Checkpoint.open(baseModel), adapter, IntruderOptions.defaults());
    }

    /** With the given options. */
    public static IntruderDimensions of(Path baseModel, Adapter adapter, IntruderOptions options) {
        return of(Checkpoint.open(baseModel), adapter, options);
    }

    /**
     * The intruder dimensions of every module of {@code adapter} against {@code base}. Every module's base weight is
     * located and its shape checked before anything is computed.
     *
     * @throws LoraException when a module carries a DoRA magnitude (the fine-tuned weight is then not W + ΔW), or
     *                       has no weight of the right shape in the base model
     */
    public static IntruderDimensions of(Checkpoint base, Adapter adapter, IntruderOptions options) {
        Map<String, ModuleWeight> weights = new HashMap<>();
        for (ModuleSpec spec : adapter.type().modules().values()) {
            if (spec.dora()) {
                throw new LoraException("intruders: module '" + spec.name() + "' of '" + adapter.label() + "' is DoRA "
                        + "(its fine-tuned weight is m ⊙ (W + ΔW)/‖W + ΔW‖, not W + ΔW); analyse adapter.withoutDora() "
                        + "to look at the low-rank update alone");
            }
            weights.put(spec.name(), base.weight(spec));
        }
        Backend be = Engine.current().backend();
        List<ModuleIntruders> out = Collections.synchronizedList(new ArrayList<>());
        Roots roots = new Roots();
        Root<ModuleFactors> update = roots.factors(adapter.node());
        Lora.evaluate(roots, (module, values) -> {
            ModuleFactors f = values.get(update);
            out.add(analyse(be, module, matrix(be, weights.get(module)), f, options));
        });
        return new IntruderDimensions(adapter.label(), base.location().toString(), options, out);
    }

    /**
     * A base weight as an {@code [out, in]} matrix, in the update's orientation: transposed when the checkpoint
     * stores {@code [in, out]} (fan_in_fan_out, GPT-2's Conv1D; embedding tables), a convolution's kernel flattened.
     */
    private static Matrix matrix(Backend be, ModuleWeight weight) {
        Matrix m = be.fromTensor(weight.read());
        return weight.transposed() ? be.transpose(m) : m;
    }

    /** One module: top-k of W + ΔW against the top-K of W. */
    static ModuleIntruders analyse(Backend be, String module, Matrix w, ModuleFactors update, IntruderOptions options) {
        int n = Math.min(w.rows(), w.cols());
        int k = Math.min(options.topK(), n);
        int baseK = Math.min(options.baseRank(), n);
        Backend.Svd tuned = options.svd()
                .top(be, LinearOperator.plusUpdate(be, w, update), k, RandomizedSvd.seedFor(options.seed(), module, 1));
        Backend.Svd base = options.svd()
                .top(be, LinearOperator.of(be, w), baseK, RandomizedSvd.seedFor(options.seed(), module, 2));
        double[] c = be.toRowMajor(be.matmul(tuned.u(), true, base.u(), false));
        double[] maxCos = new double[k];
        int[] best = new int[k];
        double[] outside = new double[k];
        for (int j = 0; j < k; j++) {
            double mass = 0;
            for (int i = 0; i < baseK; i++) {
                double x = c[j * baseK + i];
                mass += x * x;
                if (Math.abs(x) > maxCos[j]) {
                    maxCos[j] = Math.abs(x);
                    best[j] = i;
                }
            }
            outside[j] = Math.max(0, 1 - mass);
        }
        return new ModuleIntruders(
                ModuleName.of(module), tuned.s(), maxCos, best, outside, baseK, n, options.epsilon());
    }

    /** One module's result. */
    public ModuleIntruders module(String name) {
        return modules.stream()
                .filter(m -> m.module().equals(name))
                .findFirst()
                .orElseThrow(() -> new LoraException("intruders of '" + adapter + "' have no module '" + name + "'"));
    }

    /** Intruders per module. */
    public SortedMap<String, Double> counts() {
        SortedMap<String, Double> out = new TreeMap<>(ModuleOrder.INSTANCE);
        modules.forEach(m -> out.put(m.module(), (double) m.count()));
        return Collections.unmodifiableSortedMap(out);
    }

    /** Intruders per layer, summed over the layer's modules (modules without a layer index are left out). */
    public SortedMap<Integer, Integer> countsByLayer() {
        SortedMap<Integer, Integer> out = new TreeMap<>();
        modules.stream()
                .filter(m -> m.name().layer().isPresent())
                .forEach(m -> out.merge(m.name().layer().getAsInt(), m.count(), Integer::sum));
        return Collections.unmodifiableSortedMap(out);
    }

    /** Intruders per layer and module type. */
    public LayerGrid grid() {
        return LayerGrid.of("intruder dimensions", counts());
    }

    /** The total over modules. */
    public int total() {
        return modules.stream().mapToInt(ModuleIntruders::count).sum();
    }

    /** Whether every module's count is exact (all base singular vectors compared). */
    public boolean exact() {
        return modules.stream().allMatch(ModuleIntruders::exact);
    }

    /** Everything as JSON. */
    public String toJson() {
        ObjectNode o = ReportJson.object();
        o.put("analysis", "intruder-dimensions");
        o.put("adapter", adapter);
        o.put("base_model", baseModel);
        ObjectNode opt = o.putObject("options");
        opt.put("top_k", options.topK());
        opt.put("epsilon", options.epsilon());
        opt.put("base_rank", options.baseRank());
        opt.put("oversampling", options.svd().oversampling());
        opt.put("power_iterations", options.svd().powerIterations());
        opt.put("seed", options.seed());
        o.put("total", total());
        o.put("exact", exact());
        ObjectNode layers = o.putObject("by_layer");
        countsByLayer().forEach((l, c) -> layers.put(String.valueOf(l), c));
        ArrayNode list = o.putArray("modules");
        for (ModuleIntruders m : modules) {
            ObjectNode e = list.addObject();
            e.put("module", m.module());
            e.put("intruders", m.count());
            e.put("confirmed", m.confirmed());
            e.put("base_vectors", m.baseVectors());
            e.put("base_dimension", m.baseDimension());
            e.set("singular_values", ReportJson.array(m.singularValues()));
            e.set("max_cosine", ReportJson.array(m.maxCosine()));
            ArrayNode best = e.putArray("best_match");
            for (int b : m.bestMatch()) {
                best.add(b);
            }
            e.set("outside_mass", ReportJson.array(m.outsideMass()));
        }
        return ReportJson.line(o);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "Intruder dimensions of %s against %s (top %d, ε = %s, %s): %d in total%n",
                adapter,
                baseModel,
                options.topK(),
                options.epsilon(),
                exact() ? "all base vectors" : "top " + options.baseRank() + " base vectors",
                total()));
        for (ModuleIntruders m : modules) {
            sb.append("  ").append(m).append('\n');
        }
        return sb.toString();
    }
}
