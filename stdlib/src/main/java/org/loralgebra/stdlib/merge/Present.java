package org.loralgebra.stdlib.merge;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.AdapterTypeException;
import org.loralgebra.model.ModuleSpec;

/**
 * The inputs that have a module, with their positions among all inputs (a merge over a module some adapters
 * lack uses the others, as PEFT does), and the type checks merges share.
 */
record Present(List<Integer> positions, List<ModuleFactors> factors) {
    static Present of(List<Optional<ModuleFactors>> inputs) {
        List<Integer> pos = new ArrayList<>();
        List<ModuleFactors> fs = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).isPresent()) {
                pos.add(i);
                fs.add(inputs.get(i).get());
            }
        }
        return new Present(List.copyOf(pos), List.copyOf(fs));
    }

    int size() {
        return factors.size();
    }

    /** The user weights of the present inputs. */
    double[] weights(List<Double> all) {
        double[] w = new double[size()];
        for (int j = 0; j < w.length; j++) {
            w[j] = all.get(positions.get(j));
        }
        return w;
    }

    /** The union of the inputs' modules, each with rank {@code rank}. */
    static AdapterType union(List<String> labels, List<AdapterType> inputs, ToIntFunction<List<ModuleSpec>> rank) {
        List<AdapterType.Operand> ops = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            ops.add(new AdapterType.Operand(labels.get(i), inputs.get(i)));
        }
        return AdapterType.union(ops, rank);
    }

    /** The method that merges as {@code method} does, on the updates, and ends in an SVD: PEFT's name for it. */
    private static String svdCounterpart(String method) {
        return method.equals("linear") ? "svd" : method + "_svd";
    }

    /** Checks that every module has one rank in all inputs that have it (PEFT's factor-wise merges need that). */
    static void requireEqualRanks(String method, List<String> labels, List<AdapterType> inputs) {
        Map<String, Integer> rank = new HashMap<>();
        Map<String, String> from = new HashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            for (ModuleSpec m : inputs.get(i).modules().values()) {
                Integer seen = rank.putIfAbsent(m.name(), m.rank());
                if (seen == null) {
                    from.put(m.name(), labels.get(i));
                } else if (seen != m.rank()) {
                    throw new AdapterTypeException(
                            method + " merges the A factors and the B factors separately and needs "
                                    + "equal ranks, but module '" + m.name() + "' has rank " + seen + " in '"
                                    + from.get(m.name())
                                    + "' and rank " + m.rank() + " in '" + labels.get(i) + "'; use "
                                    + svdCounterpart(method) + " or cat, which accept different ranks");
                }
            }
        }
    }
}
