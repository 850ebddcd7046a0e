package org.loralgebra.stdlib.lab;

/**
 * A mean over seeds with its standard error: mean = Σxᵢ/n, se = s/√n with s² = Σ(xᵢ − mean)²/(n − 1); with one
 * seed there is no spread to measure and se is 0.
 *
 * @param mean the mean
 * @param se the standard error of the mean
 * @param n how many values
 */
public record MeanSe(double mean, double se, int n) {
    /** The mean and standard error of the given values (at least one). */
    public static MeanSe of(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("mean of no values");
        }
        double s = 0;
        for (double v : values) {
            s += v;
        }
        double mean = s / values.length;
        if (values.length == 1) {
            return new MeanSe(mean, 0, 1);
        }
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        return new MeanSe(mean, Math.sqrt(ss / (values.length - 1) / values.length), values.length);
    }
}
