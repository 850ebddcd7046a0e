package org.loralgebra.stdlib.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.loralgebra.NumericAssertions.assertAtMost;
import static org.loralgebra.NumericAssertions.assertBelow;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.RealAdapters;
import org.loralgebra.lang.Rank;

/**
 * LoRA-LEGO on the real DistilBERT pair (imdb + emotion, 12 modules, 8 + 8 units each). Reports, per module, the
 * relative error of the rank-8 merge against the exact sum and against the mean of the two updates, beside the
 * rank-8 SVD truncation's; checks what must hold: k = 16 reproduces the sum exactly, and no rank-8 result is closer
 * to the sum than the truncated SVD (Eckart–Young), so LEGO beats it on no module.
 */
class RealAdapterClusterIT {
    @Test
    void rank8MergeOfTheRealPairAgainstTheExactSum() {
        Adapter imdb = Lora.load(RealAdapters.path("distilbert-imdb"));
        Adapter emotion = Lora.load(RealAdapters.path("distilbert-emotion"));
        Adapter sum = imdb.plus(emotion);
        Adapter lego = Cluster.of(imdb, emotion).k(8).adapter().eval();
        Adapter all = Cluster.of(imdb, emotion).k(16).adapter().eval();
        Adapter svd = sum.truncate(Rank.of(8)).eval();
        List<String> rows = new ArrayList<>();
        rows.add(String.format(Locale.ROOT, "%-48s %10s %10s %10s", "module", "lego/sum", "lego/mean", "svd8/sum"));
        int legoBeatsSvd = 0;
        for (String m : sum.modules()) {
            Dense.M s = Dense.M.of(sum.dense(m));
            Dense.M mean = Dense.scale(s, 0.5);
            Dense.M l = Dense.M.of(lego.dense(m));
            double legoSum = rel(l, s);
            double legoMean = rel(l, mean);
            double svdSum = rel(Dense.M.of(svd.dense(m)), s);
            rows.add(String.format(Locale.ROOT, "%-48s %10.4f %10.4f %10.4f", m, legoSum, legoMean, svdSum));
            assertBelow(rel(Dense.M.of(all.dense(m)), s), 1e-5, m + ": k = 16 units is the exact sum, relative error");
            assertAtMost(svdSum, legoSum + 1e-6, m + ": Eckart–Young, svd's error against lego's");
            assertAtMost(
                    svdSum / 2,
                    legoMean + 1e-6,
                    m + ": Eckart–Young against the mean as well, svd's error / 2 against lego's");
            assertEquals(8, lego.module(m).rank());
            legoBeatsSvd += legoSum < svdSum ? 1 : 0;
        }
        rows.add("LEGO beats the rank-8 SVD truncation on " + legoBeatsSvd + " of "
                + sum.modules().size() + " modules");
        System.out.println(String.join("\n", rows));
        assertEquals(0, legoBeatsSvd);
    }

    private static double rel(Dense.M x, Dense.M ref) {
        return Dense.frobenius(Dense.add(x, ref, -1)) / Dense.frobenius(ref);
    }
}
