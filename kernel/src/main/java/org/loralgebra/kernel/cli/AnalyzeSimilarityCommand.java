package org.loralgebra.kernel.cli;

import java.util.concurrent.Callable;
import org.loralgebra.stdlib.analysis.SubspaceSimilarity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lora analyze similarity A B}: φ(i, j) grids and principal angles per shared module. */
@Command(
        name = "similarity",
        sortOptions = false,
        description = "Per shared module: the subspace similarity φ(i, j) grid and the principal angles.")
public final class AnalyzeSimilarityCommand implements Callable<Integer> {
    @Mixin
    SimilarityArgs args;

    @Mixin
    JsonOutput output;

    @Override
    public Integer call() {
        output.check();
        SubspaceSimilarity s = args.similarity();
        return output.emit(s.toJson(), s.toString());
    }
}
