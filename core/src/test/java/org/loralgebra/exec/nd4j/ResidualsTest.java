package org.loralgebra.exec.nd4j;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertAbove;
import static org.loralgebra.NumericAssertions.assertBelow;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The self-check's measures: near zero on factorizations built exactly in Java (products of Householder
 * reflections), and about the size of a planted error otherwise — so a wrong library cannot pass for a right one.
 */
class ResidualsTest {
    private static final int M = 30;
    private static final int N = 20;

    /** The first k columns (column-major m×k) of the Householder reflection I − 2vvᵀ/‖v‖²: orthonormal, exactly so. */
    private static double[] orthonormal(int m, int k, long seed) {
        Random rnd = new Random(seed);
        double[] v = new double[m];
        double vv = 0;
        for (int i = 0; i < m; i++) {
            v[i] = rnd.nextGaussian();
            vv += v[i] * v[i];
        }
        double[] q = new double[m * k];
        for (int j = 0; j < k; j++) {
            for (int i = 0; i < m; i++) {
                q[i + j * m] = (i == j ? 1 : 0) - 2 * v[i] * v[j] / vv;
            }
        }
        return q;
    }

    private static double[] descending(int k) {
        double[] s = new double[k];
        for (int i = 0; i < k; i++) {
            s[i] = 10.0 / (i + 1);
        }
        return s;
    }

    /** U·diag(s)·Vᵀ, column-major m×n, by plain loops. */
    private static double[] compose(double[] u, double[] s, double[] vt, int m, int n, int k) {
        double[] a = new double[m * n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                for (int l = 0; l < k; l++) {
                    a[i + j * m] += u[i + l * m] * s[l] * vt[l + j * k];
                }
            }
        }
        return a;
    }

    @Test
    void orthonormalColumnsIsRoundOffForAReflectionAndThePlantedErrorOtherwise() {
        double[] q = orthonormal(M, N, 1);
        double exact = Residuals.orthonormalColumns(q, M, N);
        assertTrue(exact < 1e-14, "Householder columns: " + exact);
        double[] scaled = q.clone();
        for (int i = 0; i < M; i++) {
            scaled[i + 3 * M] *= 1 + 1e-6; // column 3 is 1e-6 too long: (QᵀQ)₃₃ = 1 + 2e-6
        }
        double planted = Residuals.orthonormalColumns(scaled, M, N);
        assertTrue(planted > 1e-8 && planted < 1e-5, "a column 1e-6 too long measures " + planted);
    }

    @Test
    void svdMeasuresAreRoundOffForAnExactSvdAndCatchWrongVectorsOrValues() {
        double[] u = orthonormal(M, N, 2);
        double[] vt = Residuals.transpose(orthonormal(N, N, 3), N, N);
        double[] s = descending(N);
        double[] a = compose(u, s, vt, M, N, N);
        double reconstruction = Residuals.svdReconstruction(a, M, N, u, s, vt, N);
        double triplets = Residuals.tripletResidual(a, M, N, u, s, vt, N);
        assertTrue(reconstruction < 1e-14 && triplets < 1e-14, "exact SVD: " + reconstruction + ", " + triplets);
        assertTrue(Residuals.descendingNonNegative(s) == 0, "descending values");

        // what OpenBLAS 0.3.19's dgesdd did on SkylakeX: vectors that are not orthonormal
        double[] wrongU = u.clone();
        for (int i = 0; i < M; i++) {
            wrongU[i + 5 * M] += wrongU[i + 6 * M];
        }
        double orthogonality = Residuals.orthonormalColumns(wrongU, M, N);
        double wrongTriplets = Residuals.tripletResidual(a, M, N, wrongU, s, vt, N);
        assertTrue(
                orthogonality > 0.1 && wrongTriplets > 0.01,
                "wrong U: |UᵀU − I| " + orthogonality + ", triplets " + wrongTriplets);
        double[] swapped = s.clone();
        swapped[0] = s[1];
        swapped[1] = s[0];
        assertAbove(Residuals.descendingNonNegative(swapped), 0.4, "values out of order");
        assertAbove(Residuals.svdReconstruction(a, M, N, u, swapped, vt, N), 0.01, "values exchanged between triplets");
    }

    @Test
    void qrMeasureCatchesAWrongProductAndALowerTriangle() {
        double[] q = orthonormal(M, N, 4);
        double[] r = new double[N * N];
        Random rnd = new Random(5);
        for (int j = 0; j < N; j++) {
            for (int i = 0; i <= j; i++) {
                r[i + j * N] = rnd.nextGaussian();
            }
        }
        double[] a = new double[M * N];
        for (int j = 0; j < N; j++) {
            for (int i = 0; i < M; i++) {
                for (int l = 0; l < N; l++) {
                    a[i + j * M] += q[i + l * M] * r[l + j * N];
                }
            }
        }
        double exact = Residuals.qrReconstruction(a, M, N, q, r, N);
        assertTrue(exact < 1e-14, "exact QR: " + exact);
        double[] lower = r.clone();
        lower[4 + 2 * N] = 1e-3; // below the diagonal
        assertAbove(Residuals.qrReconstruction(a, M, N, q, lower, N), 1e-5, "a non-triangular R");
    }

    @Test
    void productResidualIsFreivaldsCheckOfAProduct() {
        Random rnd = new Random(6);
        double[] a = new double[M * N];
        double[] b = new double[N * 7];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = rnd.nextGaussian();
        }
        double[] c = new double[M * 7];
        for (int j = 0; j < 7; j++) {
            for (int i = 0; i < M; i++) {
                for (int l = 0; l < N; l++) {
                    c[i + j * M] += a[i + l * M] * b[l + j * N];
                }
            }
        }
        double exact = Residuals.productResidual(c, a, b, M, N, 7);
        assertTrue(exact < 1e-15, "exact product: " + exact);
        c[11] += 1e-3;
        double planted = Residuals.productResidual(c, a, b, M, N, 7);
        assertTrue(planted > 1e-7, "one entry off by 1e-3 measures " + planted);
    }

    @Test
    void eigenResidualIsRoundOffForAnExactEigendecomposition() {
        int n = 12;
        double[] v = orthonormal(n, n, 7);
        double[] lambda = descending(n);
        double[] sym = compose(v, lambda, Residuals.transpose(v, n, n), n, n, n);
        assertBelow(Residuals.eigenResidual(sym, n, lambda, v), 1e-14, "exact eigenpairs");
        double[] wrong = lambda.clone();
        wrong[2] *= 1.01;
        assertAbove(Residuals.eigenResidual(sym, n, wrong, v), 1e-4, "one eigenvalue 1% off");
    }
}
