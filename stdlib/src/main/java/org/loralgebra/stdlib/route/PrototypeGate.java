package org.loralgebra.stdlib.route;

import java.nio.file.Path;
import java.util.Arrays;
import org.loralgebra.Lora;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.io.safetensors.TensorInfo;
import org.loralgebra.lang.LoraException;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * Routing by adapter prototypes: each expert has a centroid activation {@code c_i} (the mean input its adapter
 * was trained on, supplied by the user), and a token scores {@code cos(x, c_i)}. Training-free; the selected
 * experts pass with weight 1 by default (k = 1 routes each token to its nearest adapter). A zero token or
 * centroid scores 0.
 */
public final class PrototypeGate implements Gate {
    private final Tensor centroids;
    private final String origin;

    private PrototypeGate(Tensor centroids, String origin) {
        this.centroids = centroids;
        this.origin = origin;
    }

    static PrototypeGate of(Tensor centroids) {
        return of(centroids, "in memory");
    }

    private static PrototypeGate of(Tensor centroids, String origin) {
        if (centroids.rank() != 2
                || !centroids.dtype().isDecodable()
                || centroids.dim(0) == 0
                || centroids.dim(1) == 0) {
            throw new LoraException("prototype gate (" + origin + "): expected centroids [experts, in] of a floating "
                    + "dtype, found " + centroids.dtype() + " " + Arrays.toString(centroids.shape()));
        }
        return new PrototypeGate(centroids, origin);
    }

    /**
     * Reads centroids {@code [experts, in]} from a safetensors file: the tensor {@code prototypes}, or the only
     * 2-D tensor.
     */
    public static PrototypeGate read(Path file) {
        SafetensorsFile f = SafetensorsFile.open(file);
        TensorInfo info = GateFiles.matrix(f, "prototypes", "prototype centroids [experts, in]");
        return of(GateFiles.read(f, info), file + " (tensor '" + info.name() + "')");
    }

    /**
     * Centroids as the mean activation of each expert's tokens: {@code labels[t]} is token t's expert in
     * {@code [0, experts)}; every expert needs at least one token.
     */
    static PrototypeGate fromLabelled(Activations x, int[] labels, int experts) {
        float[] oneHot = Labels.oneHotByLabel(labels, x.tokens(), experts, "prototypes");
        RouteArrays arrays = RouteArrays.current();
        RouteArrays.Array means =
                arrays.labelMeans(x.device(arrays, Lora.options().precision()), oneHot, experts);
        return of(arrays.download(means, DType.F32), "means of " + x.tokens() + " labelled tokens");
    }

    /** The centroids {@code [experts, in]}. */
    public Tensor centroids() {
        return centroids;
    }

    @Override
    public int experts() {
        return (int) centroids.dim(0);
    }

    @Override
    public int in() {
        return (int) centroids.dim(1);
    }

    @Override
    public Weighting defaultWeighting(boolean rankExperts) {
        return Weighting.ONES;
    }

    @Override
    public String describe() {
        return "prototypes[" + experts() + " × " + in() + "] (" + origin + ")";
    }

    @Override
    public String toString() {
        return "Gate." + describe();
    }
}
