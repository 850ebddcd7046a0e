package org.loralgebra.io.checkpoint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.io.safetensors.TensorInfo;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.tensor.Tensor;

/**
 * The base weight W a module's update ΔW [out, in] lands on, as the checkpoint stores it (PEFT's {@code merge}):
 * <ul>
 * <li>linear: {@code [out, in]}, or {@code [in, out]} with {@code fan_in_fan_out} (GPT-2's Conv1D);</li>
 * <li>embedding: the table {@code [num_embeddings, dim] = [in, out]};</li>
 * <li>convolution: {@code [out, in/(kh·kw), kh, kw]}, ΔW reshaped in the same row-major order.</li>
 * </ul>
 *
 * @param spec the module whose update lands on the weight
 * @param file the checkpoint file holding the weight
 * @param info the weight's header entry
 */
public record ModuleWeight(ModuleSpec spec, SafetensorsFile file, TensorInfo info) {
    /** The shape the checkpoint must store the module's weight in (see the class comment). */
    public static long[] storedShape(ModuleSpec spec) {
        return switch (spec.kind()) {
            case LINEAR -> spec.fanInFanOut() ? new long[] {spec.in(), spec.out()} : new long[] {spec.out(), spec.in()};
            case EMBEDDING -> new long[] {spec.in(), spec.out()};
            case CONV -> {
                long[] k = spec.kernel();
                long[] shape = new long[2 + k.length];
                shape[0] = spec.out();
                shape[1] = spec.in() / spec.kernelSize();
                System.arraycopy(k, 0, shape, 2, k.length);
                yield shape;
            }
        };
    }

    /** Whether the checkpoint stores the update's transpose: {@code fan_in_fan_out} linear weights and embeddings. */
    public static boolean storedTransposed(ModuleSpec spec) {
        return spec.kind() == ModuleKind.EMBEDDING || spec.kind() == ModuleKind.LINEAR && spec.fanInFanOut();
    }

    /** The weight's tensor name. */
    public String tensor() {
        return info.name();
    }

    /** The file holding it. */
    public Path path() {
        return file.path();
    }

    /** Whether the stored weight is the transpose of the update's {@code [out, in]} (see {@link #storedTransposed}). */
    public boolean transposed() {
        return storedTransposed(spec);
    }

    /**
     * What keeps the update from landing on this weight, each naming the file, tensor and module with what was
     * expected and found: a stored shape other than {@link #storedShape} (saying so when it is the transpose, the
     * sign of a wrong {@code fan_in_fan_out}), a dtype that is not floating-point. Empty when it fits.
     */
    public List<String> problems() {
        return refusals().stream().map(AdapterFormatException::getMessage).toList();
    }

    /**
     * This weight when it fits the update.
     *
     * @throws AdapterFormatException naming the file, tensor and module, with the first of {@link #problems}
     */
    public ModuleWeight checked() {
        List<AdapterFormatException> refusals = refusals();
        if (!refusals.isEmpty()) {
            throw refusals.get(0);
        }
        return this;
    }

    private List<AdapterFormatException> refusals() {
        List<AdapterFormatException> out = new ArrayList<>();
        long[] expected = storedShape(spec);
        long[] shape = info.shape();
        if (!Arrays.equals(shape, expected)) {
            String hint = "";
            if (spec.kind() == ModuleKind.LINEAR
                    && shape.length == 2
                    && shape[0] == expected[1]
                    && shape[1] == expected[0]) {
                hint = spec.fanInFanOut()
                        ? " (the adapter says fan_in_fan_out: true, but the base stores [out, in])"
                        : " (the base stores [in, out], as GPT-2's Conv1D does, but the adapter says fan_in_fan_out: false)";
            }
            out.add(AdapterFormatException.tensor(
                    path(),
                    tensor(),
                    Arrays.toString(expected)
                            + (transposed() ? " (stored [in, out])" : "") + " for module '" + spec.name() + "' (update "
                            + spec.shapeString() + ")",
                    info.shapeString() + hint));
        }
        if (!info.dtype().isDecodable()) {
            out.add(AdapterFormatException.tensor(
                    path(),
                    tensor(),
                    "a floating-point weight (F32, F16, BF16 or F64) for " + "module '" + spec.name() + "'",
                    info.dtype().name()));
        }
        return out;
    }

    /**
     * The stored values, read lazily (by positional reads when asked for): {@code [out, in]} or, when
     * {@link #transposed}, {@code [in, out]}; a convolution's kernel flattened, {@code [out, in·kh·kw]}.
     *
     * @throws AdapterFormatException when the weight does not fit the update ({@link #checked})
     */
    public Tensor read() {
        checked();
        Tensor t = file.read(info);
        return spec.kind() == ModuleKind.CONV ? t.reshape(spec.out(), spec.in()) : t;
    }
}
