package org.loralgebra.cuda;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Objects lent to one thread at a time for the length of a call, then kept for the next thread that calls: what holds
 * the number of CUDA streams and library handles ({@link CudaContext}) to the number of threads that compute at once,
 * though the engine starts new threads for every run. A call made while its thread holds an object already (an
 * operation inside another) uses that one; an object asked for outside any call stays with its thread.
 */
final class ThreadLeases<T> {
    private final Supplier<T> factory;
    private final ConcurrentLinkedDeque<T> free = new ConcurrentLinkedDeque<>();
    private final ThreadLocal<T> held = new ThreadLocal<>();
    private final AtomicInteger made = new AtomicInteger();

    /** Leases of objects that {@code factory} makes when none is free. */
    ThreadLeases(Supplier<T> factory) {
        this.factory = factory;
    }

    /** {@code call}'s result, computed while this thread holds an object ({@link #held}). */
    <R> R with(Supplier<R> call) {
        if (held.get() != null) {
            return call.get();
        }
        T t = take();
        held.set(t);
        try {
            return call.get();
        } finally {
            held.remove();
            free.push(t);
        }
    }

    /** The object this thread holds; outside {@link #with}, one that this thread keeps from now on. */
    T held() {
        T t = held.get();
        if (t == null) {
            t = take();
            held.set(t);
        }
        return t;
    }

    /** How many objects the factory made so far. */
    int made() {
        return made.get();
    }

    private T take() {
        T t = free.poll();
        if (t == null) {
            t = factory.get();
            made.incrementAndGet();
        }
        return t;
    }
}
