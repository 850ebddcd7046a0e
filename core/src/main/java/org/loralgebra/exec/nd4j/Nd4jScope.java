package org.loralgebra.exec.nd4j;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.javacpp.indexer.Indexer;
import org.loralgebra.exec.MatrixScope;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ND4J {@link MatrixScope}: remembers the buffers of the arrays the backend allocates on this thread and
 * closes them when the scope closes. Without it ND4J frees off-heap memory only when the garbage collector finds
 * the arrays dead, so every new array lands on fresh pages (measured 2 ms to allocate 4 MiB this way against
 * 0.07 ms for a reused block) and resident memory grows with every module evaluated.
 */
final class Nd4jScope implements MatrixScope {
    private static final ThreadLocal<Nd4jScope> CURRENT = new ThreadLocal<>();

    private final Nd4jScope parent;
    private final Set<DataBuffer> made = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    private Nd4jScope(Nd4jScope parent) {
        this.parent = parent;
    }

    /** Opens a scope nested in this thread's current one. */
    static Nd4jScope open() {
        Nd4jScope s = new Nd4jScope(CURRENT.get());
        CURRENT.set(s);
        return s;
    }

    private final Map<DataBuffer, Pointer> owned = new IdentityHashMap<>();

    /**
     * A fresh array whose contents are left as they are: ND4J's own {@code createUninitialized} zeroes its memory
     * all the same (measured 34 µs per 256 KiB against 4 µs for the allocation alone), and every caller here
     * overwrites the whole array at once. The memory is this class's: freed with the array's buffer when the
     * current scope closes, or, for an array kept or made outside any scope, when the garbage collector finds its
     * buffer unreachable (the buffer holds the memory's pointer).
     */
    static INDArray uninitialized(DataType type, long[] shape, char order) {
        long length = 1;
        for (long d : shape) {
            length = Math.multiplyExact(length, d);
        }
        if (length == 0 || (type != DataType.FLOAT && type != DataType.DOUBLE)) {
            return Nd4j.createUninitialized(type, shape, order);
        }
        Pointer memory = type == DataType.FLOAT ? new FloatPointer(length) : new DoublePointer(length);
        Indexer indexer = type == DataType.FLOAT
                ? FloatIndexer.create((FloatPointer) memory)
                : DoubleIndexer.create((DoublePointer) memory);
        DataBuffer buffer = Nd4j.createBuffer(memory, type, length, indexer);
        INDArray a = Nd4j.create(buffer, shape, Nd4j.getStrides(shape, order), 0, order, type);
        Nd4jScope s = CURRENT.get();
        if (s != null) {
            s.made.add(buffer);
            s.owned.put(buffer, memory);
        }
        return a;
    }

    /** Records a freshly allocated array (never a view of another) in this thread's current scope, if any. */
    static INDArray track(INDArray fresh) {
        Nd4jScope s = CURRENT.get();
        if (s != null) {
            s.made.add(fresh.data());
        }
        return fresh;
    }

    /** Takes the array's buffer (shared by its views) out of every scope open on this thread. */
    static void keep(INDArray a) {
        DataBuffer b = a.data();
        for (Nd4jScope s = CURRENT.get(); s != null; s = s.parent) {
            s.made.remove(b);
            s.owned.remove(b);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (CURRENT.get() != this) {
            throw new IllegalStateException("a matrix scope must be closed on its thread, innermost first");
        }
        closed = true;
        CURRENT.set(parent);
        for (DataBuffer b : made) {
            if (!b.wasClosed() && b.closeable()) {
                b.close();
            }
            Pointer memory = owned.get(b);
            if (memory != null) {
                memory.close(); // after the buffer that wraps it
            }
        }
        made.clear();
        owned.clear();
    }
}
