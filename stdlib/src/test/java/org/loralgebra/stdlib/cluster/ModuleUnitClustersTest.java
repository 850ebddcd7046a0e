package org.loralgebra.stdlib.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertBelow;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.loralgebra.lang.LoraException;

/**
 * The unit clustering with origins: every unit once, magnitudes |s|·‖b_j‖·‖a_j‖ computed here, centres the signed
 * means of their members, and labels a function of the set of units (the order of the sources does not matter).
 */
class ModuleUnitClustersTest {
    private static ModuleUnitClusters.Source source(long seed, int out, int rank, int in, double scale) {
        Random rnd = new Random(seed);
        double[] b = new double[out * rank];
        double[] a = new double[rank * in];
        for (int i = 0; i < b.length; i++) {
            b[i] = rnd.nextGaussian();
        }
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextGaussian();
        }
        return new ModuleUnitClusters.Source(b, a, out, rank, in, scale);
    }

    @Test
    void everyUnitOnceWithItsMagnitudeAndCentresAreSignedMeans() {
        List<ModuleUnitClusters.Source> sources = List.of(source(1, 7, 3, 5, 2.0), source(2, 7, 4, 5, -0.5));
        ModuleUnitClusters c = ModuleUnitClusters.of("layers.0.q", sources, 3, 11, 100);
        assertEquals(7, c.size());
        assertEquals(3, c.clusters());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < c.size(); i++) {
            ModuleUnitClusters.Source s = sources.get(c.source()[i]);
            int j = c.rank()[i];
            assertTrue(seen.add(c.source()[i] + ":" + j), "unit listed twice");
            double nb = 0;
            double na = 0;
            for (int r = 0; r < s.out(); r++) {
                nb += s.b()[r * s.rank() + j] * s.b()[r * s.rank() + j];
            }
            for (int col = 0; col < s.in(); col++) {
                na += s.a()[j * s.in() + col] * s.a()[j * s.in() + col];
            }
            double mu = Math.abs(s.scale()) * Math.sqrt(nb) * Math.sqrt(na);
            assertBelow(Math.abs(c.magnitude()[i] - mu) / mu, 1e-12, "magnitude of unit " + i);
        }
        // centre = signed mean of the members' unit vectors (recomputed from the factors by RankUnits)
        double[][] centres = c.centres();
        double[][][] units = {
            RankUnits.of(sources.get(0).b(), sources.get(0).a(), 7, 3, 5, 2.0),
            RankUnits.of(sources.get(1).b(), sources.get(1).a(), 7, 4, 5, -0.5)
        };
        for (int k = 0; k < c.clusters(); k++) {
            double[] mean = new double[12];
            int n = 0;
            for (int i = 0; i < c.size(); i++) {
                if (c.cluster()[i] == k) {
                    double[] u = units[c.source()[i]][c.rank()[i]];
                    for (int d = 0; d < 12; d++) {
                        mean[d] += c.sign()[i] * u[d];
                    }
                    n++;
                }
            }
            double err = 0;
            for (int d = 0; d < 12; d++) {
                err = Math.max(err, Math.abs(mean[d] / n - centres[k][d]));
            }
            assertBelow(err, 1e-12, "centre " + k + " against its members' signed mean");
        }
    }

    @Test
    void labelsDoNotDependOnTheOrderOfTheSources() {
        ModuleUnitClusters.Source x = source(3, 6, 4, 6, 1.0);
        ModuleUnitClusters.Source y = source(4, 6, 2, 6, 1.0);
        ModuleUnitClusters xy = ModuleUnitClusters.of("m", List.of(x, y), 3, 5, 100);
        ModuleUnitClusters yx = ModuleUnitClusters.of("m", List.of(y, x), 3, 5, 100);
        for (int i = 0; i < xy.size(); i++) {
            assertEquals(xy.source()[i], 1 - yx.source()[i], "unit " + i + " in canonical order");
            assertEquals(xy.rank()[i], yx.rank()[i]);
            assertEquals(xy.cluster()[i], yx.cluster()[i]);
        }
    }

    @Test
    void refusesSourcesOfTwoShapesAndNoUnits() {
        LoraException e = assertThrows(
                LoraException.class,
                () -> ModuleUnitClusters.of("m", List.of(source(1, 6, 2, 6, 1), source(2, 5, 2, 6, 1)), 2, 0, 10));
        assertTrue(
                e.getMessage().contains("'m'")
                        && e.getMessage().contains("6x6")
                        && e.getMessage().contains("5x6"),
                e.getMessage());
        assertThrows(LoraException.class, () -> ModuleUnitClusters.of("m", List.of(), 2, 0, 10));
    }
}
