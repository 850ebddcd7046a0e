package org.loralgebra.plot

import org.loralgebra.lang.LoraException

/** Like `require`, for conditions on the analysed data: a [LoraException] (bad input), never an internal error. */
internal inline fun requireData(condition: Boolean, message: () -> String) {
    if (!condition) {
        throw LoraException(message())
    }
}
