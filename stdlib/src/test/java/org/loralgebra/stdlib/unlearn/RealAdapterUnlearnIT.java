package org.loralgebra.stdlib.unlearn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertAbove;
import static org.loralgebra.NumericAssertions.assertBelow;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.RealAdapters;
import org.loralgebra.stdlib.DenseSvd;
import org.loralgebra.stdlib.FactorSvd;

/** Unlearning IMDB sentiment while protecting emotion, on the real DistilBERT adapters, against dense references. */
class RealAdapterUnlearnIT {
    private final Adapter imdb = Lora.load(RealAdapters.path("distilbert-imdb"));
    private final Adapter emotion = Lora.load(RealAdapters.path("distilbert-emotion"));

    @Test
    void updateEqualsTheNegatedProtectedTopFourDirections() {
        Unlearn u = Unlearn.of(imdb).retain(emotion).lambda(1.0).protectRank(8).pruneRank(4);
        Adapter update = u.update().eval();
        UnlearnReport report = u.report();
        double forgetTotal = 0;
        double removedTotal = 0;
        for (String m : imdb.modules()) {
            FactorSvd f = FactorSvd.of(imdb, m);
            Dense.M top4 = UnlearnTest.pruned(f.svd(), new int[] {0, 1, 2, 3});
            Dense.M q = DenseSvd.orthonormalColumns(FactorSvd.of(emotion, m).b());
            Dense.M removed = DenseSvd.projectOffLeft(q, top4);
            double err = Dense.relError(FactorSvd.update(update, m), Dense.scale(removed, -1));
            assertTrue(err < 1e-4, m + ": relative error " + err);
            UnlearnReport.Row row = report.rows().stream()
                    .filter(r -> r.module().equals(m))
                    .findFirst()
                    .orElseThrow();
            double fe = Math.pow(Dense.frobenius(f.dense()), 2);
            assertEquals(Math.pow(Dense.frobenius(removed), 2), row.removedEnergy(), 1e-4 * fe, m);
            assertEquals(
                    Math.pow(Dense.frobenius(Dense.mul(Dense.transpose(q), f.dense())), 2) / fe,
                    row.overlapForget(),
                    1e-4,
                    m);
            forgetTotal += fe;
            removedTotal += Math.pow(Dense.frobenius(removed), 2);
        }
        assertEquals(removedTotal / forgetTotal, report.removedFraction(), 1e-4);
        assertBelow(report.maxOverlapRemoved(), 1e-9, report.toString());
    }

    @Test
    void ontoTheMergedModelLeavesTheRetainedComponentExactlyAsItWas() {
        Adapter model = imdb.plus(emotion).eval();
        Adapter unlearned = Unlearn.of(imdb)
                .retain(emotion)
                .pruneRank(4)
                .pruning(Pruning.leastRetainOverlap())
                .onto(model)
                .adapter()
                .eval();
        for (String m : imdb.modules()) {
            Dense.M q = DenseSvd.orthonormalColumns(FactorSvd.of(emotion, m).b());
            Dense.M w = FactorSvd.update(model, m);
            Dense.M unlearnedW = FactorSvd.update(unlearned, m);
            Dense.M before = Dense.mul(Dense.transpose(q), w);
            Dense.M after = Dense.mul(Dense.transpose(q), unlearnedW);
            assertBelow(
                    Dense.relError(after, before),
                    1e-4,
                    m + ": QᵀW unchanged inside the retain subspace, relative error");
            double removed = Dense.frobenius(Dense.add(unlearnedW, w, -1));
            assertAbove(
                    removed, 1e-3 * Dense.frobenius(w), m + ": something was removed, ‖ΔW changed‖ against 1e-3·‖W‖");
        }
    }

    @Test
    void savedUpdateReloadsAsTheSameUpdate(@TempDir Path dir) throws Exception {
        Adapter update =
                Unlearn.of(imdb).retain(emotion).protectRank(4).pruneRank(6).update();
        update.save(dir.resolve("unlearn").toString());
        Adapter reloaded = Lora.load(dir.resolve("unlearn"));
        Adapter held = update.eval();
        for (String m : imdb.modules()) {
            double err = Dense.relError(FactorSvd.update(reloaded, m), FactorSvd.update(held, m));
            assertTrue(err < 1e-6, m + ": " + err);
        }
        String config = Files.readString(dir.resolve("unlearn").resolve("adapter_config.json"));
        assertTrue(
                config.contains("\"r\": 6") && config.contains("\"lora_alpha\": 12"),
                "rank 6, scale 2 kept: " + config);
    }
}
