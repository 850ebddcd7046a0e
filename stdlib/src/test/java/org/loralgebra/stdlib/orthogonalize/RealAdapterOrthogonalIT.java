package org.loralgebra.stdlib.orthogonalize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertBelow;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.RealAdapters;
import org.loralgebra.lang.Side;
import org.loralgebra.stdlib.DenseSvd;
import org.loralgebra.stdlib.FactorSvd;

/** Orthogonalization and continual merging on the two real DistilBERT adapters, against dense references. */
class RealAdapterOrthogonalIT {
    private final Adapter imdb = Lora.load(RealAdapters.path("distilbert-imdb"));
    private final Adapter emotion = Lora.load(RealAdapters.path("distilbert-emotion"));

    @Test
    void imdbOffEmotionsWholeOutputSubspaceLeavesNoComponentInIt() {
        Adapter clean = Orthogonalize.of(imdb).against(emotion).adapter().eval();
        for (String m : imdb.modules()) {
            FactorSvd x = FactorSvd.of(imdb, m);
            Dense.M q = DenseSvd.orthonormalColumns(FactorSvd.of(emotion, m).b());
            Dense.M expected = DenseSvd.projectOffLeft(q, x.dense());
            Dense.M got = FactorSvd.update(clean, m);
            assertTrue(Dense.relError(got, expected) < 1e-4, m + ": " + Dense.relError(got, expected));
            double residual = Dense.frobenius(Dense.mul(Dense.transpose(q), got)) / Dense.frobenius(got);
            assertTrue(residual < 1e-5, m + ": ‖QᵀΔW'‖/‖ΔW'‖ = " + residual);
        }
    }

    @Test
    void bothSidesOffTheTopFourDirections() {
        Adapter clean = Orthogonalize.of(imdb)
                .against(emotion)
                .side(Side.BOTH)
                .rank(4)
                .adapter()
                .eval();
        OrthogonalizeReport report =
                Orthogonalize.of(imdb).against(emotion).side(Side.BOTH).rank(4).report();
        assertBelow(report.maxEnergyAfter(), 1e-9, report.toString());
        for (String m : imdb.modules()) {
            FactorSvd e = FactorSvd.of(emotion, m);
            Dense.M expected = DenseSvd.projectOffRight(
                    DenseSvd.projectOffLeft(e.left(4), FactorSvd.of(imdb, m).dense()), e.right(4));
            assertBelow(Dense.relError(FactorSvd.update(clean, m), expected), 1e-4, m + ": relative error");
        }
    }

    @Test
    void continualMergeOfImdbThenEmotionMatchesTheDenseFormula() {
        ContinualMerge merge = ContinualMerge.start().fold(imdb).fold(emotion);
        Map<String, Dense.M> raw = new LinkedHashMap<>();
        double normImdb = 0;
        double normEmotion = 0;
        for (String m : imdb.modules()) {
            FactorSvd p = FactorSvd.of(imdb, m);
            Dense.M tau = FactorSvd.of(emotion, m).dense();
            Dense.M tp = p.dense();
            normImdb += Math.pow(Dense.frobenius(tp), 2);
            normEmotion += Math.pow(Dense.frobenius(tau), 2);
            double[] s = p.svd().s();
            double total = 0;
            for (double v : s) {
                total += v;
            }
            int rs = 0;
            for (double run = 0; rs < s.length; rs++) {
                run += s[rs];
                if (run / total > ContinualMerge.DEFAULT_ALPHA) {
                    break;
                }
            }
            Dense.M u = p.left(8);
            Dense.M v = p.right(8);
            Dense.M c = Dense.mul(Dense.mul(Dense.transpose(u), tau), v);
            Dense.M cleaned = tau;
            for (int i = 0; i < 8; i++) {
                for (int j = 0; j < 8; j++) {
                    if (i == j || i < rs && j < rs) {
                        cleaned = Dense.add(cleaned, outer(u, i, v, j), -c.get(i, j));
                    }
                }
            }
            raw.put(m, Dense.add(tp, cleaned, 1));
        }
        double average = (Math.sqrt(normImdb) + Math.sqrt(normEmotion)) / 2;
        double lambda = ContinualMergeTest.globalNorm(raw) / average;
        assertEquals(lambda, merge.lambda(), 1e-4 * lambda);
        for (String m : imdb.modules()) {
            Dense.M expected = Dense.scale(raw.get(m), 1 / lambda);
            double err = Dense.relError(FactorSvd.update(merge.adapter(), m), expected);
            assertTrue(err < 1e-4, m + ": relative error " + err);
        }
    }

    private static Dense.M outer(Dense.M u, int i, Dense.M v, int j) {
        double[] out = new double[u.rows() * v.rows()];
        for (int r = 0; r < u.rows(); r++) {
            double x = u.get(r, i);
            for (int col = 0; col < v.rows(); col++) {
                out[r * v.rows() + col] = x * v.get(col, j);
            }
        }
        return new Dense.M(u.rows(), v.rows(), out);
    }
}
