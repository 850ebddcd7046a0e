package org.loralgebra.io;

import java.util.List;
import java.util.function.Function;
import org.loralgebra.io.safetensors.TensorInfo;
import org.loralgebra.tensor.Tensor;

/**
 * Where one module's low-rank factors come from: two stored tensors read as they are ({@link Stored}, plain
 * LoRA), or factors computed when the module is read from several stored tensors ({@link Computed}: the exact
 * LoRA form {@code ΔW = B·A} of a LoHa, LoKr, AdaLoRA, VeRA or Tucker module).
 */
public sealed interface FactorSource permits FactorSource.Stored, FactorSource.Computed {
    /** The stored tensors the factors are made of, in the format's own order. */
    List<TensorInfo> tensors();

    /** The name of the stored form: {@code lora}, {@code loha}, {@code lokr}, {@code adalora}, {@code vera}, … */
    String form();

    /** The stored form's own rank parameter (LoRA's r, the r of each LoHa Hadamard factor, AdaLoRA's kept r, …). */
    int sourceRank();

    /** A short description for people: the form, its ranks and the rank of its exact LoRA form. */
    String summary();

    /** Plain LoRA: {@code A} and {@code B} read straight from the file, never copied through an intermediate. */
    record Stored(TensorInfo a, TensorInfo b) implements FactorSource {
        @Override
        public List<TensorInfo> tensors() {
            return List.of(a, b);
        }

        @Override
        public String form() {
            return "lora";
        }

        @Override
        public int sourceRank() {
            return a.rank() == 0 ? 0 : (int) a.dim(0);
        }

        @Override
        public String summary() {
            return "LoRA r=" + sourceRank();
        }
    }

    /**
     * Factors computed from several stored tensors when the module is read, exactly (each entry of the factors is a
     * product of stored values, or for Tucker cores a sum of such products, evaluated in double precision).
     */
    non-sealed interface Computed extends FactorSource {
        /**
         * The factors {@code A [rank, in]} and {@code B [out, rank]} as 2-D tensors, from the stored tensors as
         * {@code read} gives them, in a dtype that holds them exactly (F64, or F32 for products of F16 values).
         */
        Factors compute(Function<TensorInfo, Tensor> read);
    }

    /** Computed factors: {@code a} is {@code [rank, in]}, {@code b} is {@code [out, rank]}. */
    record Factors(Tensor a, Tensor b) {}
}
