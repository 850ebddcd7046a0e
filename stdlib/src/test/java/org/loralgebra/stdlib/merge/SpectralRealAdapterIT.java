package org.loralgebra.stdlib.merge;

import static org.loralgebra.NumericAssertions.assertBelow;

import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.RealAdapters;
import org.loralgebra.exec.ExecutionOptions;
import org.loralgebra.lang.Precision;

/**
 * The 2025 methods on the real DistilBERT pair: the float32 engine agrees with the float64 one on every module
 * (relative max error), so the numerical-rank cuts and the element-wise steps hold on real spectra.
 */
class SpectralRealAdapterIT {
    private static final Map<Method, UnaryOperator<Merge>> OPTIONS = Map.of(
            Method.CORE_SPACE, m -> m.coreMerge(CoreMerge.TSV).isotropize(true),
            Method.ISO_CTS, m -> m.commonSpaceFraction(0.6),
            Method.KNOTS_TIES, m -> m.density(0.3));

    @ParameterizedTest
    @EnumSource(
            value = Method.class,
            names = {"CORE_SPACE", "TSV", "ISO_C", "ISO_CTS", "KNOTS_TIES", "MODEL_STOCK", "KARCHER", "NUSLERP"})
    void float32AgreesWithFloat64(Method method) {
        Adapter a = Lora.load(RealAdapters.path("distilbert-imdb"));
        Adapter b = Lora.load(RealAdapters.path("distilbert-emotion"));
        Merge merge = OPTIONS.getOrDefault(method, m -> m)
                .apply(Merge.of(a, b).method(method).weights(0.6, 0.4));
        ExecutionOptions base = Lora.options();
        Adapter f32 = Lora.withOptions(
                base.withPrecision(Precision.F32), () -> merge.adapter().eval());
        Adapter f64 = Lora.withOptions(
                base.withPrecision(Precision.F64), () -> merge.adapter().eval());
        double worst = 0;
        for (String module : f64.modules()) {
            Dense.M x = Lora.withOptions(base.withPrecision(Precision.F64), () -> Dense.M.of(f64.dense(module)));
            Dense.M y = Lora.withOptions(base.withPrecision(Precision.F64), () -> Dense.M.of(f32.dense(module)));
            worst = Math.max(worst, Dense.relError(y, x));
        }
        assertBelow(worst, 1e-4, method + ": float32 vs float64, worst module, relative max error");
    }
}
