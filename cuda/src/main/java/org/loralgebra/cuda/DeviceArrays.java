package org.loralgebra.cuda;

import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.loralgebra.cuda.DeviceMemory.Block;

/**
 * Copies between Java arrays and device buffers on the calling thread's stream, in single or double precision, and
 * typed views of device buffers for the library calls. Each copy waits for its stream (host memory here is pageable,
 * so a copy is synchronous in effect anyway).
 */
final class DeviceArrays {
    private final DeviceMemory memory;
    private final boolean doubles;

    DeviceArrays(DeviceMemory memory, boolean doubles) {
        this.memory = memory;
        this.doubles = doubles;
    }

    /** Bytes per element on the device. */
    int elementBytes() {
        return doubles ? 8 : 4;
    }

    /** Whether elements are doubles. */
    boolean doubles() {
        return doubles;
    }

    /** A device buffer of {@code count} elements, uninitialized. */
    Block allocate(long count, String what) {
        return memory.allocate(count * elementBytes(), what);
    }

    /** A device buffer of {@code count} ints (solver infos). */
    Block allocateInts(long count, String what) {
        return memory.allocate(count * 4, what);
    }

    /** {@code values} on the device, rounded to float in single precision. */
    Block upload(double[] values, String what) {
        Block b = allocate(values.length, what);
        if (values.length == 0) {
            return b;
        }
        CudaContext ctx = CudaContext.current();
        Pointer host = doubles ? new DoublePointer(values) : new FloatPointer(toFloats(values));
        try {
            CudaStatus.runtime(
                    cudart.cudaMemcpyAsync(
                            b.address(),
                            host,
                            (long) values.length * elementBytes(),
                            cudart.cudaMemcpyHostToDevice,
                            ctx.stream),
                    "cudaMemcpyAsync to the device for " + what);
            ctx.synchronize("an upload for " + what);
        } catch (RuntimeException e) {
            b.close();
            throw e;
        } finally {
            host.close();
        }
        return b;
    }

    /** The first {@code count} elements of a device buffer, as doubles. */
    double[] download(Block b, int count, String what) {
        double[] out = new double[count];
        if (count == 0) {
            return out;
        }
        CudaContext ctx = CudaContext.current();
        if (doubles) {
            try (DoublePointer host = new DoublePointer(count)) {
                copyBack(host, b, (long) count * 8, ctx, what);
                host.get(out);
            }
        } else {
            float[] f = new float[count];
            try (FloatPointer host = new FloatPointer(count)) {
                copyBack(host, b, (long) count * 4, ctx, what);
                host.get(f);
            }
            for (int i = 0; i < count; i++) {
                out[i] = f[i];
            }
        }
        return out;
    }

    /** One int from the device (a solver's {@code info}). */
    static int downloadInt(Block b, String what) {
        CudaContext ctx = CudaContext.current();
        try (IntPointer host = new IntPointer(1)) {
            copyBack(host, b, 4, ctx, what);
            return host.get(0);
        }
    }

    /** {@code count} ints from the device (the infos of a batch). */
    static int[] downloadInts(Block b, int count, String what) {
        int[] out = new int[count];
        CudaContext ctx = CudaContext.current();
        try (IntPointer host = new IntPointer(count)) {
            copyBack(host, b, 4L * count, ctx, what);
            host.get(out);
        }
        return out;
    }

    private static void copyBack(Pointer host, Block b, long bytes, CudaContext ctx, String what) {
        CudaStatus.runtime(
                cudart.cudaMemcpyAsync(host, b.address(), bytes, cudart.cudaMemcpyDeviceToHost, ctx.stream),
                "cudaMemcpyAsync from the device for " + what);
        ctx.synchronize("a download for " + what);
    }

    /** The buffer as floats (single precision). */
    static FloatPointer f(Block b) {
        return new FloatPointer(b.address());
    }

    /** The buffer as doubles (double precision). */
    static DoublePointer d(Block b) {
        return new DoublePointer(b.address());
    }

    /** The buffer as ints. */
    static IntPointer i(Block b) {
        return new IntPointer(b.address());
    }

    private static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    /** Row-major values of a rows×cols matrix rearranged column-major (LAPACK's layout), or back with the roles swapped. */
    static double[] transposed(double[] v, int rows, int cols) {
        double[] t = new double[v.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = v[i * cols + j];
            }
        }
        return t;
    }
}
