package org.loralgebra.io.lycoris;

import static org.loralgebra.io.lycoris.LycorisKeys.Part.HADA_T1;
import static org.loralgebra.io.lycoris.LycorisKeys.Part.HADA_T2;
import static org.loralgebra.io.lycoris.LycorisKeys.Part.HADA_W1_A;
import static org.loralgebra.io.lycoris.LycorisKeys.Part.HADA_W1_B;
import static org.loralgebra.io.lycoris.LycorisKeys.Part.HADA_W2_A;
import static org.loralgebra.io.lycoris.LycorisKeys.Part.HADA_W2_B;
import static org.loralgebra.io.lycoris.LycorisKeys.Part.LOKR_T2;
import static org.loralgebra.io.lycoris.LycorisKeys.Part.LOKR_W1;
import static org.loralgebra.io.lycoris.LycorisKeys.Part.LOKR_W1_A;
import static org.loralgebra.io.lycoris.LycorisKeys.Part.LOKR_W1_B;
import static org.loralgebra.io.lycoris.LycorisKeys.Part.LOKR_W2;
import static org.loralgebra.io.lycoris.LycorisKeys.Part.LOKR_W2_A;
import static org.loralgebra.io.lycoris.LycorisKeys.Part.LOKR_W2_B;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.loralgebra.io.FactorSource;
import org.loralgebra.io.factor.ExactDtype;
import org.loralgebra.io.factor.HadamardFactors;
import org.loralgebra.io.factor.KroneckerFactors;
import org.loralgebra.io.factor.Term;
import org.loralgebra.io.lycoris.LycorisKeys.Part;
import org.loralgebra.io.safetensors.DecodableTensors;
import org.loralgebra.io.safetensors.TensorInfo;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.model.ModuleKind;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.tensor.DType;

/**
 * LoHa and LoKr modules from their stored tensors, checked shape by shape, in their exact LoRA forms — for LyCORIS
 * files and PEFT's LoHa / LoKr folders alike (the same tensors under the same names; only where alpha and r come from
 * differs, so the scale is the caller's).
 *
 * <p>Shapes, as LyCORIS ({@code lycoris/modules/loha.py}, {@code lokr.py}) and PEFT ({@code tuners/loha},
 * {@code tuners/lokr}) create them: LoHa {@code hada_wN_a [out, r]}, {@code hada_wN_b [r, in]} (a convolution's
 * kernel flattened into {@code in}), or with Tucker cores {@code hada_tN [r, r, kh, kw]}, {@code hada_wN_a [r, out]},
 * {@code hada_wN_b [r, c]}; LoKr {@code lokr_w1 [a₁, b₁]} or {@code lokr_w1_a [a₁, r]}·{@code lokr_w1_b [r, b₁]}, and
 * {@code lokr_w2 [a₂, b₂(, kh, kw)]}, or {@code lokr_w2_a [a₂, r]}·{@code lokr_w2_b [r, b₂…]}, or with a Tucker core
 * {@code lokr_t2 [r, r, kh, kw]}, {@code lokr_w2_a [r, a₂]}, {@code lokr_w2_b [r, b₂]}; the update is {@code [a₁a₂, b₁b₂…]}.
 */
public final class LycorisModules {
    /**
     * One module read: its spec (the rank is the exact LoRA form's), its factors, the rank r its alpha is divided by
     * (LyCORIS: {@code hada_w1_b}'s rows; LoKr: the rows of the first split {@code _b} factor) and whether both LoKr
     * factors are stored whole (LyCORIS then ignores alpha: scale 1).
     */
    public record Read(ModuleSpec spec, FactorSource factors, int alphaRank, boolean wholeKronecker) {}

    private LycorisModules() {}

    /**
     * A LoHa module {@code (w1a·w1b) ⊙ (w2a·w2b)} (unscaled).
     *
     * @param keyBase the keys' common prefix ({@code <prefix><module>}), to name missing tensors
     * @throws AdapterFormatException naming the file, tensor and module when a tensor is missing or misshapen
     */
    public static Read loha(Path file, String keyBase, String module, Map<Part, TensorInfo> parts) {
        boolean tucker = parts.containsKey(HADA_T1) || parts.containsKey(HADA_T2);
        require(
                file,
                keyBase,
                module,
                parts,
                tucker
                        ? List.of(HADA_W1_A, HADA_W1_B, HADA_W2_A, HADA_W2_B, HADA_T1, HADA_T2)
                        : List.of(HADA_W1_A, HADA_W1_B, HADA_W2_A, HADA_W2_B));
        Term first = tucker
                ? tucker(file, module, parts.get(HADA_T1), parts.get(HADA_W1_A), parts.get(HADA_W1_B))
                : split(file, module, parts.get(HADA_W1_A), parts.get(HADA_W1_B));
        Term second = tucker
                ? tucker(file, module, parts.get(HADA_T2), parts.get(HADA_W2_A), parts.get(HADA_W2_B))
                : split(file, module, parts.get(HADA_W2_A), parts.get(HADA_W2_B));
        if (first.out() != second.out()
                || first.in() != second.in()
                || !Arrays.equals(first.kernel(), second.kernel())) {
            TensorInfo w2a = parts.get(HADA_W2_A);
            throw AdapterFormatException.tensor(
                    file,
                    w2a.name(),
                    "a second Hadamard factor of the first one's shape " + shape(first) + " (module '" + module + "')",
                    "one of shape " + shape(second));
        }
        HadamardFactors f = HadamardFactors.of("loha", first.rank(), first, second);
        long[] kernel = tucker ? first.kernel() : trailing(parts.get(HADA_W1_B));
        ModuleSpec spec = spec(
                file, parts.get(HADA_W1_A), module, f.out(), f.in(), f.rank(), ExactDtype.stored(f.tensors()), kernel);
        return new Read(spec, f, (int) parts.get(HADA_W1_B).dim(0), false);
    }

