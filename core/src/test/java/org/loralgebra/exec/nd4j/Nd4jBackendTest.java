package org.loralgebra.exec.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.loralgebra.NumericAssertions.assertBelow;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.loralgebra.Dense;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Matrix;
import org.loralgebra.exec.MatrixScope;
import org.loralgebra.lang.Precision;

/** The ND4J backend's Gram roots and scopes, against plain-loop references. */
class Nd4jBackendTest {
    private final Backend be = new Nd4jBackend(Precision.F32);

    private static double[] gaussian(Random rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }

    private Dense.M dense(Matrix m) {
        return dense(be, m);
    }

    private static Dense.M dense(Backend b, Matrix m) {
        return new Dense.M(m.rows(), m.cols(), b.toRowMajor(m));
    }

    @Test
    void gramRootSquaresToTheGramMatrixAndKeepsTheSingularValues() {
        Random rnd = new Random(3);
        for (int[] shape : new int[][] {{300, 7}, {5, 12}, {64, 64}}) {
            int m = shape[0];
            int n = shape[1];
            Matrix a = be.fromRowMajor(m, n, gaussian(rnd, m * n));
            for (Matrix x : new Matrix[] {a, be.transpose(be.fromRowMajor(n, m, be.toRowMajor(be.transpose(a))))}) {
                Dense.M ad = dense(x);
                Dense.M r = dense(be.gramRoot(x));
                assertEquals(Math.min(m, n), r.rows());
                Dense.M gram = Dense.mul(Dense.transpose(ad), ad);
                assertBelow(
                        Dense.relError(Dense.mul(Dense.transpose(r), r), gram), 1e-5, "RᵀR = aᵀa for " + m + "x" + n);
                double[] expected = Dense.singularValues(ad);
                double[] got = Dense.singularValues(r);
                for (int i = 0; i < got.length; i++) {
                    assertEquals(expected[i], got[i], 1e-4 * expected[0], "σ" + i + " of " + m + "x" + n);
                }
            }
        }
    }

