package org.loralgebra.hub;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Sums Spark's task metrics over the tasks that end while it listens: executor run time, bytes shuffled (written and
 * read), bytes spilled, bytes of task results sent to the driver. What the benchmark reports besides wall time.
 */
public final class TaskCosts extends SparkListener {
    private final AtomicLong tasks = new AtomicLong();
    private final AtomicLong runMillis = new AtomicLong();
    private final AtomicLong shuffleWritten = new AtomicLong();
    private final AtomicLong shuffleRead = new AtomicLong();
    private final AtomicLong spilled = new AtomicLong();
    private final AtomicLong results = new AtomicLong();

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        TaskMetrics m = end.taskMetrics();
        if (m == null) {
            return;
        }
        tasks.incrementAndGet();
        runMillis.addAndGet(m.executorRunTime());
        shuffleWritten.addAndGet(m.shuffleWriteMetrics().bytesWritten());
        shuffleRead.addAndGet(m.shuffleReadMetrics().totalBytesRead());
        spilled.addAndGet(m.diskBytesSpilled() + m.memoryBytesSpilled());
        results.addAndGet(m.resultSize());
    }

    /** The sums so far and resets them: {tasks, run ms, shuffle written, shuffle read, spilled, result bytes}. */
    public long[] drain() {
        return new long[] {
            tasks.getAndSet(0),
            runMillis.getAndSet(0),
            shuffleWritten.getAndSet(0),
            shuffleRead.getAndSet(0),
            spilled.getAndSet(0),
            results.getAndSet(0)
        };
    }
}
