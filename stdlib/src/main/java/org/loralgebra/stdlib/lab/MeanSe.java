package org.loralgebra.stdlib.lab;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Map;
import org.loralgebra.stdlib.json.ReportJson;

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

    /** {@code "0.772 ± 0.003"}: three decimals, as the lab's tables print it. */
    public String text() {
        return String.format(Locale.ROOT, "%.3f ± %.3f", mean, se);
    }

    /** Writes {@code "mean"} and {@code "se"} into {@code o}. */
    void writeTo(ObjectNode o) {
        ReportJson.put(o, "mean", mean);
        ReportJson.put(o, "se", se);
    }

    /** {@code {KEY: {"mean", "se"}}} in the map's order. */
    static ObjectNode json(Map<String, MeanSe> values) {
        ObjectNode o = ReportJson.object();
        values.forEach((key, m) -> m.writeTo(o.putObject(key)));
        return o;
    }
}
