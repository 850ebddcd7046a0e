package org.loralgebra.stdlib.route;

import java.util.ArrayList;
import java.util.List;
import org.loralgebra.Adapter;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Matrix;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.lang.LoraException;

/**
 * GenKnowSub (Belofsky et al. 2024, "Bridging the Gap Between General and Task-Specific Knowledge"; PEFT's
 * {@code use_gks}), factor by factor: with {@code Ā = (1/m)·Σ A_g} and {@code B̄ = (1/m)·Σ B_g} over the general
 * adapters, every expert becomes {@code (B_i − B̄, A_i − Ā)} with its own scale. Like PEFT, every expert and
 * general adapter must have the same rank (and, checked when read, the same module shape).
 */
final class GeneralKnowledge {
    private GeneralKnowledge() {}

    /**
     * The experts' factors with the general adapters' mean factors subtracted.
     *
     * @throws LoraException naming the module and the adapter whose rank differs from the first expert's
     */
    static List<ModuleFactors> subtract(
            Backend be,
            String module,
            List<Adapter> experts,
            List<ModuleFactors> expertFactors,
            List<Adapter> general,
            List<ModuleFactors> generalFactors) {
        int r = expertFactors.get(0).rank();
        for (int i = 0; i < experts.size() + general.size(); i++) {
            boolean expert = i < experts.size();
            ModuleFactors f = expert ? expertFactors.get(i) : generalFactors.get(i - experts.size());
            if (f.rank() != r) {
                Adapter ad = expert ? experts.get(i) : general.get(i - experts.size());
                throw new LoraException("module '" + module + "': " + (expert ? "expert" : "general adapter") + " '"
                        + ad.label() + "' has rank " + f.rank() + " but expert '"
                        + experts.get(0).label()
                        + "' has rank " + r + "; GenKnowSub subtracts factors and needs every expert and "
                        + "general adapter at the same rank (as PEFT does)");
            }
        }
        double inv = 1.0 / generalFactors.size();
        Matrix meanB = be.zeros(generalFactors.get(0).b().rows(), r);
        Matrix meanA = be.zeros(r, generalFactors.get(0).a().cols());
        for (ModuleFactors g : generalFactors) {
            meanB = be.addScaled(meanB, g.b(), inv);
            meanA = be.addScaled(meanA, g.a(), inv);
        }
        List<ModuleFactors> out = new ArrayList<>();
        for (ModuleFactors f : expertFactors) {
            Matrix b = be.keep(be.addScaled(f.b(), meanB, -1));
            Matrix a = be.keep(be.addScaled(f.a(), meanA, -1));
            out.add(ModuleFactors.of(f.spec(), b, a, f.scale()));
        }
        return out;
    }
}
