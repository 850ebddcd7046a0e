package org.loralgebra.stdlib.analysis;

import java.util.Arrays;
import java.util.Locale;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Matrix;
import org.loralgebra.lang.LoraException;

/**
 * The subspace similarity of one module of two adapters. {@code overlap} is {@code M = U₁ᵀU₂} ({@code r₁×r₂},
 * row-major), with U₁, U₂ the singular vectors of the two updates on the analysed side, ordered by singular
 * value. From it:
 * <ul>
 *   <li>{@link #phi(int, int)}: {@code φ(i, j) = ‖U₁[:, :i]ᵀ U₂[:, :j]‖_F² / min(i, j) ∈ [0, 1]}, the normalized
 *       subspace similarity of Hu et al., "LoRA: Low-Rank Adaptation of Large Language Models" (2021), §7.2;</li>
 *   <li>{@link #principalCosines()}: the cosines of the principal angles between the whole spans (the singular
 *       values of M, descending), so that {@code φ(r₁, r₂)·min(r₁, r₂) = Σ cos²θₖ};</li>
 *   <li>{@link #randomPhi(int, int)}: what φ would be for subspaces drawn at random in {@code R^n}, the baseline a
 *       measured φ is read against.</li>
 * </ul>
 *
 * @param dimension n, the length of the singular vectors compared (the module's in-features on the input side, its
 *     out-features on the output side)
 */
public record ModuleSubspaceSimilarity(
        ModuleName name, int dimension, int rows, int cols, double[] overlap, double[] principalCosines) {
    public ModuleSubspaceSimilarity {
        if (dimension < Math.max(rows, cols)) {
            throw new LoraException("module '" + name.module() + "': " + Math.max(rows, cols)
                    + " orthonormal directions cannot live in R^" + dimension);
        }
        if (overlap.length != rows * cols) {
            throw new LoraException("module '" + name.module() + "': overlap needs " + rows + "x" + cols
                    + " values, got " + overlap.length);
        }
        overlap = overlap.clone();
        principalCosines = principalCosines.clone();
    }

    /**
     * Computes the similarity of two sets of orthonormal columns ({@code [n, r₁]} and {@code [n, r₂]}) on a backend:
     * {@code M = U₁ᵀU₂} and its singular values.
     */
    public static ModuleSubspaceSimilarity compute(Backend backend, ModuleName name, Matrix u1, Matrix u2) {
        if (u1.rows() != u2.rows()) {
            throw new LoraException("module '" + name.module() + "': subspaces of R^" + u1.rows() + " and R^"
                    + u2.rows() + " cannot be compared");
        }
        if (u1.cols() == 0 || u2.cols() == 0) {
            return new ModuleSubspaceSimilarity(name, u1.rows(), u1.cols(), u2.cols(), new double[0], new double[0]);
        }
        Matrix m = backend.matmul(u1, true, u2, false);
        return new ModuleSubspaceSimilarity(
                name, u1.rows(), u1.cols(), u2.cols(), backend.toRowMajor(m), backend.singularValues(m));
    }

    /** The module's name. */
    public String module() {
        return name.module();
    }

    /** Entry (a, b) of {@code U₁ᵀU₂}: the cosine between direction a of the first and b of the second update. */
    public double overlap(int a, int b) {
        return overlap[a * cols + b];
    }

    @Override
    public double[] overlap() {
        return overlap.clone();
    }

    @Override
    public double[] principalCosines() {
        return principalCosines.clone();
    }

    /** The principal angles in radians, ascending (from the cosines, clamped to [0, 1]). */
    public double[] principalAngles() {
        double[] a = new double[principalCosines.length];
        for (int k = 0; k < a.length; k++) {
            a[k] = Math.acos(Math.max(0, Math.min(1, principalCosines[k])));
        }
        return a;
    }

    /** {@code φ(i, j)} for {@code 1 ≤ i ≤ rows}, {@code 1 ≤ j ≤ cols}. */
    public double phi(int i, int j) {
        if (i < 1 || i > rows || j < 1 || j > cols) {
            throw new LoraException("module '" + module() + "': φ(i, j) needs 1 ≤ i ≤ " + rows + " and 1 ≤ j ≤ " + cols
                    + ", got (" + i + ", " + j + ")");
        }
        double s = 0;
        for (int a = 0; a < i; a++) {
            for (int b = 0; b < j; b++) {
                double m = overlap[a * cols + b];
                s += m * m;
            }
        }
        return s / Math.min(i, j);
    }

    /** {@code φ(i, j)} for every i, j: {@code grid[i−1][j−1]}. */
    public double[][] phiGrid() {
        double[][] prefix = new double[rows + 1][cols + 1];
        for (int a = 0; a < rows; a++) {
            for (int b = 0; b < cols; b++) {
                double m = overlap[a * cols + b];
                prefix[a + 1][b + 1] = m * m + prefix[a][b + 1] + prefix[a + 1][b] - prefix[a][b];
            }
        }
        double[][] grid = new double[rows][cols];
        for (int i = 1; i <= rows; i++) {
            for (int j = 1; j <= cols; j++) {
                grid[i - 1][j - 1] = prefix[i][j] / Math.min(i, j);
            }
        }
        return grid;
    }

    /**
     * The expected φ(i, j) of an i- and a j-dimensional subspace drawn uniformly at random in {@code R^n}:
     * {@code E‖UᵢᵀUⱼ‖_F² = i·j/n} (each of the i·j squared cosines has mean 1/n), so {@code E φ(i, j) = max(i, j)/n}.
     * A measured φ near it says the two adapters share no more than chance would.
     */
    public double randomPhi(int i, int j) {
        if (i < 1 || j < 1) {
            throw new LoraException(
                    "module '" + module() + "': the random baseline needs i, j ≥ 1, got (" + i + ", " + j + ")");
        }
        return (double) Math.max(i, j) / dimension;
    }

    /** {@code φ(k, k)} with {@code k = min(rows, cols)}: how much of the smaller top subspace the other contains. */
    public double topOverlap() {
        int k = Math.min(rows, cols);
        return k == 0 ? 0 : phi(k, k);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModuleSubspaceSimilarity m
                && m.name.equals(name)
                && m.dimension == dimension
                && m.rows == rows
                && m.cols == cols
                && Arrays.equals(m.overlap, overlap)
                && Arrays.equals(m.principalCosines, principalCosines);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(overlap);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%s: %dx%d, φ(top)=%.4f, cos θ = %s",
                module(),
                rows,
                cols,
                topOverlap(),
                Arrays.toString(Arrays.stream(principalCosines)
                        .map(c -> Math.round(c * 1e4) / 1e4)
                        .toArray()));
    }
}
