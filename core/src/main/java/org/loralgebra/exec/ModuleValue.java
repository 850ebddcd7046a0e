package org.loralgebra.exec;

import org.loralgebra.model.ModuleSpec;

/**
 * One module's value in a plan: the update's factors ({@link ModuleFactors}, what adapter-valued nodes give) or its
 * thin SVD ({@link ModuleSvd}, what decompositions give). Which one a node gives is its
 * {@link org.loralgebra.graph.Node#output()}.
 */
public sealed interface ModuleValue permits ModuleFactors, ModuleSvd {
    /** The module's name, shape and rank (of the value held). */
    ModuleSpec spec();
}
