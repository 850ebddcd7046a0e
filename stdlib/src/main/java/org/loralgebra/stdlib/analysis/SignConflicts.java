package org.loralgebra.stdlib.analysis;

import java.util.ArrayList;
import java.util.List;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Matrix;
import org.loralgebra.exec.ModuleFactors;

/**
 * Sign conflicts between the dense entries of N updates of one module (what TIES' sign election resolves:
 * Yadav et al., "TIES-Merging", NeurIPS 2023). An entry counts when at least two updates are non-zero there; it
 * conflicts when those non-zero values do not all have the same sign. Pairwise, an entry counts when both are
 * non-zero and conflicts when their signs differ. The dense updates are formed in blocks of rows
 * ({@code s·B[rows]·A}), so memory stays at a few tens of MB whatever the module's size.
 */
final class SignConflicts {
    /** Doubles per block across all updates (32 MB). */
    private static final long BLOCK_VALUES = 4L << 20;

    private final int n;
    private long counted;
    private long conflicting;
    private final long[][] pairCounted;
    private final long[][] pairConflicting;

    private SignConflicts(int n) {
        this.n = n;
        this.pairCounted = new long[n][n];
        this.pairConflicting = new long[n][n];
    }

    /** Counts the sign conflicts of the given updates (same shape). */
    static SignConflicts count(Backend be, List<ModuleFactors> updates) {
        return count(be, updates, BLOCK_VALUES);
    }

    /** The same, forming at most about {@code blockValues} dense values at a time (at least one row per update). */
    static SignConflicts count(Backend be, List<ModuleFactors> updates, long blockValues) {
        SignConflicts c = new SignConflicts(updates.size());
        int out = updates.get(0).spec().out();
        int in = updates.get(0).spec().in();
        int rowsPerBlock = (int) Math.max(1, Math.min(out, blockValues / ((long) in * updates.size())));
        for (int r0 = 0; r0 < out; r0 += rowsPerBlock) {
            int r1 = Math.min(out, r0 + rowsPerBlock);
            List<double[]> block = new ArrayList<>(updates.size());
            for (ModuleFactors f : updates) {
                Matrix rows = be.matmul(be.rows(f.b(), r0, r1), false, f.a(), false);
                double[] v = be.toRowMajor(rows);
                if (f.scale() < 0) {
                    for (int i = 0; i < v.length; i++) {
                        v[i] = -v[i];
                    }
                }
                block.add(v);
            }
            c.add(block);
        }
        return c;
    }

    private void add(List<double[]> block) {
        int len = block.get(0).length;
        int[] sign = new int[n];
        for (int e = 0; e < len; e++) {
            int nonZero = 0;
            boolean pos = false;
            boolean neg = false;
            for (int p = 0; p < n; p++) {
                double v = block.get(p)[e];
                sign[p] = v > 0 ? 1 : v < 0 ? -1 : 0;
                if (sign[p] != 0) {
                    nonZero++;
                    pos |= sign[p] > 0;
                    neg |= sign[p] < 0;
                }
            }
            if (nonZero < 2) {
                continue;
            }
            counted++;
            if (pos && neg) {
                conflicting++;
            }
            for (int p = 0; p < n; p++) {
                if (sign[p] == 0) {
                    continue;
                }
                for (int q = p + 1; q < n; q++) {
                    if (sign[q] != 0) {
                        pairCounted[p][q]++;
                        if (sign[p] != sign[q]) {
                            pairConflicting[p][q]++;
                        }
                    }
                }
            }
        }
    }

    /** Entries where at least two updates are non-zero. */
    long counted() {
        return counted;
    }

    /** The share of counted entries whose non-zero values disagree in sign (NaN when none is counted). */
    double share() {
        return counted == 0 ? Double.NaN : (double) conflicting / counted;
    }

    /** The share for the pair (p, q), p &lt; q. */
    double share(int p, int q) {
        return pairCounted[p][q] == 0 ? Double.NaN : (double) pairConflicting[p][q] / pairCounted[p][q];
    }
}
