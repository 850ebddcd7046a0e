package org.loralgebra.stdlib.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The branch-free election and cut against the loops they replaced, written here per entry with branches: the same
 * bits, on entries with zeros of both signs, ties in the votes, negative weights and tiny and huge exponents.
 */
class SignElectionTest {
    private static final double[] SPECIAL = {0.0, -0.0, 1.0, -1.0, 0.5, -0.5, Double.MIN_VALUE, -Double.MIN_VALUE, 1e300
    };

    @Test
    void electionAndDisjointSumsMatchThePerEntryLoopBitForBit() {
        Random rnd = new Random(19);
        for (int trial = 0; trial < 400; trial++) {
            int count = 1 + rnd.nextInt(5);
            int n = 1 + rnd.nextInt(300);
            double[][] t = new double[count][n];
            for (double[] ti : t) {
                for (int j = 0; j < n; j++) {
                    ti[j] = entry(rnd, trial % 4);
                }
            }
            double[] w = new double[count];
            double[] f = new double[count];
            double[] share = new double[count];
            for (int i = 0; i < count; i++) {
                w[i] = trial % 5 == 0 ? -rnd.nextDouble() : rnd.nextDouble();
                f[i] = trial % 2 == 0 ? 1.0 : w[i];
                share[i] = trial % 3 == 0 ? 1.0 : w[i];
            }
            MajoritySign sign = trial % 7 == 0 ? MajoritySign.FREQUENCY : MajoritySign.TOTAL;
            assertMatchesBranchingLoop(t, f, w, share, sign, "trial " + trial);
        }
    }

    @Test
    void negativeZeroVotesElectPlus() {
        long plus = SignElection.agrees(Double.doubleToRawLongBits(2.0), Double.doubleToRawLongBits(-0.0));
        long minus = SignElection.agrees(Double.doubleToRawLongBits(-2.0), Double.doubleToRawLongBits(-0.0));
        assertEquals(-1L, plus, "a positive entry agrees with votes of -0.0");
        assertEquals(0L, minus, "a negative entry does not agree with votes of -0.0");
        assertEquals(0L, SignElection.agrees(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(-3.0)));
        assertEquals(
                -1L,
                SignElection.agrees(Double.doubleToRawLongBits(-Double.MIN_VALUE), Double.doubleToRawLongBits(-3.0)));
    }

    @Test
    void theAgreementTestIsTheBranchingComparisonForEveryVoteIncludingNaNAndInfinities() {
        double[] values = {
            0.0,
            -0.0,
            1.0,
            -1.0,
            Double.MIN_VALUE,
            -Double.MIN_VALUE,
            Double.MIN_NORMAL,
            -Double.MAX_VALUE,
            Double.MAX_VALUE,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            3e-300,
            -7e200
        };
        long[] nans = {
            Double.doubleToRawLongBits(Double.NaN), // 0x7ff8…: sign bit clear
            0xfff8000000000000L, // x86's default NaN (what +∞ − ∞ gives there): sign bit set
            0x7ff0000000000001L, // signalling, smallest payload
            0xffffffffffffffffL
        };
        long[] votes = new long[values.length + nans.length];
        for (int i = 0; i < values.length; i++) {
            votes[i] = Double.doubleToRawLongBits(values[i]);
        }
        System.arraycopy(nans, 0, votes, values.length, nans.length);
        for (long vb : votes) {
            double vote = Double.longBitsToDouble(vb);
            for (double v : values) {
                boolean agrees = vote >= 0 ? v > 0 : v < 0;
                assertEquals(
                        agrees ? -1L : 0L,
                        SignElection.agrees(Double.doubleToRawLongBits(v), vb),
                        "entry " + v + " against votes 0x" + Long.toHexString(vb) + " (" + vote + ")");
            }
        }
    }

    @Test
    void zeroAndOverflowingWeightsMatchTheBranchingLoop() {
        // weights of 0 and −0.0 make every product a zero of some sign (agreeing with nothing); weights near the
        // largest double overflow the products and the votes to ±∞, and opposite infinities to NaN votes
        double[][] weightSets = {{0.0, 1.0, -0.0}, {-0.0, -0.0}, {1e300, 1e300, -1e300}, {Double.MAX_VALUE, 0.5}};
        Random rnd = new Random(37);
        for (double[] w : weightSets) {
            for (MajoritySign sign : MajoritySign.values()) {
                int count = w.length;
                int n = 400;
                double[][] t = new double[count][n];
                for (double[] ti : t) {
                    for (int j = 0; j < n; j++) {
                        ti[j] = rnd.nextInt(4) == 0 ? 0.0 : rnd.nextGaussian() * 1e10;
                    }
                }
                assertMatchesBranchingLoop(t, w, w, w, sign, Arrays.toString(w) + " " + sign);
            }
        }
    }

