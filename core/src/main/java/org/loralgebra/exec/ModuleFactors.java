package org.loralgebra.exec;

import java.util.Optional;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.tensor.Tensor;

/**
 * One module's update in factored form, {@code ΔW = scale·B·A}, with B [out, r] and A [r, in] held by a backend.
 * DoRA magnitude and LoRA bias ride along untouched (only load, select and save carry them).
 */
public record ModuleFactors(
        ModuleSpec spec, Matrix b, Matrix a, double scale, Optional<Tensor> magnitude, Optional<Tensor> loraBias)
        implements ModuleValue {
    public ModuleFactors {
        if (b.cols() != a.rows() || b.rows() != spec.out() || a.cols() != spec.in()) {
            throw new IllegalArgumentException("module '" + spec.name() + "': factors B " + b.rows() + "x" + b.cols()
                    + " and A " + a.rows() + "x" + a.cols() + " do not make a " + spec.shapeString() + " update");
        }
        if (spec.rank() != b.cols()) {
            spec = spec.withRank(b.cols());
        }
    }

    /** Factors without DoRA/bias state. */
    public static ModuleFactors of(ModuleSpec spec, Matrix b, Matrix a, double scale) {
        return new ModuleFactors(spec.lowRankOnly(), b, a, scale, Optional.empty(), Optional.empty());
    }

    /** The rank r. */
    public int rank() {
        return b.cols();
    }

    /** Bytes held by B and A. */
    public long byteSize() {
        return b.byteSize() + a.byteSize();
    }
}
