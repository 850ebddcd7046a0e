package org.loralgebra;

import java.util.List;
import java.util.SortedSet;

import org.loralgebra.exec.Engine;
import org.loralgebra.exec.ModuleConsumer;
import org.loralgebra.exec.ProgressListener;
import org.loralgebra.graph.Node;
import org.loralgebra.plan.Plan;
import org.loralgebra.plan.Planner;

/** Plans and runs expressions on the process-wide engine; the one place the API reaches the executor. */
final class Runs {
    private static volatile ProgressListener defaultListener = ProgressListener.NONE;

    private Runs() {
    }

    static void setDefaultListener(ProgressListener listener) {
        defaultListener = listener == null ? ProgressListener.NONE : listener;
    }

    static Plan plan(List<Node> roots) {
        return new Planner().plan(roots);
    }

    static void run(List<Node> roots, ModuleConsumer consumer) {
        Plan plan = plan(roots);
        Engine.defaultEngine().run(plan.physical(), consumer, defaultListener);
    }

    static void run(List<Node> roots, SortedSet<String> modules, ModuleConsumer consumer) {
        Plan plan = plan(roots);
        Engine.defaultEngine().run(plan.physical(), modules, consumer, defaultListener);
    }
}
