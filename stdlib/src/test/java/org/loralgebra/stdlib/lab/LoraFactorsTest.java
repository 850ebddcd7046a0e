package org.loralgebra.stdlib.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Adapter;
import org.loralgebra.DenseMatrix;
import org.loralgebra.Lora;
import org.loralgebra.lang.LoraException;

/** Trained factors saved as a PEFT folder: read back by Lora.load with ΔW = (alpha/r)·B·A. */
class LoraFactorsTest {
    @TempDir
    Path dir;

    private static LabeledImages images(int n, int pixels, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] v = new float[n * pixels];
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = rnd.nextInt(3);
            for (int j = 0; j < pixels; j++) {
                v[i * pixels + j] = (float) rnd.nextDouble() + (j % 3 == l[i] ? 0.5f : 0f);
            }
        }
        return new LabeledImages(pixels, v, l);
    }

    @Test
    void aSavedAdapterLoadsWithTheModelsNamesAndItsUpdateIsScaleTimesBA() {
        LabeledImages data = images(64, 12, 1);
        MlpTraining training = new MlpTraining(3, 16, 1e-2);
        Mlp base = training.base("tiny", new int[] {12, 8, 3}, data, 0, Progress.NONE);
        LoraFactors f = training.lora(base, data, 2, 6, 4, Progress.NONE);
        f.save(dir.resolve("a"));
        Adapter a = Lora.load(dir.resolve("a"));
        assertEquals(Set.of("layers.0", "layers.1"), a.modules());
        int[] sizes = base.sizes();
        double worst = 0;
        for (int l = 0; l < 2; l++) {
            DenseMatrix d = a.dense(Mlp.module(l));
            float[] fa = f.a(l);
            float[] fb = f.b(l);
            for (int o = 0; o < sizes[l + 1]; o++) {
                for (int i = 0; i < sizes[l]; i++) {
                    double s = 0;
                    for (int k = 0; k < 2; k++) {
                        s += (double) fb[o * 2 + k] * fa[k * sizes[l] + i];
                    }
                    worst = Math.max(worst, Math.abs(3.0 * s - d.get(o, i)));
                }
            }
        }
        assertTrue(worst < 1e-6, "ΔW against (alpha/r)·B·A in float64: worst error " + worst);
    }

    @Test
    void anAdapterOfAnotherShapeIsRefusedNamingTheModule() {
        LabeledImages data = images(32, 12, 2);
        MlpTraining training = new MlpTraining(1, 16, 1e-2);
        Mlp small = training.base("small", new int[] {12, 8, 3}, data, 0, Progress.NONE);
        Mlp wide = training.base("wide", new int[] {12, 9, 3}, data, 0, Progress.NONE);
        training.lora(small, data, 2, 4, 0, Progress.NONE).save(dir.resolve("s"));
        var e = assertThrows(LoraException.class, () -> wide.with(Lora.load(dir.resolve("s"))));
        assertTrue(
                e.getMessage().contains("layers.0")
                        && e.getMessage().contains("8×12")
                        && e.getMessage().contains("9×12"),
                e.getMessage());
    }
}
