package org.loralgebra.stdlib.merge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Engine;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.exec.Root;
import org.loralgebra.exec.Roots;

/**
 * KnOTS' global TIES thresholds, as its reference takes them: for each input t, the ⌊d·Kₜ⌋-th largest magnitude over
 * the task blocks Zₜ of every module at once (Kₜ their total number of entries; ⌊d·Kₜ⌋ = 0 keeps the largest). One
 * pass over the modules computes the blocks ({@link KnotsMerge#blocks}) and keeps each magnitude rounded to float
 * (4 bytes per entry: Σ k·in over modules, per input); an exact two-level radix selection on the float bits finds
 * the threshold. The merge then computes the same blocks again and keeps the entries at or above it.
 */
final class KnotsThresholds {
    private KnotsThresholds() {}

    /** One threshold per input (in input order), for {@code density} d over every module of the inputs. */
    static List<Float> global(List<Adapter> adapters, List<Double> weights, double density) {
        Roots roots = new Roots();
        List<Root<ModuleFactors>> inputs = new ArrayList<>();
        for (Adapter a : adapters) {
            inputs.add(roots.factors(a.node()));
        }
        Backend be = Engine.current().backend();
        int n = adapters.size();
        List<FloatBits> magnitudes = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            magnitudes.add(new FloatBits());
        }
        Lora.evaluate(roots, (module, values) -> {
            List<Optional<ModuleFactors>> present = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                present.add(
                        adapters.get(t).modules().contains(module)
                                ? Optional.of(values.get(inputs.get(t)))
                                : Optional.empty());
            }
            KnotsMerge.Blocks blocks = KnotsMerge.blocks(be, present, weights);
            for (int i = 0; i < blocks.z().size(); i++) {
                double[] z = be.toRowMajor(blocks.z().get(i));
                FloatBits bits = magnitudes.get(blocks.present().positions().get(i));
                synchronized (bits) {
                    bits.addMagnitudes(z);
                }
            }
        });
        List<Float> thresholds = new ArrayList<>();
        for (FloatBits bits : magnitudes) {
            thresholds.add(
                    bits.size() == 0
                            ? Float.POSITIVE_INFINITY
                            : bits.largest(Math.max(1, (long) Math.floor(density * bits.size()))));
        }
        return thresholds;
    }

    /** Non-negative floats as their IEEE bits (which order them as the values do), in a growable array. */
    static final class FloatBits {
        private int[] bits = new int[1024];
        private int size;

        void addMagnitudes(double[] values) {
            if (size + values.length > bits.length) {
                long grown = Math.max((long) bits.length * 2, (long) size + values.length);
                if (grown > Integer.MAX_VALUE - 8) {
                    throw new IllegalStateException("KnOTS global threshold: more than 2³¹ entries for one input");
                }
                bits = Arrays.copyOf(bits, (int) grown);
            }
            for (double v : values) {
                bits[size++] = Float.floatToIntBits((float) Math.abs(v));
            }
        }

        int size() {
            return size;
        }

        /** The k-th largest value (1 ≤ k ≤ size): two passes of 16-bit histograms, high half then low half. */
        float largest(long k) {
            int[] high = new int[1 << 16];
            for (int i = 0; i < size; i++) {
                high[bits[i] >>> 16]++;
            }
            long above = 0;
            int h = high.length - 1;
            while (above + high[h] < k) {
                above += high[h--];
            }
            int[] low = new int[1 << 16];
            for (int i = 0; i < size; i++) {
                if (bits[i] >>> 16 == h) {
                    low[bits[i] & 0xFFFF]++;
                }
            }
            int l = low.length - 1;
            while (above + low[l] < k) {
                above += low[l--];
            }
            return Float.intBitsToFloat((h << 16) | l);
        }
    }
}