    /**
     * A LoKr module {@code W₁ ⊗ W₂} (unscaled).
     *
     * @throws AdapterFormatException naming the file, tensor and module when a tensor is missing, doubled or misshapen
     */
    public static Read lokr(Path file, String keyBase, String module, Map<Part, TensorInfo> parts) {
        Term first;
        if (parts.containsKey(LOKR_W1)) {
            exclusive(file, module, parts, LOKR_W1, List.of(LOKR_W1_A, LOKR_W1_B));
            first = full(file, module, parts.get(LOKR_W1));
            if (parts.get(LOKR_W1).rank() != 2) {
                throw AdapterFormatException.tensor(
                        file,
                        parts.get(LOKR_W1).name(),
                        "a matrix [a, b] (the first Kronecker " + "factor of module '" + module + "')",
                        "shape " + parts.get(LOKR_W1).shapeString());
            }
        } else {
            require(file, keyBase, module, parts, List.of(LOKR_W1_A, LOKR_W1_B));
            first = split(file, module, parts.get(LOKR_W1_A), parts.get(LOKR_W1_B));
            if (parts.get(LOKR_W1_B).rank() != 2) {
                throw AdapterFormatException.tensor(
                        file,
                        parts.get(LOKR_W1_B).name(),
                        "a matrix [r, b] (module '" + module + "')",
                        "shape " + parts.get(LOKR_W1_B).shapeString());
            }
        }
        Term second;
        if (parts.containsKey(LOKR_W2)) {
            exclusive(file, module, parts, LOKR_W2, List.of(LOKR_W2_A, LOKR_W2_B, LOKR_T2));
            second = full(file, module, parts.get(LOKR_W2));
        } else if (parts.containsKey(LOKR_T2)) {
            require(file, keyBase, module, parts, List.of(LOKR_W2_A, LOKR_W2_B, LOKR_T2));
            second = tucker(file, module, parts.get(LOKR_T2), parts.get(LOKR_W2_A), parts.get(LOKR_W2_B));
        } else {
            require(file, keyBase, module, parts, List.of(LOKR_W2_A, LOKR_W2_B));
            second = split(file, module, parts.get(LOKR_W2_A), parts.get(LOKR_W2_B));
        }
        boolean firstWhole = parts.containsKey(LOKR_W1);
        boolean secondWhole = parts.containsKey(LOKR_W2);
        int alphaRank = !firstWhole
                ? (int) parts.get(LOKR_W1_B).dim(0)
                : !secondWhole ? (int) parts.get(LOKR_W2_B).dim(0) : 0;
        KroneckerFactors f = KroneckerFactors.of(
                "lokr", firstWhole && secondWhole ? first.rank() * second.rank() : alphaRank, first, second);
        long out = (long) first.out() * second.out();
        long in = (long) first.in() * second.in();
        long[] kernel = parts.containsKey(LOKR_W2)
                ? trailing(parts.get(LOKR_W2))
                : parts.containsKey(LOKR_T2) ? trailing(parts.get(LOKR_T2)) : trailing(parts.get(LOKR_W2_B));
        TensorInfo named = firstWhole ? parts.get(LOKR_W1) : parts.get(LOKR_W1_A);
        ModuleSpec spec = spec(
                file,
                named,
                module,
                out,
                in,
                (long) first.rank() * second.rank(),
                ExactDtype.stored(f.tensors()),
                kernel);
        return new Read(spec, f, alphaRank, firstWhole && secondWhole);
    }

    /** {@code b·a}, with {@code b [out, r]} and {@code a [r, in…]}. */
    private static Term split(Path file, String module, TensorInfo b, TensorInfo a) {
        DecodableTensors.require(file, module, b, a);
        if (b.rank() != 2) {
            throw AdapterFormatException.tensor(
                    file, b.name(), "a matrix [out, r] (module '" + module + "')", "shape " + b.shapeString());
        }
        if (a.rank() < 2 || a.dim(0) != b.dim(1)) {
            throw AdapterFormatException.tensor(
                    file,
                    a.name(),
                    "[r, in] with r = " + b.dim(1) + ", the columns of '" + b.name() + "' " + b.shapeString()
                            + " (module '" + module + "')",
                    "shape " + a.shapeString());
        }
        nonEmpty(file, module, b, a);
        return Term.split(b, a);
    }

