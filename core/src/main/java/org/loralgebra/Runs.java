package org.loralgebra;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.loralgebra.exec.Engine;
import org.loralgebra.exec.ModuleConsumer;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.exec.ModuleSvd;
import org.loralgebra.exec.ProgressListener;
import org.loralgebra.exec.Root;
import org.loralgebra.exec.Roots;
import org.loralgebra.graph.Node;
import org.loralgebra.model.ModuleOrder;
import org.loralgebra.plan.Plan;
import org.loralgebra.plan.Planner;

/** Plans and runs expressions on the process-wide engine; the one place the API reaches the executor. */
final class Runs {
    private static volatile ProgressListener defaultListener = ProgressListener.NONE;

    private Runs() {}

    static void setDefaultListener(ProgressListener listener) {
        defaultListener = listener == null ? ProgressListener.NONE : listener;
    }

    static ProgressListener defaultListener() {
        return defaultListener;
    }

    static Plan plan(List<Node> roots) {
        return new Planner().plan(roots, Engine.current().options().precision());
    }

    /** Runs one adapter-valued node, handing each module's factors to {@code each} (from worker threads). */
    static void eachFactors(Node node, SortedSet<String> modules, BiConsumer<String, ModuleFactors> each) {
        Roots roots = new Roots();
        Root<ModuleFactors> root = roots.factors(node);
        run(roots, modules, (module, values) -> each.accept(module, values.get(root)));
    }

    /** Runs one decomposition, handing each module's SVD to {@code each} (from worker threads). */
    static void eachSvd(Node node, SortedSet<String> modules, BiConsumer<String, ModuleSvd> each) {
        Roots roots = new Roots();
        Root<ModuleSvd> root = roots.svd(node);
        run(roots, modules, (module, values) -> each.accept(module, values.get(root)));
    }

    /** The modules of {@code node}, for {@link #eachFactors} and {@link #eachSvd} over all of them. */
    static SortedSet<String> allModules(Node node) {
        SortedSet<String> all = new TreeSet<>(ModuleOrder.INSTANCE);
        all.addAll(node.type().names());
        return all;
    }

    static void run(Roots roots, ModuleConsumer consumer) {
        Plan plan = plan(roots.nodes());
        Engine.current().run(roots, plan.physical(), consumer, defaultListener);
    }

    static void run(Roots roots, SortedSet<String> modules, ModuleConsumer consumer) {
        Plan plan = plan(roots.nodes());
        Engine.current().run(roots, plan.physical(), modules, consumer, defaultListener);
    }
}
