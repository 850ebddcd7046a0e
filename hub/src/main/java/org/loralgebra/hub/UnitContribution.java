package org.loralgebra.hub;

import java.io.Serializable;

/**
 * How much of an adapter's rank-unit magnitude lies in one cluster of one module: an entry of the profile by which
 * whole adapters are clustered.
 *
 * @param index     the adapter's position in the input
 * @param feature   the module group and cluster, {@code "NAME OUTxIN #c"}
 * @param magnitude Σ μ of its units there
 */
public record UnitContribution(int index, String feature, double magnitude) implements Serializable {
    private static final long serialVersionUID = 1L;
}
