package org.loralgebra.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.exec.ExecutionOptions;
import org.loralgebra.io.format.Formats;
import org.loralgebra.io.safetensors.SafetensorsWriter;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.lang.Precision;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * Hand-built adapter files for the format tests: seeded tensors written with the project's {@link SafetensorsWriter},
 * the dense update of a module through the evaluation path in double precision, and the malformed-input check.
 */
public final class FormatFixtures {
    private FormatFixtures() {}

    /** An F32 tensor of seeded values uniform in [-1, 1). */
    public static Tensor rand(long seed, long... shape) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] v = new double[(int) Tensor.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextDouble() * 2 - 1;
        }
        return Tensor.ofDoubles(DType.F32, shape, v);
    }

    /** An F32 tensor of {@code values}. */
    public static Tensor f32(long[] shape, double... values) {
        return Tensor.ofDoubles(DType.F32, shape, values);
    }

    /** A scalar F32 tensor. */
    public static Tensor scalar(double value) {
        return f32(new long[0], value);
    }

    /** Name, tensor, name, tensor, … in file order. */
    public static Map<String, Tensor> tensors(Object... nameThenTensor) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < nameThenTensor.length; i += 2) {
            out.put((String) nameThenTensor[i], (Tensor) nameThenTensor[i + 1]);
        }
        return out;
    }

    /** Writes a safetensors file with the project's writer, creating folders. */
    public static Path write(Path file, Map<String, String> metadata, Map<String, Tensor> tensors) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SafetensorsWriter.write(file, metadata, tensors);
        return file;
    }

    /** The values of a tensor, in double. */
    public static double[] values(Tensor t) {
        return t.toDoubleArray();
    }

    /** {@code adapter.dense(module)} computed by the engine in F64. */
    public static Dense.M denseF64(Adapter adapter, String module) {
        ExecutionOptions before = Lora.options();
        Lora.configure(before.withPrecision(Precision.F64));
        try {
            return Dense.M.of(adapter.dense(module));
        } finally {
            Lora.configure(before);
        }
    }

    /** max |a − b| / max |b| (0 when equal), checking shapes first. */
    public static double relError(Dense.M found, Dense.M expected) {
        assertEquals(expected.rows() + "x" + expected.cols(), found.rows() + "x" + found.cols(), "shape of the update");
        return Dense.relError(found, expected);
    }

    /** Asserts that the update of {@code module} equals {@code expected} to {@code tol}, with the error in the message. */
    public static void assertUpdate(Adapter adapter, String module, Dense.M expected, double tol) {
        double err = relError(denseF64(adapter, module), expected);
        assertTrue(err <= tol, module + ": relative error of ΔW " + err + " (tolerance " + tol + ")");
    }

    /**
     * Asserts that opening {@code path} is refused with an {@link AdapterFormatException} whose one-line message starts with
     * the file, names {@code tensor} (when given) and holds every fragment; the input is unchanged.
     */
    public static AdapterFormatException assertRefused(Path path, String tensor, String... fragments) {
        String before = TestFiles.checksum(path);
        AdapterFormatException e =
                assertThrows(AdapterFormatException.class, () -> Formats.open(path, LoadOptions.defaults()));
        String m = e.getMessage();
        assertTrue(m.startsWith(path.toString()), "names the file: " + m);
        if (tensor != null) {
            assertTrue(m.contains("tensor '" + tensor + "'"), "names the tensor '" + tensor + "': " + m);
        }
        for (String f : fragments) {
            assertTrue(m.contains(f), "'" + f + "' in: " + m);
        }
        assertEquals(1, m.lines().count(), "one line: " + m);
        assertEquals(before, TestFiles.checksum(path), "the input is unchanged");
        return e;
    }

    /** Row-major values of a matrix, for messages. */
    public static String brief(double[] v) {
        return Arrays.toString(Arrays.copyOf(v, Math.min(4, v.length)));
    }
}
