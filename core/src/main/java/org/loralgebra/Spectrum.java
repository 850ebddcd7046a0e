package org.loralgebra;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.loralgebra.graph.Decompose;
import org.loralgebra.graph.Node;
import org.loralgebra.model.AdapterTypeException;
import org.loralgebra.model.ModuleOrder;
import org.loralgebra.plan.Plan;

/**
 * The singular values of every module's update {@code scale·B·A}, descending: lazy until {@link #values()} is
 * first asked for, then kept. Computed in factored form (two thin QRs and an r×r SVD per module).
 */
public final class Spectrum {
    private final Node decomposition;
    private volatile SortedMap<String, double[]> values;

    Spectrum(Node adapter) {
        this.decomposition = new Decompose(adapter, false);
    }

    /** The graph this spectrum reads. */
    public Node node() {
        return decomposition;
    }

    /** The label of the adapter whose spectrum this is. */
    public String label() {
        return decomposition.children().get(0).label();
    }

    /** The plan that computes it. */
    public Plan plan() {
        return Runs.plan(List.of(decomposition));
    }

    /** Singular values per module (module order as people read it: layer 2 before layer 10). */
    public SortedMap<String, double[]> values() {
        SortedMap<String, double[]> v = values;
        if (v == null) {
            synchronized (this) {
                v = values;
                if (v == null) {
                    SortedMap<String, double[]> out =
                            Collections.synchronizedSortedMap(new TreeMap<>(ModuleOrder.INSTANCE));
                    Runs.eachSvd(
                            decomposition, Runs.allModules(decomposition), (module, svd) -> out.put(module, svd.s()));
                    v = Collections.unmodifiableSortedMap(new TreeMap<>(out));
                    values = v;
                }
            }
        }
        return v;
    }

    /** The singular values of one module (a copy). */
    public double[] module(String name) {
        double[] s = values().get(name);
        if (s == null) {
            throw new AdapterTypeException(
                    "spectrum of '" + decomposition.children().get(0).label() + "' has no module '" + name + "'");
        }
        return s.clone();
    }

    /** Module names. */
    public Set<String> modules() {
        return decomposition.type().names();
    }

    @Override
    public String toString() {
        if (values == null) {
            return "Spectrum of " + decomposition.children().get(0).label() + " ("
                    + modules().size() + " modules, not computed yet)";
        }
        StringBuilder sb = new StringBuilder(
                "Spectrum of " + decomposition.children().get(0).label() + "\n");
        values.forEach((m, s) -> {
            sb.append(String.format(Locale.ROOT, "  %-50s", m));
            for (int i = 0; i < Math.min(s.length, 8); i++) {
                sb.append(String.format(Locale.ROOT, " %9.4g", s[i]));
            }
            sb.append(s.length > 8 ? " …\n" : "\n");
        });
        return sb.toString();
    }
}
