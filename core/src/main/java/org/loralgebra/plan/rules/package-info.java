/**
 * One rewrite rule per class, named verb + object, each stating in its Javadoc the identity it uses
 * ({@code −(−A) = A}, {@code select(f(x)) = f(select(x))}, …), with a mirror test.
 */
package org.loralgebra.plan.rules;
