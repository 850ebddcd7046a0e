package org.loralgebra.exec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.loralgebra.graph.Load;
import org.loralgebra.graph.Node;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.lang.LoraException;
import org.loralgebra.model.AdapterSource;
import org.loralgebra.model.StoredModule;
import org.loralgebra.tensor.Tensor;

/**
 * Says which module of which inputs a failed computation came from, and what in those inputs caused it: each
 * input's tensors of the module are read again and scanned; a refused value (NaN, infinity, magnitude of 2⁶⁴ or
 * more) is named with its file, tensor and index, and otherwise the largest magnitudes are given with the bound
 * {@code |scale|·max|B|·max|A|·r} on the update's entries, compared with F32's range.
 */
final class ModuleDiagnosis {
    private static final double F32_MAX = Float.MAX_VALUE;

    private ModuleDiagnosis() {}

    /**
     * {@code failure} rethrown with the module, its inputs and the cause in them: a {@link NumericFailure} stays one
     * (bad input, exit 2), an {@link IllegalStateException} (a bug) stays one; anything else is returned as it was.
     */
    static RuntimeException wrap(RuntimeException failure, String module, List<Node> roots) {
        if (!(failure instanceof NumericFailure) && !(failure instanceof IllegalStateException)) {
            return failure;
        }
        List<AdapterSource> inputs = inputs(roots, module);
        StringBuilder sb = new StringBuilder("module '").append(module).append("' of ");
        sb.append(inputs.isEmpty() ? "the expression" : inputs.size() == 1 ? "input " : "inputs ");
        for (int i = 0; i < inputs.size(); i++) {
            AdapterSource in = inputs.get(i);
            sb.append(i > 0 ? ", " : "").append('\'').append(in.label()).append('\'');
            in.location().ifPresent(p -> sb.append(" (").append(p).append(')'));
        }
        sb.append(": ").append(failure.getMessage());
        String cause = cause(inputs, module);
        if (!cause.isEmpty()) {
            sb.append(". ").append(cause);
        }
        return failure instanceof NumericFailure
                ? new NumericFailure(sb.toString(), failure)
                : new IllegalStateException(sb.toString(), failure);
    }

    /** The adapters loaded under {@code roots} that have {@code module}, each once, in plan order. */
    private static List<AdapterSource> inputs(List<Node> roots, String module) {
        Set<AdapterSource> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Node> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        List<AdapterSource> out = new ArrayList<>();
        List<Node> todo = new ArrayList<>(roots);
        while (!todo.isEmpty()) {
            Node n = todo.remove(todo.size() - 1);
            if (!visited.add(n)) {
                continue;
            }
            if (n instanceof Load l && l.source().type().names().contains(module) && seen.add(l.source())) {
                out.add(l.source());
            }
            todo.addAll(n.children());
        }
        return out;
    }

    /** What in the inputs' tensors of {@code module} explains a failure, or empty when nothing does. */
    private static String cause(List<AdapterSource> inputs, String module) {
        List<String> parts = new ArrayList<>();
        double total = 0;
        for (AdapterSource in : inputs) {
            StoredModule m;
            double a;
            double b;
            try {
                m = in.read(module);
                a = maxAbs(m.a());
                b = maxAbs(m.b());
            } catch (AdapterFormatException e) {
                return "Cause: " + e.getMessage();
            } catch (LoraException | IllegalStateException | UnsupportedOperationException e) {
                continue;
            }
            double bound = Math.abs(m.scale()) * a * b * m.spec().rank();
            total += bound;
            parts.add(String.format(
                    Locale.ROOT,
                    "'%s': max|A| %.3g, max|B| %.3g, scale %.4g, bound %.3g",
                    in.label(),
                    a,
                    b,
                    m.scale(),
                    bound));
        }
        if (parts.isEmpty()) {
            return "";
        }
        String head = "Every input value is finite and of magnitude below 2^64 (" + String.join("; ", parts) + ")";
        if (!(total < F32_MAX)) {
            return head + ": the update's entries can reach " + String.format(Locale.ROOT, "%.3g", total)
                    + ", past F32's range (3.4e38): the inputs' values are too large for an F32 computation (compute in "
                    + "F64: Lora.configure(ExecutionOptions.defaults().withPrecision(Precision.F64)))";
        }
        return head;
    }

    private static double maxAbs(Tensor t) {
        double max = 0;
        for (double v : t.toDoubleArray()) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}
