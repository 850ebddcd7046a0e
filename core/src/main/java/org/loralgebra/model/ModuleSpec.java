package org.loralgebra.model;

import java.util.Arrays;
import org.loralgebra.tensor.DType;

/**
 * The type of one module of an adapter: its name as users write it, its kind, the shape {@code [out, in]} of
 * its update {@code ΔW = scale·B·A}, the rank of its factors, and the storage dtype.
 *
 * <p>For a computed adapter the rank is an upper bound ({@code truncate(Rank.energy(..))} decides the rank
 * from the data). {@code kernel} holds the spatial dims {@code [kh, kw]} of a convolution ({@code [k]} for a
 * 1-d one; empty otherwise; {@code in} then counts {@code in_channels·kh·kw}). {@code fanInFanOut} says the base model stores this
 * weight as {@code [in, out]} (GPT-2's Conv1D). {@code dora} says the module carries a DoRA magnitude vector,
 * and {@code loraBias} a {@code lora_B.bias}: state that only load, select and save carry through.
 */
public record ModuleSpec(
        String name,
        ModuleKind kind,
        int out,
        int in,
        int rank,
        DType dtype,
        long[] kernel,
        boolean fanInFanOut,
        boolean dora,
        boolean loraBias) {
    public ModuleSpec {
        kernel = kernel.clone();
        if (out <= 0 || in <= 0 || rank < 0) {
            throw new IllegalArgumentException("module '" + name
                    + "': out, in must be positive and rank non-negative, got [" + out + ", " + in + "] rank " + rank);
        }
    }

    /** A plain linear module. */
    public static ModuleSpec linear(String name, int out, int in, int rank, DType dtype) {
        return new ModuleSpec(name, ModuleKind.LINEAR, out, in, rank, dtype, new long[0], false, false, false);
    }

    @Override
    public long[] kernel() {
        return kernel.clone();
    }

    /** The same module with another rank. */
    public ModuleSpec withRank(int newRank) {
        return newRank == rank
                ? this
                : new ModuleSpec(name, kind, out, in, newRank, dtype, kernel, fanInFanOut, dora, loraBias);
    }

    /** The same module without DoRA magnitude or LoRA bias state. */
    public ModuleSpec lowRankOnly() {
        return !dora && !loraBias
                ? this
                : new ModuleSpec(name, kind, out, in, rank, dtype, kernel, fanInFanOut, false, false);
    }

    /** Whether the module carries state beyond its low-rank factors (DoRA magnitude, LoRA bias). */
    public boolean hasExtraState() {
        return dora || loraBias;
    }

    /** Whether {@code other} updates a weight of the same kind and shape (ranks may differ). */
    public boolean sameShape(ModuleSpec other) {
        return out == other.out && in == other.in && kind == other.kind && Arrays.equals(kernel, other.kernel);
    }

    /** The update's shape, {@code [out, in]} (with the kernel for convolutions). */
    public String shapeString() {
        if (kind == ModuleKind.CONV) {
            StringBuilder sb = new StringBuilder("[").append(out).append(", ").append(in / kernelSize());
            for (long k : kernel) {
                sb.append(", ").append(k);
            }
            return sb.append(']').toString();
        }
        return "[" + out + ", " + in + "]";
    }

    /** The number of kernel positions, {@code kh·kw} (1 when there is no kernel). */
    public long kernelSize() {
        long n = 1;
        for (long k : kernel) {
            n *= k;
        }
        return n;
    }

    /** Parameters held by the factors: {@code rank·(out + in)}. */
    public long parameterCount() {
        return (long) rank * (out + in);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModuleSpec m
                && name.equals(m.name)
                && kind == m.kind
                && out == m.out
                && in == m.in
                && rank == m.rank
                && dtype == m.dtype
                && Arrays.equals(kernel, m.kernel)
                && fanInFanOut == m.fanInFanOut
                && dora == m.dora
                && loraBias == m.loraBias;
    }

    @Override
    public int hashCode() {
        return ((name.hashCode() * 31 + out) * 31 + in) * 31 + rank;
    }

    @Override
    public String toString() {
        return name + " " + shapeString() + " r=" + rank;
    }
}
