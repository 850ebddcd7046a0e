package org.loralgebra.model;

import org.loralgebra.lang.LoraException;

/**
 * An expression that cannot be built: adapters of different base models combined, one module name with two
 * shapes, a module that does not exist, an operation that cannot honour DoRA. Raised when the expression is
 * built, not when it runs; the message names both sides and the module.
 */
public final class AdapterTypeException extends LoraException {
    private static final long serialVersionUID = 1L;

    public AdapterTypeException(String message) {
        super(message);
    }
}
