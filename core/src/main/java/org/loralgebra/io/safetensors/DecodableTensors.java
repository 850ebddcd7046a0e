package org.loralgebra.io.safetensors;

import java.nio.file.Path;
import org.loralgebra.lang.AdapterFormatException;

/** The check every adapter reader makes of a module's factor tensors: each holds floating-point values it decodes. */
public final class DecodableTensors {
    private DecodableTensors() {}

    /**
     * Refuses the first of {@code tensors} whose dtype is not one the readers decode (F32, F16, BF16, F64), naming the
     * file, the tensor, the module it belongs to and the dtype found.
     *
     * @throws AdapterFormatException for such a tensor
     */
    public static void require(Path file, String module, TensorInfo... tensors) {
        for (TensorInfo t : tensors) {
            if (!t.dtype().isDecodable()) {
                throw AdapterFormatException.tensor(
                        file,
                        t.name(),
                        "a floating-point dtype (F32, F16, BF16, F64) for module '" + module + "'",
                        t.dtype().name());
            }
        }
    }
}
