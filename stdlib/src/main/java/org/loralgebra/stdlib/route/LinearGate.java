package org.loralgebra.stdlib.route;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.io.safetensors.SafetensorsWriter;
import org.loralgebra.io.safetensors.TensorInfo;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.lang.LoraException;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * A linear router: logits {@code ℓ = W·x + b} with {@code W [experts, in]} (torch's {@code nn.Linear} layout)
 * and an optional bias {@code b [experts]}. Over adapters it is Mixtral's top-k softmax router; over the ranks
 * of one adapter it is SMoRA's gate (Zhao et al. 2025: {@code g = σ(W_g x)}, top-k, renormalized to sum k).
 */
public final class LinearGate implements Gate {
    private final Tensor weight;
    private final Optional<Tensor> bias;
    private final String origin;

    private LinearGate(Tensor weight, Optional<Tensor> bias, String origin) {
        this.weight = weight;
        this.bias = bias;
        this.origin = origin;
    }

    static LinearGate of(Tensor weight, Tensor bias) {
        return of(weight, bias, "in memory");
    }

    static LinearGate of(Tensor weight, Tensor bias, String origin) {
        if (weight.rank() != 2 || !weight.dtype().isDecodable() || weight.dim(0) == 0 || weight.dim(1) == 0) {
            throw new LoraException(
                    "linear gate (" + origin + "): expected a weight [experts, in] of a floating dtype, " + "found "
                            + weight.dtype() + " " + Arrays.toString(weight.shape()));
        }
        if (bias != null
                && (bias.rank() != 1
                        || bias.dim(0) != weight.dim(0)
                        || !bias.dtype().isDecodable())) {
            throw new LoraException("linear gate (" + origin + "): expected a bias [" + weight.dim(0)
                    + "] of a floating dtype (one per expert), found " + bias.dtype() + " "
                    + Arrays.toString(bias.shape()));
        }
        return new LinearGate(weight, Optional.ofNullable(bias), origin);
    }

    /**
     * Reads a router from a safetensors file: the tensor {@code weight} (or the only 2-D tensor, or the only one
     * whose name ends with {@code weight}, such as {@code router.weight}) and, if present, the bias beside it
     * ({@code router.bias}) or {@code bias}.
     *
     * @throws AdapterFormatException naming the file and tensor when no weight is found or shapes disagree
     */
    public static LinearGate read(Path file) {
        SafetensorsFile f = SafetensorsFile.open(file);
        TensorInfo w = GateFiles.matrix(f, "weight", "a linear gate weight [experts, in]");
        Optional<TensorInfo> b = GateFiles.biasFor(f, w);
        if (b.isPresent()
                && (b.get().rank() != 1
                        || b.get().dim(0) != w.dim(0)
                        || !b.get().dtype().isDecodable())) {
            throw AdapterFormatException.tensor(
                    file,
                    b.get().name(),
                    "a bias [" + w.dim(0) + "] of a floating dtype " + "(one per row of '" + w.name() + "')",
                    b.get().dtype() + " " + b.get().shapeString());
        }
        Tensor bias = b.map(i -> GateFiles.read(f, i)).orElse(null);
        return of(GateFiles.read(f, w), bias, file + " (tensor '" + w.name() + "')");
    }

    /** The weight {@code [experts, in]}. */
    public Tensor weight() {
        return weight;
    }

    /** The bias {@code [experts]}, if any. */
    public Optional<Tensor> bias() {
        return bias;
    }

    @Override
    public int experts() {
        return (int) weight.dim(0);
    }

    @Override
    public int in() {
        return (int) weight.dim(1);
    }

    @Override
    public Weighting defaultWeighting(boolean rankExperts) {
        return rankExperts ? Weighting.SIGMOID : Weighting.SOFTMAX;
    }

    /**
     * Writes the gate as a safetensors file with tensors {@code weight} and (if present) {@code bias} in F32,
     * atomically; {@link #read(Path)} reads it back.
     */
    public void save(Path file) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("weight", weight.convertTo(DType.F32));
        bias.ifPresent(b -> tensors.put("bias", b.convertTo(DType.F32)));
        SafetensorsWriter.write(file, Map.of("format", "pt", "loralgebra", "linear-gate"), tensors);
    }

    @Override
    public String describe() {
        return "linear[" + experts() + " × " + in() + (bias.isPresent() ? " + bias" : "") + "] (" + origin + ")";
    }

    @Override
    public String toString() {
        return "Gate." + describe();
    }
}