    private static Term full(Path file, String module, TensorInfo w) {
        DecodableTensors.require(file, module, w);
        if (w.rank() < 2) {
            throw AdapterFormatException.tensor(
                    file,
                    w.name(),
                    "a matrix or kernel [out, in…] (module '" + module + "')",
                    "shape " + w.shapeString());
        }
        nonEmpty(file, module, w);
        return Term.full(w);
    }

    /** The Tucker form {@code t [r₁, r₂, k…]}, {@code u [r₁, out]}, {@code v [r₂, c]}. */
    private static Term tucker(Path file, String module, TensorInfo t, TensorInfo u, TensorInfo v) {
        DecodableTensors.require(file, module, t, u, v);
        if (t.rank() < 3) {
            throw AdapterFormatException.tensor(
                    file,
                    t.name(),
                    "a Tucker core [r, r, kh, kw] (module '" + module + "')",
                    "shape " + t.shapeString());
        }
        if (u.rank() != 2 || u.dim(0) != t.dim(0)) {
            throw AdapterFormatException.tensor(
                    file,
                    u.name(),
                    "[r, out] with r = " + t.dim(0) + ", the first dim of the " + "Tucker core '" + t.name() + "' "
                            + t.shapeString() + " (module '" + module + "')",
                    "shape " + u.shapeString());
        }
        if (v.rank() != 2 || v.dim(0) != t.dim(1)) {
            throw AdapterFormatException.tensor(
                    file,
                    v.name(),
                    "[r, in] with r = " + t.dim(1) + ", the second dim of the " + "Tucker core '" + t.name() + "' "
                            + t.shapeString() + " (module '" + module + "')",
                    "shape " + v.shapeString());
        }
        nonEmpty(file, module, t, u, v);
        return Term.tucker(t, u, v);
    }

    /** Checks that every one of {@code needed} is present, naming a present tensor and the missing one. */
    static void require(Path file, String keyBase, String module, Map<Part, TensorInfo> parts, List<Part> needed) {
        for (Part p : needed) {
            if (!parts.containsKey(p)) {
                TensorInfo have = parts.values().stream()
                        .filter(t -> !t.name().endsWith(Part.ALPHA.suffix()))
                        .findFirst()
                        .orElse(parts.values().iterator().next());
                throw AdapterFormatException.tensor(
                        file,
                        have.name(),
                        "its partner '" + LycorisKeys.key(keyBase, p) + "' for module '" + module + "'",
                        "no such tensor");
            }
        }
    }

    private static void exclusive(Path file, String module, Map<Part, TensorInfo> parts, Part whole, List<Part> split) {
        for (Part p : split) {
            if (parts.containsKey(p)) {
                throw AdapterFormatException.tensor(
                        file,
                        parts.get(p).name(),
                        "either '" + parts.get(whole).name()
                                + "' (the factor stored whole) or its split or Tucker parts for module '" + module
                                + "'",
                        "both");
            }
        }
    }

    private static void nonEmpty(Path file, String module, TensorInfo... tensors) {
        for (TensorInfo t : tensors) {
            if (Arrays.stream(t.shape()).anyMatch(d -> d == 0)) {
                throw AdapterFormatException.tensor(
                        file, t.name(), "a non-empty factor for module '" + module + "'", "shape " + t.shapeString());
            }
        }
    }

    /** The spec of an update {@code out × in} (a kernel flattened in) of the exact form's rank. */
    static ModuleSpec spec(
            Path file, TensorInfo named, String module, long out, long in, long rank, DType dtype, long[] kernel) {
        if (out > Integer.MAX_VALUE || in > Integer.MAX_VALUE || rank > Integer.MAX_VALUE) {
            throw AdapterFormatException.tensor(
                    file,
                    named.name(),
                    "an update of at most 2³¹ − 1 rows, columns and rank " + "(module '" + module + "')",
                    out + " x " + in + " of rank " + rank);
        }
        return new ModuleSpec(
                module,
                kernel.length == 0 ? ModuleKind.LINEAR : ModuleKind.CONV,
                (int) out,
                (int) in,
                (int) rank,
                dtype,
                kernel,
                false,
                false,
                false);
    }

    private static long[] trailing(TensorInfo t) {
        return Arrays.copyOfRange(t.shape(), Math.min(2, t.rank()), t.rank());
    }

    private static String shape(Term t) {
        List<String> dims = new ArrayList<>(List.of(Integer.toString(t.out()), Integer.toString(t.in())));
        long[] k = t.kernel();
        return dims + (k.length == 0 ? "" : " (kernel " + Arrays.toString(k) + ")");
    }
}
