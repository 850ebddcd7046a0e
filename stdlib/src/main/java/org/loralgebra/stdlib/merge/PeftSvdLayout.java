package org.loralgebra.stdlib.merge;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.ExecutableKernel;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.model.ModuleSpec;

/**
 * Rewrites the factors of a truncation made with {@link org.loralgebra.lang.Split#ALL_ON_B} (B = U·S/s, A = Vᵀ,
 * scale s) in PEFT's svd layout: B = U·S, A = Vᵀ, scale 1, canonical signs, optional clamp (see {@link SvdFactors}).
 * The update is unchanged unless a clamp is asked for. Used by the factored {@code svd} merge.
 */
record PeftSvdLayout(OptionalDouble clamp) implements ExecutableKernel {
    @Override
    public String describe() {
        return "svd (PEFT layout B = U·S, A = Vᵀ, scale 1"
                + (clamp.isPresent() ? String.format(Locale.ROOT, ", clamp %s", clamp.getAsDouble()) : "") + ")";
    }

    @Override
    public ModuleFactors apply(Backend be, ModuleSpec out, List<Optional<ModuleFactors>> inputs) {
        ModuleFactors f = inputs.get(0).orElseThrow();
        return SvdFactors.finish(be, f.spec(), f.scale() == 1.0 ? f.b() : be.scale(f.b(), f.scale()), f.a(), clamp);
    }

    @Override
    public double flops(ModuleSpec out, List<Optional<ModuleSpec>> inputs) {
        return 2.0 * out.rank() * (out.out() + out.in());
    }
}
