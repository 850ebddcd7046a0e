package org.loralgebra.plan;

/** Estimated size of a node's output (all modules, in the compute precision) and the work to produce it. */
public record NodeCost(long bytes, double flops) {}