    @Test
    void blockwiseCutMatchesTheBranchingLoopAcrossBlocks() {
        Random rnd = new Random(23);
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + rnd.nextInt(500);
            double[] t = new double[n];
            for (int j = 0; j < n; j++) {
                t[j] = trial % 2 == 0 ? (rnd.nextInt(7) - 3) * 0.25 : entry(rnd, trial % 4);
            }
            double threshold = switch (trial % 9) {
                case 0 -> -1;
                case 1 -> Double.POSITIVE_INFINITY;
                case 2 -> 0.0;
                case 3 -> -0.0; // not negative: zeros equal it, as they equal +0.0
                case 4 -> Double.NaN; // nothing is above or equal: everything goes
                case 5 -> Double.MIN_VALUE;
                default -> Math.abs(t[rnd.nextInt(n)]);
            };
            // more than there are equal entries too: then every equal one is kept
            int equal = trial % 10 == 0 ? n + 1 : rnd.nextInt(6);
            double[] expected = t.clone();
            int expectedLeft = equal;
            for (int j = 0; j < n; j++) {
                double m = Math.abs(expected[j]);
                if (m > threshold) {
                    continue;
                }
                if (m == threshold && expectedLeft > 0) {
                    expectedLeft--;
                    continue;
                }
                expected[j] = 0;
            }
            double[] got = t.clone();
            int left = equal;
            double[] block = new double[n];
            for (int from = 0; from < n; ) {
                int len = 1 + rnd.nextInt(n - from);
                System.arraycopy(got, from, block, 0, len);
                left = Sparsification.cutInPlace(block, len, threshold, left);
                System.arraycopy(block, 0, got, from, len);
                from += len;
            }
            for (int j = 0; j < n; j++) {
                assertSameBits(expected[j], got[j], "trial " + trial + ": cut at " + threshold, j);
            }
            if (threshold >= 0) {
                assertEquals(expectedLeft, left, "equal entries still to keep, trial " + trial);
            }
        }
    }

    /**
     * The kernels over inputs {@code t} (votes from fᵢ·tᵢ, sums of wᵢ·tᵢ and shareᵢ) against the per-entry loop they
     * replaced, bit for bit.
     */
    private static void assertMatchesBranchingLoop(
            double[][] t, double[] f, double[] w, double[] share, MajoritySign sign, String context) {
        int count = t.length;
        int n = t[0].length;
        double[] votes = new double[n];
        double[] sum = new double[n];
        double[] divisor = new double[n];
        for (int i = 0; i < count; i++) {
            SignElection.vote(votes, t[i], f[i], sign, n);
        }
        for (int i = 0; i < count; i++) {
            SignElection.addAgreeing(sum, divisor, votes, t[i], f[i], w[i], share[i], n);
        }
        for (int j = 0; j < n; j++) {
            double v = 0;
            for (int i = 0; i < count; i++) {
                v += sign == MajoritySign.TOTAL ? f[i] * t[i][j] : Math.signum(f[i] * t[i][j]);
            }
            double s = 0;
            double d = 0;
            for (int i = 0; i < count; i++) {
                double x = f[i] * t[i][j];
                if (v >= 0 ? x > 0 : x < 0) {
                    s += w[i] * t[i][j];
                    d += share[i];
                }
            }
            assertSameBits(v, votes[j], context + ": votes", j);
            assertSameBits(s, sum[j], context + ": sum", j);
            assertSameBits(d, divisor[j], context + ": divisor", j);
        }
    }

    private static double entry(Random rnd, int kind) {
        return switch (kind) {
            case 0 -> rnd.nextDouble() < 0.5 ? 0.0 : rnd.nextGaussian();
            case 1 -> SPECIAL[rnd.nextInt(SPECIAL.length)];
            case 2 -> (rnd.nextInt(5) - 2) * 0.5;
            default -> rnd.nextGaussian() * Math.pow(10, rnd.nextInt(60) - 30);
        };
    }

    private static void assertSameBits(double expected, double got, String what, int j) {
        if (Double.doubleToRawLongBits(expected) != Double.doubleToRawLongBits(got)) {
            fail(what + " at entry " + j + ": expected " + expected + ", got " + got + " (difference "
                    + Math.abs(expected - got) + ")");
        }
    }
}
