package org.loralgebra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.loralgebra.NumericAssertions.assertBelow;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.loralgebra.lang.Rank;
import org.loralgebra.model.AdapterSource;

/**
 * On the real adapters: the factored spectrum agrees with a dense SVD of the materialized update (LAPACK gesdd on
 * out×in, computed independently of the factored QR path) to 1e-4 relative, and truncation is Eckart–Young optimal.
 */
class RealAdapterSpectrumIT {
    private static void checkSpectrum(String name, List<String> modules) {
        Adapter a = Lora.load(RealAdapters.path(name));
        AdapterSource src = a.source().orElseThrow();
        Spectrum s = a.spectrum();
        for (String m : modules) {
            Dense.M dense = TestAdapters.dense(src, m);
            double[] reference = new DenseMatrix(dense.rows(), dense.cols(), dense.v()).singularValues();
            double[] got = s.module(m);
            assertEquals(src.type().modules().get(m).rank(), got.length);
            for (int i = 0; i < got.length; i++) {
                assertEquals(reference[i], got[i], 1e-4 * reference[i], name + " " + m + " σ" + i);
            }
            assertBelow(
                    reference[got.length],
                    1e-4 * reference[0],
                    name + " " + m + ": σ_{r+1} of the dense update against 1e-4·σ₁ (it has rank r)");
        }
    }

    @Test
    void distilbertSpectraMatchDenseSvd() {
        Adapter a = Lora.load(RealAdapters.path("distilbert-imdb"));
        checkSpectrum("distilbert-imdb", List.copyOf(a.modules()));
    }

    @Test
    void gpt2SpectraMatchDenseSvdOnEveryModuleKind() {
        checkSpectrum(
                "gpt2-tigrinya",
                List.of(
                        "transformer.h.0.attn.c_attn",
                        "transformer.h.0.attn.c_proj",
                        "transformer.h.0.mlp.c_proj",
                        "transformer.h.11.attn.c_attn"));
    }

    @Test
    void squeezeToRank4IsEckartYoungOptimalOnRealData() {
        Adapter a = Lora.load(RealAdapters.path("distilbert-emotion"));
        AdapterSource src = a.source().orElseThrow();
        Adapter squeezed = a.truncate(Rank.of(4)).eval();
        for (String m : List.of(
                "distilbert.transformer.layer.0.attention.q_lin", "distilbert.transformer.layer.5.attention.v_lin")) {
            Dense.M full = TestAdapters.dense(src, m);
            double[] s = new DenseMatrix(full.rows(), full.cols(), full.v()).singularValues();
            double tail = 0;
            for (int i = 4; i < s.length; i++) {
                tail += s[i] * s[i];
            }
            double err = Dense.frobenius(Dense.add(full, Dense.M.of(squeezed.dense(m)), -1));
            assertEquals(
                    Math.sqrt(tail), err, 1e-3 * s[0], m + ": the error of the best rank-4 approximation is the tail");
            assertEquals(4, squeezed.module(m).rank());
        }
    }
}
