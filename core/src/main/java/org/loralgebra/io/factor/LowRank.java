package org.loralgebra.io.factor;

/** A matrix as the product {@code B·A} of {@code b} ({@code out × rank}) and {@code a} ({@code rank × in}). */
record LowRank(Mat b, Mat a) {
    LowRank {
        if (b.cols() != a.rows()) {
            throw new IllegalArgumentException("B " + b + " and A " + a + " do not multiply");
        }
    }
}
