package org.loralgebra.stdlib.route;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.io.safetensors.TensorInfo;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.lang.LoraException;
import org.loralgebra.lang.Precision;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * A batch of token activations {@code X [tokens, in]} entering one module: the input the routed update acts on.
 *
 * <p>Immutable. The values are copied to the compute backend on first use and that copy is kept, so routing
 * the same batch again (a benchmark's repetitions) does not pay for the transfer.
 */
public final class Activations {
    private final Tensor values;
    private final String origin;
    private volatile Uploaded device;

    private record Uploaded(RouteArrays arrays, Precision precision, RouteArrays.Array values) {}

    private Activations(Tensor values, String origin) {
        this.values = values;
        this.origin = origin;
    }

    /**
     * Activations from a 2-D floating tensor {@code [tokens, in]}.
     *
     * @throws LoraException when the tensor is not 2-D, not floating, empty, or holds NaN or infinities
     */
    public static Activations of(Tensor values) {
        return of(values, "activations");
    }

    private static Activations of(Tensor values, String origin) {
        if (values.rank() != 2) {
            throw new LoraException(
                    origin + ": expected a 2-D tensor [tokens, in], found shape " + Arrays.toString(values.shape()));
        }
        if (!values.dtype().isDecodable()) {
            throw new LoraException(
                    origin + ": expected a floating dtype (F32, F16, BF16, F64), found " + values.dtype());
        }
        if (values.dim(0) == 0 || values.dim(1) == 0) {
            throw new LoraException(origin + ": expected at least one token and one feature, found shape "
                    + Arrays.toString(values.shape()));
        }
        if (values.numel() > Integer.MAX_VALUE) {
            throw new LoraException(origin + ": " + values.numel() + " values exceed one batch's limit of "
                    + Integer.MAX_VALUE + "; route it in parts");
        }
        long bad = values.firstNonFinite();
        if (bad >= 0) {
            throw new LoraException(origin + ": value at token " + bad / values.dim(1) + ", feature "
                    + bad % values.dim(1) + " is not finite");
        }
        return new Activations(values, origin);
    }

    /** Row-major values {@code [tokens, in]}. */
    public static Activations of(int tokens, int in, float[] rowMajor) {
        return of(Tensor.ofFloats(DType.F32, new long[] {tokens, in}, rowMajor));
    }

    /**
     * The one tensor of a safetensors file (any name), or the tensor named {@code tensor} when the file holds
     * several.
     *
     * @throws AdapterFormatException naming the file when it holds no such tensor or several candidates
     */
    public static Activations read(Path file) {
        SafetensorsFile f = SafetensorsFile.open(file);
        List<TensorInfo> all = List.copyOf(f.tensors().values());
        if (all.size() != 1) {
            throw new AdapterFormatException(
                    file,
                    "expected exactly one tensor [tokens, in] of activations, found "
                            + (all.isEmpty() ? "none" : all.size() + " (" + names(all) + ")")
                            + "; name the one to use");
        }
        return read(f, all.get(0));
    }

    /** The tensor {@code tensor} of a safetensors file. */
    public static Activations read(Path file, String tensor) {
        SafetensorsFile f = SafetensorsFile.open(file);
        TensorInfo info = f.info(tensor)
                .orElseThrow(() -> new AdapterFormatException(
                        file,
                        "no tensor '" + tensor + "'; the file holds "
                                + names(List.copyOf(f.tensors().values()))));
        return read(f, info);
    }

    private static Activations read(SafetensorsFile f, TensorInfo info) {
        String origin = f.path() + ": tensor '" + info.name() + "'";
        if (info.rank() != 2 || !info.dtype().isDecodable()) {
            throw AdapterFormatException.tensor(
                    f.path(),
                    info.name(),
                    "activations [tokens, in] of a floating dtype",
                    info.dtype() + " " + info.shapeString());
        }
        return of(f.read(info), origin);
    }

    private static String names(List<TensorInfo> infos) {
        return infos.stream()
                        .limit(8)
                        .map(i -> i.name() + " " + i.shapeString())
                        .collect(Collectors.joining(", "))
                + (infos.size() > 8 ? ", ..." : "");
    }

    /** N(0, 1) activations from a seeded generator (benchmarks, examples). */
    public static Activations gaussian(int tokens, int in, long seed) {
        Random rnd = new Random(seed);
        float[] v = new float[Math.multiplyExact(tokens, in)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return of(tokens, in, v);
    }

    /** Number of tokens. */
    public int tokens() {
        return (int) values.dim(0);
    }

    /** Features per token (the module's input size). */
    public int in() {
        return (int) values.dim(1);
    }

    /** The values as given. */
    public Tensor tensor() {
        return values;
    }

    /** Where the values came from (for messages): a file and tensor, or "activations". */
    public String origin() {
        return origin;
    }

    /** The values as {@code arrays} hold them, in the given precision (copied once, then kept). */
    RouteArrays.Array device(RouteArrays arrays, Precision precision) {
        Uploaded d = device;
        if (d == null || d.precision() != precision || !d.arrays().equals(arrays)) {
            synchronized (this) {
                d = device;
                if (d == null || d.precision() != precision || !d.arrays().equals(arrays)) {
                    d = new Uploaded(arrays, precision, arrays.upload(values, precision));
                    device = d;
                }
            }
        }
        return d.values();
    }

    @Override
    public String toString() {
        return "Activations[" + tokens() + " tokens × " + in() + ", " + values.dtype() + ", " + origin + "]";
    }
}
