package org.loralgebra.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.loralgebra.Lora;
import org.loralgebra.TestAdapters;
import org.loralgebra.TestAdapters.Shape;
import org.loralgebra.graph.ModuleMap;
import org.loralgebra.graph.Node;
import org.loralgebra.lang.Precision;
import org.loralgebra.model.ModuleSpec;

/**
 * Operation threads by what is in flight: a parallel run's share, one for light runs on one thread, every core
 * otherwise; and the engine's choice of light or heavy from the module's estimated flops.
 */
class OperationThreadsTest {
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    /** The CPU backend, recording what it is told. */
    private static final class Recording extends ForwardingBackend {
        final List<Integer> calls = new ArrayList<>();

        Recording() {
            super(Backends.create("cpu", Precision.F32));
        }

        @Override
        public void useOperationThreads(int threads) {
            calls.add(threads);
            super.useOperationThreads(threads);
        }
    }

    @Test
    @SuppressWarnings("try") // the claim is held for its effect
    void aLightRunOnOneThreadGetsOneThreadPerOperationUntilItEnds() {
        Recording be = new Recording();
        try (OperationThreads.Claim c = OperationThreads.enter(be, 1, OperationThreads.HEAVY_FLOPS / 2)) {
            assertEquals(1, OperationThreads.current(CORES), "while the light run is in flight");
        }
        assertEquals(CORES, OperationThreads.current(CORES), "after it");
        assertEquals(CORES, be.calls.get(be.calls.size() - 1), "the last thing the backend was told: " + be.calls);
        assertEquals(List.of(1, CORES), be.calls, "told one thread, then every core");
    }

    @Test
    @SuppressWarnings("try") // the claim is held for its effect
    void aHeavyRunOnOneThreadLeavesEveryCore() {
        Recording be = new Recording();
        try (OperationThreads.Claim c = OperationThreads.enter(be, 1, OperationThreads.HEAVY_FLOPS)) {
            assertEquals(CORES, OperationThreads.current(CORES));
        }
        assertEquals(List.of(), be.calls, "nothing to change");
    }

    @Test
    void aParallelRunSharesTheCoresAndALightRunBesideItKeepsOneAfterIt() {
        Recording be = new Recording();
        int share = Math.max(1, CORES / 2);
        OperationThreads.Claim parallel = OperationThreads.enter(be, 2, 0);
        assertEquals(share, OperationThreads.current(CORES), "a run on two module threads");
        OperationThreads.Claim light = OperationThreads.enter(be, 1, 0);
        assertEquals(share, OperationThreads.current(CORES), "the parallel run's share holds while it runs");
        parallel.close();
        assertEquals(1, OperationThreads.current(CORES), "then the light run's one");
        light.close();
        assertEquals(CORES, OperationThreads.current(CORES), "then every core");
        assertEquals(CORES, be.calls.get(be.calls.size() - 1), "calls: " + be.calls);
    }

    @Test
    void aBackendThatRefusesLeavesNoClaimBehind() {
        Backend refusing = new ForwardingBackend(Backends.create("cpu", Precision.F32)) {
            @Override
            public void useOperationThreads(int threads) {
                throw new IllegalStateException("refused " + threads);
            }
        };
        for (int moduleThreads : new int[] {1, 2}) {
            assertThrows(IllegalStateException.class, () -> OperationThreads.enter(refusing, moduleThreads, 0));
            assertEquals(CORES, OperationThreads.current(CORES), "after a refused claim on " + moduleThreads);
        }
    }

    /** Passes its input through, claiming {@code flops} per module. */
    private record Claimed(double flops) implements ExecutableKernel {
        @Override
        public String describe() {
            return "identity claiming " + flops + " flops";
        }

        @Override
        public ModuleFactors apply(Backend backend, ModuleSpec out, List<Optional<ModuleFactors>> inputs) {
            return inputs.get(0).orElseThrow();
        }

        @Override
        public double flops(ModuleSpec out, List<Optional<ModuleSpec>> inputs) {
            return flops;
        }
    }

    /** The operation threads seen inside the engine's run of one module whose kernel claims {@code flops}. */
    private static int threadsInsideARunOf(double flops) {
        Node one = Lora.from(TestAdapters.random("a", 3, List.of(new Shape("layers.0.q", 12, 10, 4, 2.0))))
                .node();
        Node claimed = ModuleMap.of(List.of(one), new Claimed(flops));
        Roots roots = new Roots();
        roots.factors(claimed);
        AtomicInteger seen = new AtomicInteger(-1);
        new Engine(new Recording(), new ExecutionOptions(2, 1L << 30, Precision.F32))
                .run(roots, (m, v) -> seen.set(OperationThreads.current(CORES)), ProgressListener.NONE);
        assertEquals(CORES, OperationThreads.current(CORES), "after the run");
        return seen.get();
    }

    @Test
    void theEngineGivesALightModuleOneThreadAndAHeavyOneEveryCore() {
        assertEquals(1, threadsInsideARunOf(OperationThreads.HEAVY_FLOPS / 10), "a module of 1e8 flops");
        assertEquals(CORES, threadsInsideARunOf(OperationThreads.HEAVY_FLOPS * 2), "a module of 2e9 flops");
    }
}
