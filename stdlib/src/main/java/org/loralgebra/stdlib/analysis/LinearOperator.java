package org.loralgebra.stdlib.analysis;

import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Matrix;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.lang.LoraException;

/**
 * A matrix known by its products {@code M·X} and {@code Mᵀ·Y}: what a randomized SVD needs, so that
 * {@code W + s·B·A} is applied as {@code W·X + s·B·(A·X)} without forming the sum.
 */
public interface LinearOperator {
    /** Rows of M. */
    int rows();

    /** Columns of M. */
    int cols();

    /** {@code M·X}. */
    Matrix times(Matrix x);

    /** {@code Mᵀ·Y}. */
    Matrix transposeTimes(Matrix y);

    /** A dense matrix. */
    static LinearOperator of(Backend be, Matrix m) {
        return new LinearOperator() {
            @Override
            public int rows() {
                return m.rows();
            }

            @Override
            public int cols() {
                return m.cols();
            }

            @Override
            public Matrix times(Matrix x) {
                return be.matmul(m, false, x, false);
            }

            @Override
            public Matrix transposeTimes(Matrix y) {
                return be.matmul(m, true, y, false);
            }
        };
    }

    /** {@code W + s·B·A} with W [out, in] dense and the update in factored form. */
    static LinearOperator plusUpdate(Backend be, Matrix w, ModuleFactors update) {
        if (w.rows() != update.spec().out() || w.cols() != update.spec().in()) {
            throw new LoraException("module '" + update.spec().name() + "': a " + w.rows() + "x" + w.cols()
                    + " weight cannot take a " + update.spec().shapeString() + " update");
        }
        return new LinearOperator() {
            @Override
            public int rows() {
                return w.rows();
            }

            @Override
            public int cols() {
                return w.cols();
            }

            @Override
            public Matrix times(Matrix x) {
                Matrix ax = be.matmul(update.a(), false, x, false);
                return be.addScaled(
                        be.matmul(w, false, x, false), be.matmul(update.b(), false, ax, false), update.scale());
            }

            @Override
            public Matrix transposeTimes(Matrix y) {
                Matrix bty = be.matmul(update.b(), true, y, false);
                return be.addScaled(
                        be.matmul(w, true, y, false), be.matmul(update.a(), true, bty, false), update.scale());
            }
        };
    }
}
