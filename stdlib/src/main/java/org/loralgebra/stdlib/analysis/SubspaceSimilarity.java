package org.loralgebra.stdlib.analysis;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Engine;
import org.loralgebra.exec.ModuleSvd;
import org.loralgebra.exec.Root;
import org.loralgebra.exec.Roots;
import org.loralgebra.lang.LoraException;
import org.loralgebra.lang.Side;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.ModuleOrder;
import org.loralgebra.stdlib.json.ReportJson;

/**
 * The subspace similarity of two adapters, module by module, over the modules both have: the LoRA paper's
 * normalized Grassmann similarity {@code φ(i, j)} between the top-i singular directions of the first update and
 * the top-j of the second, and the principal angles between their spans (see {@link ModuleSubspaceSimilarity}).
 *
 * <p>Singular vectors come from the factored SVD of each update {@code scale·B·A} (QR of B and Aᵀ, r×r core;
 * no dense update). The paper compares the right singular vectors of the A matrices, i.e. the input side; here the
 * default is the same side of the whole update ({@link Side#INPUT}, right singular vectors of ΔW, ordered by the
 * singular values of ΔW rather than of A), and {@link Side#OUTPUT} compares the left singular vectors.
 *
 * @param first  the first adapter's label
 * @param second the second adapter's label
 * @param side   INPUT (right singular vectors) or OUTPUT (left)
 * @param modules per shared module, in module order
 */
public record SubspaceSimilarity(String first, String second, Side side, List<ModuleSubspaceSimilarity> modules) {
    public SubspaceSimilarity {
        if (side == Side.BOTH) {
            throw new LoraException("subspace similarity compares one side: INPUT or OUTPUT, not BOTH");
        }
        List<ModuleSubspaceSimilarity> sorted = new ArrayList<>(modules);
        sorted.sort((a, b) -> ModuleOrder.INSTANCE.compare(a.module(), b.module()));
        modules = List.copyOf(sorted);
    }

    /** Input-side similarity of two adapters (the LoRA paper's choice). */
    public static SubspaceSimilarity of(Adapter a, Adapter b) {
        return of(a, b, Side.INPUT);
    }

    /**
     * The similarity of two adapters on one side, over the modules both have.
     *
     * @throws org.loralgebra.model.AdapterTypeException when their base models differ or a shared module has two shapes
     */
    public static SubspaceSimilarity of(Adapter a, Adapter b, Side side) {
        if (side == Side.BOTH) {
            throw new LoraException("subspace similarity compares one side: INPUT or OUTPUT, not BOTH");
        }
        AdapterType.union(
                List.of(new AdapterType.Operand(a.label(), a.type()), new AdapterType.Operand(b.label(), b.type())),
                specs -> 0);
        if (a.modules().stream().noneMatch(b.modules()::contains)) {
            throw new LoraException("'" + a.label() + "' and '" + b.label() + "' have no module in common");
        }
        Backend be = Engine.current().backend();
        List<ModuleSubspaceSimilarity> out = Collections.synchronizedList(new ArrayList<>());
        Roots roots = new Roots();
        Root<ModuleSvd> svdA = roots.svd(a.decompose().node());
        Root<ModuleSvd> svdB = roots.svd(b.decompose().node());
        Lora.evaluate(roots, (module, values) -> {
            ModuleSvd x = values.get(svdA);
            ModuleSvd y = values.get(svdB);
            if (x != null && y != null) {
                ModuleName name = ModuleName.of(module);
                out.add(
                        side == Side.INPUT
                                ? ModuleSubspaceSimilarity.compute(be, name, x.v(), y.v())
                                : ModuleSubspaceSimilarity.compute(be, name, x.u(), y.u()));
            }
        });
        return new SubspaceSimilarity(a.label(), b.label(), side, out);
    }

    /** One module's similarity. */
    public ModuleSubspaceSimilarity module(String name) {
        return modules.stream()
                .filter(m -> m.module().equals(name))
                .findFirst()
                .orElseThrow(() ->
                        new LoraException("no module '" + name + "' in both '" + first + "' and '" + second + "'"));
    }