    @Test
    void topSvdGivesTheLargestTripletsOfAFullSvdInBothPrecisions() {
        Random rnd = new Random(5);
        for (Precision p : Precision.values()) {
            Backend b = new Nd4jBackend(p);
            for (int[] shape : new int[][] {{120, 80}, {70, 150}, {40, 40}}) {
                int m = shape[0];
                int n = shape[1];
                double[] values = gaussian(rnd, m * n);
                Matrix a = b.fromRowMajor(m, n, values);
                Dense.M ad = new Dense.M(m, n, values);
                double[] expected = Dense.singularValues(ad); // one-sided Jacobi, independent of LAPACK
                for (int k : new int[] {1, 6, Math.min(m, n) / 2}) { // bisection path, and the full-SVD fallback
                    Backend.Svd svd = b.topSvd(a, k);
                    assertEquals(k, svd.s().length);
                    double tol = p == Precision.F64 ? 1e-10 : 1e-4;
                    for (int i = 0; i < k; i++) {
                        assertEquals(
                                expected[i],
                                svd.s()[i],
                                tol * expected[0],
                                p + " σ" + i + " of " + m + "x" + n + ", k " + k);
                    }
                    Dense.M u = new Dense.M(m, k, b.toRowMajor(svd.u()));
                    Dense.M vt = new Dense.M(k, n, b.toRowMajor(svd.vt()));
                    assertBelow(
                            Dense.relError(Dense.mul(Dense.transpose(u), u), Dense.identity(k)), 10 * tol, "UᵀU = I");
                    assertBelow(
                            Dense.relError(Dense.mul(vt, Dense.transpose(vt)), Dense.identity(k)), 10 * tol, "VᵀV = I");
                    // A·v_i = σ_i·u_i for each kept triplet
                    Dense.M av = Dense.mul(ad, Dense.transpose(vt));
                    double[] us = new double[m * k];
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < k; j++) {
                            us[i * k + j] = u.get(i, j) * svd.s()[j];
                        }
                    }
                    assertBelow(
                            Dense.relError(av, new Dense.M(m, k, us)),
                            10 * tol,
                            p + " AV = US for " + m + "x" + n + ", k " + k);
                }
                assertThrows(IllegalArgumentException.class, () -> b.topSvd(a, Math.min(m, n) + 1));
            }
        }
    }

    @Test
    void hostProductAndTopSvdOfHostRowsAgreeWithTheBackendMatrixPaths() {
        Random rnd = new Random(9);
        for (Precision p : Precision.values()) {
            for (int[] shape : new int[][] {{90, 130}, {150, 70}}) { // wide and tall: laid out differently
                hostProductAndTopSvdOfHostRows(p, shape[0], shape[1], rnd);
            }
        }
    }

    private static void hostProductAndTopSvdOfHostRows(Precision p, int m, int n, Random rnd) {
        Backend b = new Nd4jBackend(p);
        Matrix bf = b.fromRowMajor(m, 5, gaussian(rnd, m * 5));
        Matrix af = b.fromRowMajor(5, n, gaussian(rnd, 5 * n));
        double[] host = b.productRowMajor(bf, af, -0.7);
        Dense.M expected = Dense.scale(Dense.mul(dense(b, bf), dense(b, af)), -0.7);
        assertBelow(Dense.relError(new Dense.M(m, n, host), expected), 1e-12, p + ": −0.7·B·A on the host");
        double[] values = gaussian(rnd, m * n);
        Backend.Svd viaMatrix = b.topSvd(b.fromRowMajor(m, n, values), 7);
        int[] next = {0};
        Backend.Svd viaRows = b.topSvdOfRows(
                m,
                n,
                (from, to, dst) -> {
                    assertEquals(next[0], from, "blocks in increasing row order, none skipped");
                    System.arraycopy(values, from * n, dst, 0, (to - from) * n);
                    next[0] = to;
                },
                7);
        assertEquals(m, next[0], "every row filled");
        double tol = p == Precision.F64 ? 1e-10 : 1e-4;
        for (int i = 0; i < 7; i++) {
            assertEquals(viaMatrix.s()[i], viaRows.s()[i], tol * viaMatrix.s()[0]);
        }
        // the same rank-7 approximation U·S·Vᵀ (vectors may differ in sign)
        assertBelow(Dense.relError(lowRank(b, viaRows), lowRank(b, viaMatrix)), 10 * tol, p + ": same truncation");
        assertEquals(m, viaRows.u().rows());
        assertEquals(n, viaRows.vt().cols());
    }

    private static Dense.M lowRank(Backend b, Backend.Svd svd) {
        int k = svd.s().length;
        Dense.M u = new Dense.M(svd.u().rows(), k, b.toRowMajor(svd.u()));
        Dense.M vt = new Dense.M(k, svd.vt().cols(), b.toRowMajor(svd.vt()));
        double[] us = new double[u.rows() * k];
        for (int i = 0; i < u.rows(); i++) {
            for (int j = 0; j < k; j++) {
                us[i * k + j] = u.get(i, j) * svd.s()[j];
            }
        }
        return Dense.mul(new Dense.M(u.rows(), k, us), vt);
    }

    @Test
    void qrOfRowMajorColumnMajorAndTransposedInputsReconstructsWithOrthonormalQAndTriangularR() {
        Random rnd = new Random(11);
        for (int[] shape : new int[][] {{200, 9}, {6, 15}, {30, 30}}) {
            int m = shape[0];
            int n = shape[1];
            Matrix rowMajor = be.fromRowMajor(m, n, gaussian(rnd, m * n));
            Matrix transposed = be.transpose(be.fromRowMajor(n, m, be.toRowMajor(be.transpose(rowMajor))));
            Matrix colMajor = be.qr(rowMajor).q(); // LAPACK output: column-major (only used as another input)
            for (Matrix x : new Matrix[] {rowMajor, transposed, colMajor}) {
                Backend.Qr qr = be.qr(x);
                Dense.M q = dense(qr.q());
                Dense.M r = dense(qr.r());
                int k = Math.min(x.rows(), x.cols());
                assertEquals(k, q.cols());
                assertBelow(Dense.relError(Dense.mul(q, r), dense(x)), 1e-5, "Q·R = a for " + x);
                assertBelow(Dense.relError(Dense.mul(Dense.transpose(q), q), Dense.identity(k)), 1e-5, "QᵀQ = I");
                for (int i = 0; i < r.rows(); i++) {
                    for (int j = 0; j < Math.min(i, r.cols()); j++) {
                        assertEquals(0, r.get(i, j), 0, "R is upper triangular");
                    }
                }
            }
        }
    }

    @Test
    void smallAndLargeProductsAgreeWithPlainLoopsForEveryTransposeAndLayout() {
        Random rnd = new Random(17);
        // 16·16·16 and 32·32·32 are computed on the host, 32·32·33 by gemm
        for (int[] mkn : new int[][] {{16, 16, 16}, {1, 7, 3}, {32, 32, 32}, {32, 33, 32}, {5, 300, 2}}) {
            int m = mkn[0];
            int k = mkn[1];
            int n = mkn[2];
            for (Precision p : Precision.values()) {
                Backend b = new Nd4jBackend(p);
                for (boolean ta : new boolean[] {false, true}) {
                    for (boolean tb : new boolean[] {false, true}) {
                        Dense.M x = new Dense.M(m, k, gaussian(rnd, m * k));
                        Dense.M y = new Dense.M(k, n, gaussian(rnd, k * n));
                        // op(a) = x and op(b) = y; a transposed x is a view of x's C-ordered array, as the engine
                        // passes A, and b is the other way round, so that both layouts meet on both sides
                        Matrix xc = b.fromRowMajor(m, k, x.v());
                        Matrix a = ta ? b.transpose(xc) : xc;
                        Matrix yt = b.fromRowMajor(n, k, Dense.transpose(y).v());
                        Matrix bm = tb ? yt : b.transpose(yt);
                        Matrix got = b.matmul(a, ta, bm, tb);
                        double err = Dense.relError(dense(b, got), Dense.mul(x, y));
                        String what = p + " " + m + "x" + k + "x" + n + (ta ? " aᵀ" : "") + (tb ? " bᵀ" : "");
                        assertBelow(err, p == Precision.F64 ? 1e-13 : 1e-6, what);
                    }
                }
            }
        }
    }

    @Test
    void aTallQrInPlaceGivesTheArrayQrsBitsAndReconstructs() {
        Random rnd = new Random(19);
        for (int[] shape : new int[][] {{4096, 16}, {300, 32}, {7, 7}, {9, 1}}) {
            int m = shape[0];
            int n = shape[1];
            double[] values = gaussian(rnd, m * n);
            float[] colMajor = new float[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    colMajor[i + j * m] = (float) values[i * n + j];
                }
            }
            float[][] reference = Lapack.qr(colMajor.clone(), m, n); // the routines on a Java array
            Backend.Qr qr = be.qr(be.fromRowMajor(m, n, values)); // in place in the array returned
            Dense.M q = dense(qr.q());
            Dense.M r = dense(qr.r());
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    assertEquals(reference[0][i + j * m], (float) q.v()[i * n + j], 0.0f, "Q bits at " + i + "," + j);
                }
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    assertEquals(reference[1][i + j * n], (float) r.v()[i * n + j], 0.0f, "R bits at " + i + "," + j);
                }
            }
            assertBelow(Dense.relError(Dense.mul(q, r), new Dense.M(m, n, values)), 1e-5, "QR = a for " + m + "x" + n);
        }
    }

    @Test
    void partsSideBySideAndStackedKeepEveryValueWhateverTheirLayout() {
        for (Precision p : Precision.values()) {
            Backend b = new Nd4jBackend(p);
            Matrix x = b.fromRowMajor(3, 2, new double[] {1, 2, 3, 4, 5, 6});
            Matrix y = b.fromRowMajor(3, 1, new double[] {7, 8, 9});
            Matrix xt = b.transpose(b.fromRowMajor(2, 3, new double[] {1, 3, 5, 2, 4, 6})); // x as a view
            double[] sideBySide = {1, 2, 7, 3, 4, 8, 5, 6, 9};
            assertArrayEquals(sideBySide, b.toRowMajor(b.hcat(List.of(x, y))), p + " dense parts side by side");
            assertArrayEquals(sideBySide, b.toRowMajor(b.hcat(List.of(xt, y))), p + " a view side by side");
            double[] stacked = {1, 2, 3, 4, 5, 6, 1, 3, 5, 2, 4, 6};
            Matrix zRows = b.fromRowMajor(3, 2, new double[] {1, 3, 5, 2, 4, 6});
            assertArrayEquals(stacked, b.toRowMajor(b.vcat(List.of(x, zRows))), p + " dense parts stacked");
            assertArrayEquals(stacked, b.toRowMajor(b.vcat(List.of(xt, zRows))), p + " a view stacked");
        }
    }

    @Test
    void aSmallProductOfExactValuesIsExact() {
        for (Precision p : Precision.values()) {
            Backend b = new Nd4jBackend(p);
            double[] x = new double[16 * 16];
            double[] y = new double[16 * 16];
            for (int i = 0; i < x.length; i++) {
                x[i] = (i % 7) - 3;
                y[i] = (i % 5) * 0.5;
            }
            Dense.M expected = Dense.mul(new Dense.M(16, 16, x), new Dense.M(16, 16, y));
            assertArrayEquals(
                    expected.v(),
                    b.toRowMajor(b.matmul(b.fromRowMajor(16, 16, x), false, b.fromRowMajor(16, 16, y), false)));
        }
    }

    @Test
    void gramRootOfARankDeficientMatrixHasZerosWhereQrWouldBreakDown() {
        Random rnd = new Random(5);
        double[] col = gaussian(rnd, 200);
        double[] v = new double[200 * 4];
        for (int i = 0; i < 200; i++) {
            v[i * 4] = col[i];
            v[i * 4 + 1] = 2 * col[i]; // columns 0 and 1 are parallel, columns 2 and 3 are zero
        }
        double[] s = Dense.singularValues(dense(be.gramRoot(be.fromRowMajor(200, 4, v))));
        double norm =
                Math.sqrt(5) * Math.sqrt(Arrays.stream(col).map(x -> x * x).sum());
        assertEquals(norm, s[0], 1e-5 * norm);
        for (int i = 1; i < 4; i++) {
            assertEquals(0, s[i], 1e-6 * norm);
        }
    }

    @Test
    @SuppressWarnings("try") // the scopes act by closing: their bodies never name them
    void aScopeFreesWhatWasMadeInItButNotWhatWasKeptNorWhatCameBefore() {
        Matrix before = be.fromRowMajor(2, 2, new double[] {1, 2, 3, 4});
        Matrix kept;
        Matrix keptView;
        Matrix freed;
        try (MatrixScope outer = be.openScope()) {
            freed = be.scale(before, 2);
            try (MatrixScope inner = be.openScope()) {
                Matrix made = be.scale(before, 3);
                keptView = be.transpose(made);
                be.keep(keptView); // keeps the buffer the view shares
                kept = be.keep(be.scale(before, 4));
            }
            assertArrayEquals(new double[] {3, 9, 6, 12}, be.toRowMajor(keptView), "kept in the inner scope");
        }
        assertArrayEquals(new double[] {1, 2, 3, 4}, be.toRowMajor(before));
        assertArrayEquals(new double[] {4, 8, 12, 16}, be.toRowMajor(kept));
        assertArrayEquals(new double[] {3, 9, 6, 12}, be.toRowMajor(keptView));
        assertThrows(
                RuntimeException.class,
                () -> be.toRowMajor(be.matmul(freed, false, freed, false)),
                "a freed matrix must not be readable");
    }

    @Test
    void scopesCloseInnermostFirstOnTheirThread() {
        MatrixScope outer = be.openScope();
        MatrixScope inner = be.openScope();
        assertThrows(IllegalStateException.class, outer::close);
        inner.close();
        outer.close();
    }
}
