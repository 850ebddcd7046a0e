package org.loralgebra.stdlib.route;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.io.safetensors.TensorInfo;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.tensor.Tensor;

/** Finds a gate's tensors in a safetensors file, naming the file and its tensors when it cannot. */
final class GateFiles {
    private GateFiles() {}

    /**
     * The 2-D tensor of a file: the one named {@code preferred}; else the only 2-D tensor whose name ends with
     * {@code preferred}; else the only 2-D tensor.
     */
    static TensorInfo matrix(SafetensorsFile f, String preferred, String what) {
        Optional<TensorInfo> exact = f.info(preferred);
        if (exact.isPresent()) {
            return checkMatrix(f, exact.get(), what);
        }
        List<TensorInfo> matrices =
                f.tensors().values().stream().filter(i -> i.rank() == 2).toList();
        List<TensorInfo> suffixed =
                matrices.stream().filter(i -> i.name().endsWith(preferred)).toList();
        if (suffixed.size() == 1) {
            return checkMatrix(f, suffixed.get(0), what);
        }
        if (matrices.size() == 1) {
            return checkMatrix(f, matrices.get(0), what);
        }
        throw new AdapterFormatException(
                f.path(),
                "expected " + what + " as a tensor named '" + preferred + "' or as the file's only 2-D tensor, found "
                        + list(f));
    }

    private static TensorInfo checkMatrix(SafetensorsFile f, TensorInfo info, String what) {
        if (info.rank() != 2 || !info.dtype().isDecodable() || info.dim(0) == 0 || info.dim(1) == 0) {
            throw AdapterFormatException.tensor(
                    f.path(),
                    info.name(),
                    what + " as a non-empty 2-D floating tensor",
                    info.dtype() + " " + info.shapeString());
        }
        return info;
    }

    /** The bias beside a weight: {@code …bias} for {@code …weight}, or a tensor named {@code bias}. */
    static Optional<TensorInfo> biasFor(SafetensorsFile f, TensorInfo weight) {
        String name = weight.name();
        if (name.endsWith("weight")) {
            Optional<TensorInfo> sibling = f.info(name.substring(0, name.length() - "weight".length()) + "bias");
            if (sibling.isPresent()) {
                return sibling;
            }
        }
        return f.info("bias");
    }

    /** Reads a tensor, checking it holds only finite values. */
    static Tensor read(SafetensorsFile f, TensorInfo info) {
        Tensor t = f.read(info);
        long bad = t.firstNonFinite();
        if (bad >= 0) {
            throw AdapterFormatException.tensor(
                    f.path(), info.name(), "finite values", "a non-finite value at flat index " + bad);
        }
        return t;
    }

    static String list(SafetensorsFile f) {
        if (f.tensors().isEmpty()) {
            return "no tensors";
        }
        return f.tensors().values().stream()
                        .limit(10)
                        .map(i -> i.name() + " " + i.dtype() + " " + i.shapeString())
                        .collect(Collectors.joining(", "))
                + (f.tensors().size() > 10 ? ", ..." : "");
    }
}
