package org.loralgebra.stdlib.lab;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.loralgebra.Adapter;
import org.loralgebra.DenseMatrix;
import org.loralgebra.lang.LoraException;
import org.loralgebra.stdlib.route.Activations;
import org.loralgebra.stdlib.route.ModuleRoute;

/**
 * A classifier whose linear modules carry Hugging Face style names, so that a LoRA adapter of those names can be
 * applied to it exactly: {@link #with(Adapter)} gives the model whose module weights are W + ΔW.
 *
 * @param <D> the examples it classifies
 */
public interface Model<D extends Examples> {
    /** The base model's name, as written in an adapter's {@code base_model_name_or_path}. */
    String name();

    /** The names of the linear modules an adapter may change, in model order. */
    List<String> modules();

    /** The predicted class of every example. */
    int[] predict(D examples);

    /**
     * This model with the adapter applied: every module the adapter has becomes W + ΔW (ΔW the adapter's dense
     * update, at the session's precision); the others stay. A module the model lacks, or a ΔW of another shape,
     * is an error naming it.
     */
    default Model<D> with(Adapter adapter) {
        Map<String, DenseMatrix> updates = new LinkedHashMap<>();
        for (String m : adapter.modules()) {
            if (!modules().contains(m)) {
                throw new LoraException("adapter " + adapter.label() + " has module " + m + " that model " + name()
                        + " lacks (its modules: " + modules() + ")");
            }
            updates.put(m, adapter.dense(m));
        }
        return withUpdates(updates, 1.0);
    }

    /**
     * This model with W + λ·ΔW on every module of {@code updates} (dense out × in updates by module name, summed in
     * double, then rounded once to the model's precision). A module the model lacks, or an update of another
     * shape, is an error naming it.
     */
    Model<D> withUpdates(Map<String, DenseMatrix> updates, double lambda);

    /**
     * The activations entering each module when the model classifies {@code examples}: by module name, in model
     * order, one row per example (what a gate of that module scores).
     */
    Map<String, Activations> moduleInputs(D examples);

    /**
     * The predicted classes when every module named in {@code routes} adds its routed update to its output: the
     * module computes W·x + b + route(x), with x the input as it arrives (after the routed modules below it). The
     * other modules are the base's.
     */
    int[] predict(D examples, Map<String, ModuleRoute> routes);

    /** The fraction of examples whose prediction equals their label. */
    default double accuracy(D examples) {
        return Evaluation.accuracy(predict(examples), examples);
    }
}
