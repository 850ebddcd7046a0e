package org.loralgebra.io;

import java.util.Arrays;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.StoredModule;
import org.loralgebra.tensor.Tensor;

/**
 * The tensor shapes a module's spec calls for, checked before a sink writes them: {@code A [r, in]} and
 * {@code B [out, r]}; for a convolution {@code A [r, in/(kh·kw), kh, kw]} and {@code B [out, r, 1, 1]}; DoRA
 * magnitude and LoRA bias with {@code out} values.
 */
public final class ModuleShapes {
    private ModuleShapes() {}

    /** The shape {@code lora_A} must have. */
    public static long[] a(ModuleSpec s) {
        if (s.kind() != ModuleKind.CONV) {
            return new long[] {s.rank(), s.in()};
        }
        long[] k = s.kernel();
        long[] shape = new long[2 + k.length];
        shape[0] = s.rank();
        shape[1] = s.in() / s.kernelSize();
        System.arraycopy(k, 0, shape, 2, k.length);
        return shape;
    }

    /** The shape {@code lora_B} must have. */
    public static long[] b(ModuleSpec s) {
        if (s.kind() != ModuleKind.CONV) {
            return new long[] {s.out(), s.rank()};
        }
        long[] shape = new long[2 + s.kernel().length];
        Arrays.fill(shape, 1);
        shape[0] = s.out();
        shape[1] = s.rank();
        return shape;
    }

    /**
     * Checks that {@code m}'s tensors have the shapes its spec calls for.
     *
     * @throws IllegalArgumentException naming the module, the tensor, the expected and the found shape
     */
    public static void check(StoredModule m) {
        ModuleSpec s = m.spec();
        expect(s, "lora_A", a(s), m.a());
        expect(s, "lora_B", b(s), m.b());
        m.magnitude().ifPresent(t -> expectCount(s, "DoRA magnitude", t));
        m.loraBias().ifPresent(t -> expectCount(s, "lora_B bias", t));
        if (m.magnitude().isPresent() != s.dora() || m.loraBias().isPresent() != s.loraBias()) {
            throw new IllegalArgumentException("module '" + s.name() + "': its spec says DoRA " + s.dora()
                    + ", LoRA bias "
                    + s.loraBias() + ", but it carries " + (m.magnitude().isPresent() ? "a" : "no") + " magnitude and "
                    + (m.loraBias().isPresent() ? "a" : "no") + " bias");
        }
    }

    private static void expect(ModuleSpec s, String what, long[] expected, Tensor found) {
        if (!Arrays.equals(expected, found.shape())) {
            throw new IllegalArgumentException(
                    "module '" + s.name() + "' (" + s.kind() + " " + s.shapeString() + ", rank "
                            + s.rank() + "): expected " + what + " of shape " + Arrays.toString(expected) + ", found "
                            + Arrays.toString(found.shape()));
        }
    }

    private static void expectCount(ModuleSpec s, String what, Tensor found) {
        if (found.numel() != s.out()) {
            throw new IllegalArgumentException("module '" + s.name() + "': expected a " + what + " of " + s.out()
                    + " values (one per output), found shape " + Arrays.toString(found.shape()));
        }
    }
}
