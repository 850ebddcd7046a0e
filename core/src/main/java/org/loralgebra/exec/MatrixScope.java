package org.loralgebra.exec;

/**
 * A region of one thread's work whose matrices are freed when it closes, instead of whenever the garbage
 * collector gets to them: the engine opens one per module, so a module's intermediates are gone before the
 * next module starts. Off-heap memory then stays bounded by the modules in flight, and freed blocks are reused
 * (on a virtual machine a first touch of fresh memory costs microseconds per page). A matrix that must outlive
 * the scope is passed to {@link Backend#keep}.
 */
public interface MatrixScope extends AutoCloseable {
    /** A scope that frees nothing: for backends whose memory the garbage collector manages well enough. */
    MatrixScope NONE = () -> {};

    /** Frees every matrix made in this scope on this thread, except kept ones. */
    @Override
    void close();
}
