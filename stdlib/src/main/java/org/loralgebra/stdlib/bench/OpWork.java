package org.loralgebra.stdlib.bench;

/**
 * The work an operation cannot avoid, for its distance from the physical limit: the bytes it must move through memory
 * (each input byte read once, each output byte written once; a copy from the page cache counts its read and its write)
 * and the floating-point operations of the products its algorithm needs. How each operation's figures are derived is
 * in {@link WorkModel}.
 *
 * @param bytes bytes moved through memory, read plus write
 * @param flops floating-point operations (a multiply-add is two)
 * @param basis one line saying what was counted
 */
public record OpWork(double bytes, double flops, String basis) {
    public OpWork {
        if (bytes < 0 || flops < 0) {
            throw new IllegalArgumentException(
                    "work must be non-negative, got " + bytes + " bytes, " + flops + " flops");
        }
    }
}
