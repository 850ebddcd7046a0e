package org.loralgebra.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The leases behind {@link CudaContext}: runs that each start a fixed pool of new threads (as the engine does for every
 * run) share the objects the first runs made, never more than the threads computing at once, and no object is held
 * by two threads at a time; a call inside a call uses the object its thread holds.
 */
class ThreadLeasesTest {
    @Test
    void runsOnNewThreadsReuseTheObjectsAndNeverShareOneAtATime() throws Exception {
        AtomicInteger serial = new AtomicInteger();
        ThreadLeases<Integer> leases = new ThreadLeases<>(serial::incrementAndGet);
        Set<Integer> inUse = ConcurrentHashMap.newKeySet();
        AtomicInteger overlaps = new AtomicInteger();
        int threads = 8;
        int runs = 20;
        for (int run = 0; run < runs; run++) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> tasks = new ArrayList<>();
            for (int task = 0; task < 32; task++) {
                tasks.add(pool.submit(() -> leases.with(() -> {
                    Integer mine = leases.held();
                    if (!inUse.add(mine)) {
                        overlaps.incrementAndGet();
                    }
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    inUse.remove(mine);
                    return mine;
                })));
            }
            for (Future<?> f : tasks) {
                f.get();
            }
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
        // one object per thread and per run (the per-thread contexts this replaces) would be 160
        assertTrue(
                leases.made() <= threads,
                "objects made over " + runs + " runs of " + threads + " new threads: " + leases.made());
        assertEquals(0, overlaps.get(), "objects held by two threads at once");
    }

    @Test
    void aCallInsideACallUsesTheSameObjectAndReturnsItOnce() {
        AtomicInteger serial = new AtomicInteger();
        ThreadLeases<Integer> leases = new ThreadLeases<>(serial::incrementAndGet);
        int outer = leases.with(() -> {
            Integer first = leases.held();
            Integer inner = leases.with(leases::held);
            assertSame(first, inner);
            return first;
        });
        // returned once: the next two calls on this thread both get it, and nothing new was made
        assertEquals(outer, leases.with(leases::held));
        assertEquals(outer, leases.with(leases::held));
        assertEquals(1, leases.made());
    }

    @Test
    void anObjectAskedForOutsideACallStaysWithItsThread() throws Exception {
        AtomicInteger serial = new AtomicInteger();
        ThreadLeases<Integer> leases = new ThreadLeases<>(serial::incrementAndGet);
        Integer kept = leases.held();
        assertSame(kept, leases.with(leases::held));
        assertSame(kept, leases.held());
        // not in the free pool: another thread gets a new one
        ExecutorService other = Executors.newSingleThreadExecutor();
        Integer theirs = other.submit(() -> leases.with(leases::held)).get();
        other.shutdown();
        assertNotSame(kept, theirs);
        assertEquals(2, leases.made());
    }
}
