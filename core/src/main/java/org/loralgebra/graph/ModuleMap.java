package org.loralgebra.graph;

import java.util.ArrayList;
import java.util.List;
import org.loralgebra.model.AdapterType;

/** Applies a {@link ModuleKernel} to every module of its inputs. */
public record ModuleMap(List<Node> inputs, ModuleKernel kernel, AdapterType type) implements Node {
    public ModuleMap {
        inputs = List.copyOf(inputs);
    }

    /** A checked module map: inputs must be adapters without DoRA state; the kernel types the result. */
    public static ModuleMap of(List<Node> inputs, ModuleKernel kernel) {
        List<String> labels = new ArrayList<>();
        List<AdapterType> types = new ArrayList<>();
        for (Node n : inputs) {
            if (n.output() != Output.FACTORS) {
                throw new IllegalArgumentException(kernel.describe() + " applies to adapters, not to " + n.describe());
            }
            DoraGuard.check(kernel.describe(), n);
            labels.add(n.label());
            types.add(n.type());
        }
        return new ModuleMap(inputs, kernel, kernel.outputType(labels, types));
    }

    @Override
    public List<Node> children() {
        return inputs;
    }

    @Override
    public Node withChildren(List<Node> children) {
        return Nodes.sameChildren(children, inputs) ? this : ModuleMap.of(children, kernel);
    }

    @Override
    public <R> R accept(NodeVisitor<R> visitor) {
        return visitor.visitModuleMap(this);
    }

    @Override
    public String describe() {
        return kernel.describe();
    }

    @Override
    public String label() {
        StringBuilder sb = new StringBuilder(kernel.describe().split(" ")[0]).append('(');
        for (int i = 0; i < inputs.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(inputs.get(i).label());
        }
        return sb.append(')').toString();
    }
}
