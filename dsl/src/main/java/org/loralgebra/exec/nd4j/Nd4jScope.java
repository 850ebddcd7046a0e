package org.loralgebra.exec.nd4j;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import org.loralgebra.exec.MatrixScope;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

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
        }
        made.clear();
    }
}
