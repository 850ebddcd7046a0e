/**
 * The planner: rewrites an expression with local rules to a fixed point, fuses, shares common sub-expressions, checks
 * the type after every rewrite, and explains the result with estimated bytes and flops per node
 * ({@link org.loralgebra.plan.Plan#explain()}).
 */
package org.loralgebra.plan;
