package org.loralgebra.cuda;

import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Pointer;
import org.loralgebra.lang.LoraException;

/**
 * Device allocations under a budget: an allocation that would take the bytes in use past the budget waits until
 * others are freed (up to a minute), and one larger than the whole budget is refused at once with a message that
 * gives the sizes. Every buffer is freed when its {@link Block} closes.
 */
final class DeviceMemory {
    private final long budget;
    private final AtomicLong inUse = new AtomicLong();

    DeviceMemory(long budget) {
        this.budget = budget;
    }

    /** The budget in bytes. */
    long budget() {
        return budget;
    }

    /** Bytes allocated now. */
    long inUse() {
        return inUse.get();
    }

    /** An allocation of {@code bytes} on the device, freed by {@link Block#close}. */
    Block allocate(long bytes, String what) {
        long size = Math.max(bytes, 1);
        if (size > budget) {
            throw new LoraException("CUDA: " + what + " needs " + mib(size) + " of GPU memory, more than the budget of "
                    + mib(budget) + "; raise it with LORA_CUDA_MEMORY=BYTES or run on the cpu backend");
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        synchronized (this) {
            while (inUse.get() + size > budget) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new LoraException("CUDA: " + what + " waited a minute for " + mib(size) + " of GPU memory ("
                            + mib(inUse.get()) + " of the budget of " + mib(budget) + " in use)");
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LoraException("CUDA: interrupted while waiting for GPU memory for " + what);
                }
            }
            inUse.addAndGet(size);
        }
        Pointer p = new Pointer();
        int code = cudart.cudaMalloc(p, size);
        if (code != 0) {
            release(size);
            CudaStatus.runtime(code, "cudaMalloc(" + mib(size) + ") for " + what);
        }
        return new Block(p, size);
    }

    private synchronized void release(long size) {
        inUse.addAndGet(-size);
        notifyAll();
    }

    static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    /** One device buffer. */
    final class Block implements AutoCloseable {
        private final Pointer address;
        private final long size;
        private boolean closed;

        private Block(Pointer address, long size) {
            this.address = address;
            this.size = size;
        }

        /** The device address. */
        Pointer address() {
            return address;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                cudart.cudaFree(address);
                release(size);
            }
        }
    }
}
