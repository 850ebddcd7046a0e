package org.loralgebra.exec;

import org.loralgebra.lang.LoraException;

/**
 * A computation on a module's values that cannot give a right result: a LAPACK routine handed a matrix with NaN or
 * infinities, one that did not converge, or a result that is not finite. The engine adds which module of which
 * inputs it came from, and what in those inputs caused it ({@link ModuleDiagnosis}).
 */
public class NumericFailure extends LoraException {
    private static final long serialVersionUID = 1L;

    public NumericFailure(String message) {
        super(message);
    }

    public NumericFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
