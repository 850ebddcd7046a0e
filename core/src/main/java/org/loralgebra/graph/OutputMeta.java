package org.loralgebra.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.TensorRef;

/**
 * What a result carries besides its modules, for saving — format, config template, key prefix, file metadata and
 * extra (non-LoRA) tensors — decided from the expression alone, without reading anything. Unary operations keep their
 * input's; combinations take the first input's and the union of the extras. An extra tensor that several inputs hold
 * as different references is {@link #contested}: whether they hold the same bytes (kept) or not (dropped: two
 * classifier heads cannot be summed) is decided when the result is computed, by reading them
 * ({@code exec.ExtraTensors}).
 *
 * @param meta      the result's meta, its extras without the contested ones
 * @param contested per contested key, each input's tensor, in input order
 */
public record OutputMeta(AdapterMeta meta, Map<String, List<Contender>> contested) {
    public OutputMeta {
        Map<String, List<Contender>> copy = new LinkedHashMap<>();
        contested.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        contested = Collections.unmodifiableMap(copy); // in order: Map.copyOf's differs from one JVM to the next
    }

    /** One input's tensor under a contested key. */
    public record Contender(String input, TensorRef tensor) {}

    /** The meta of a node's result. */
    public static OutputMeta of(Node node) {
        return node.accept(Derive.INSTANCE);
    }

    /** The meta of a combination: the first input's, the union of the inputs' extras. */
    private static OutputMeta combined(List<Node> inputs) {
        OutputMeta first = of(inputs.get(0));
        if (inputs.size() == 1) {
            return first;
        }
        Map<String, TensorRef> extras = new LinkedHashMap<>(first.meta().extras());
        Map<String, List<Contender>> contested = new LinkedHashMap<>();
        first.contested().forEach((k, v) -> contested.put(k, new ArrayList<>(v)));
        Map<String, String> from = new LinkedHashMap<>();
        first.meta().extras().keySet().forEach(k -> from.put(k, inputs.get(0).label()));
        for (Node in : inputs.subList(1, inputs.size())) {
            OutputMeta next = of(in);
            next.contested()
                    .forEach((k, v) ->
                            contested.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
            for (Map.Entry<String, TensorRef> e : next.meta().extras().entrySet()) {
                String key = e.getKey();
                if (contested.containsKey(key)) {
                    contested.get(key).add(new Contender(in.label(), e.getValue()));
                    continue;
                }
                TensorRef seen = extras.get(key);
                if (seen == null) {
                    extras.put(key, e.getValue());
                    from.put(key, in.label());
                } else if (seen != e.getValue()) {
                    extras.remove(key);
                    List<Contender> both = new ArrayList<>();
                    both.add(new Contender(from.get(key), seen));
                    both.add(new Contender(in.label(), e.getValue()));
                    contested.put(key, both);
                }
            }
        }
        return new OutputMeta(first.meta().withExtras(extras), contested);
    }

    /** Per kind of node: a unary operation keeps its input's meta, a combination merges its inputs'. */
    private enum Derive implements NodeVisitor<OutputMeta> {
        INSTANCE;

        /** The source's meta, with the base model it was loaded as where that is not its config's (LoadOptions). */
        @Override
        public OutputMeta visitLoad(Load node) {
            AdapterMeta m = node.source().meta();
            String declared = node.source().type().baseModel().orElse(null);
            if (declared != null && !m.config().baseModel().equals(Optional.of(declared))) {
                m = m.withConfig(m.config().with(c -> c.put("base_model_name_or_path", declared)));
            }
            return new OutputMeta(m, Map.of());
        }

        @Override
        public OutputMeta visitWithBaseModel(WithBaseModel node) {
            OutputMeta in = of(node.input());
            AdapterMeta m = in.meta();
            return new OutputMeta(
                    m.withConfig(m.config().with(c -> c.put("base_model_name_or_path", node.baseModel()))),
                    in.contested());
        }

        @Override
        public OutputMeta visitSelect(Select node) {
            return of(node.input());
        }

        @Override
        public OutputMeta visitScale(Scale node) {
            return of(node.input());
        }

        @Override
        public OutputMeta visitDecompose(Decompose node) {
            return of(node.input());
        }

        @Override
        public OutputMeta visitTruncate(Truncate node) {
            return of(node.input());
        }

        @Override
        public OutputMeta visitWithoutDora(WithoutDora node) {
            return of(node.input());
        }

        @Override
        public OutputMeta visitProject(Project node) {
            return of(node.input()); // what it projects off is not an input of the result
        }

        @Override
        public OutputMeta visitSum(Sum node) {
            return combined(node.children());
        }

        @Override
        public OutputMeta visitDecomposeSum(DecomposeSum node) {
            return combined(node.children());
        }

        @Override
        public OutputMeta visitModuleMap(ModuleMap node) {
            return combined(node.inputs());
        }
    }
}