    /** {@code φ(k, k)} per module, k the smaller rank: the headline number per module. */
    public SortedMap<String, Double> topOverlap() {
        SortedMap<String, Double> out = new TreeMap<>(ModuleOrder.INSTANCE);
        modules.forEach(m -> out.put(m.module(), m.topOverlap()));
        return Collections.unmodifiableSortedMap(out);
    }

    /** {@link #topOverlap()} as a layer × module-type grid. */
    public LayerGrid grid() {
        return LayerGrid.of("subspace similarity φ(k, k)", topOverlap());
    }

    /**
     * The mean of {@code φ(i, j)} over modules, for i, j up to the smallest ranks among them: {@code [i−1][j−1]}.
     * With one module, that module's grid.
     */
    public double[][] meanPhiGrid() {
        double[][] mean = sharedGrid();
        for (ModuleSubspaceSimilarity m : modules) {
            double[][] g = m.phiGrid();
            for (int i = 0; i < mean.length; i++) {
                for (int j = 0; j < mean[i].length; j++) {
                    mean[i][j] += g[i][j] / modules.size();
                }
            }
        }
        return mean;
    }

    /**
     * The random-subspace baseline of {@link #meanPhiGrid()}: the mean over modules of
     * {@link ModuleSubspaceSimilarity#randomPhi(int, int) max(i, j)/n}, on the same grid.
     */
    public double[][] meanRandomPhiGrid() {
        double[][] mean = sharedGrid();
        for (ModuleSubspaceSimilarity m : modules) {
            for (int i = 0; i < mean.length; i++) {
                for (int j = 0; j < mean[i].length; j++) {
                    mean[i][j] += m.randomPhi(i + 1, j + 1) / modules.size();
                }
            }
        }
        return mean;
    }

    /** A zero grid over i, j up to the smallest ranks among the modules, the grid every module has. */
    private double[][] sharedGrid() {
        int rows =
                modules.stream().mapToInt(ModuleSubspaceSimilarity::rows).min().orElse(0);
        int cols =
                modules.stream().mapToInt(ModuleSubspaceSimilarity::cols).min().orElse(0);
        return new double[rows][cols];
    }

    /** Everything as JSON: per module the φ grid, the principal cosines and angles. */
    public String toJson() {
        ObjectNode o = ReportJson.object();
        o.put("analysis", "subspace-similarity");
        o.put("first", first);
        o.put("second", second);
        o.put("side", side.name().toLowerCase(Locale.ROOT));
        ArrayNode list = o.putArray("modules");
        for (ModuleSubspaceSimilarity m : modules) {
            ObjectNode e = list.addObject();
            e.put("module", m.module());
            e.put("rank_first", m.rows());
            e.put("rank_second", m.cols());
            e.put("dimension", m.dimension());
            ReportJson.put(e, "top_overlap", m.topOverlap());
            int k = Math.min(m.rows(), m.cols());
            if (k > 0) {
                ReportJson.put(e, "random_top_overlap", m.randomPhi(k, k));
            }
            ArrayNode phi = e.putArray("phi");
            for (double[] row : m.phiGrid()) {
                phi.add(ReportJson.array(row));
            }
            e.set("principal_cosines", ReportJson.array(m.principalCosines()));
            e.set("principal_angles", ReportJson.array(m.principalAngles()));
        }
        return ReportJson.line(o);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "Subspace similarity of %s and %s (%s side, %d modules)%n",
                first,
                second,
                side.name().toLowerCase(Locale.ROOT),
                modules.size()));
        for (ModuleSubspaceSimilarity m : modules) {
            double[] angles = m.principalAngles();
            sb.append(String.format(
                    Locale.ROOT,
                    "  %-48s φ(%d,%d)=%.4f  smallest angle %.1f°%n",
                    m.module(),
                    Math.min(m.rows(), m.cols()),
                    Math.min(m.rows(), m.cols()),
                    m.topOverlap(),
                    angles.length == 0 ? Double.NaN : Math.toDegrees(angles[0])));
        }
        return sb.toString();
    }
}
