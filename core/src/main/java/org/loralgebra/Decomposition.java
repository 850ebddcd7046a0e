package org.loralgebra;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Engine;
import org.loralgebra.exec.Matrix;
import org.loralgebra.graph.Decompose;
import org.loralgebra.graph.Node;
import org.loralgebra.model.AdapterTypeException;
import org.loralgebra.model.ModuleOrder;

/**
 * Per module, the thin SVD {@code ΔW = U·diag(S)·Vᵀ} of an adapter's update, computed in factored form
 * (QR of B and Aᵀ, SVD of the r×r core): U [out, k] and V [in, k] with orthonormal columns, S descending.
 * Lazy: nothing runs until a module is asked for; {@link #module} computes only that module.
 */
public final class Decomposition {
    private final Node decomposition;

    Decomposition(Node adapter) {
        this.decomposition = new Decompose(adapter);
    }

    /** One module's SVD, as dense values. */
    public record ModuleDecomposition(String module, DenseMatrix u, double[] s, DenseMatrix v) {
        public ModuleDecomposition {
            s = s.clone();
        }

        @Override
        public double[] s() {
            return s.clone();
        }
    }

    /** The graph node. */
    public Node node() {
        return decomposition;
    }

    /** The SVD of one module. */
    public ModuleDecomposition module(String name) {
        if (!decomposition.type().names().contains(name)) {
            throw new AdapterTypeException(
                    "'" + decomposition.children().get(0).label() + "' has no module '" + name + "'");
        }
        SortedMap<String, ModuleDecomposition> one = compute(new TreeSet<>(List.of(name)));
        return one.get(name);
    }

    /** Every module's SVD (materializes U and V of every module). */
    public SortedMap<String, ModuleDecomposition> values() {
        return compute(new TreeSet<>(ModuleOrder.INSTANCE) {
            {
                addAll(decomposition.type().names());
            }
        });
    }

    private SortedMap<String, ModuleDecomposition> compute(SortedSet<String> modules) {
        Backend be = Engine.current().backend();
        SortedMap<String, ModuleDecomposition> out =
                Collections.synchronizedSortedMap(new TreeMap<>(ModuleOrder.INSTANCE));
        Runs.eachSvd(decomposition, modules, (module, svd) -> {
            out.put(module, new ModuleDecomposition(module, dense(be, svd.u()), svd.s(), dense(be, svd.v())));
        });
        return Collections.unmodifiableSortedMap(new TreeMap<>(out));
    }

    static DenseMatrix dense(Backend be, Matrix m) {
        return new DenseMatrix(m.rows(), m.cols(), be.toRowMajor(m));
    }
}
