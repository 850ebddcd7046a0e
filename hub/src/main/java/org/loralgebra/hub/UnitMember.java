package org.loralgebra.hub;

import java.io.Serializable;

/**
 * One adapter's module as a source of rank units for {@code lora hub cluster}: its position in the input, its path
 * and the module's factors.
 *
 * @param index   the adapter's position in the input
 * @param adapter the adapter's path
 * @param module  the module's profile, with factors
 */
public record UnitMember(int index, String adapter, ModuleProfile module) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The group this module's units are clustered in: its name and shape. */
    public String group() {
        return module.module() + " " + module.out() + "x" + module.in();
    }
}
