package org.loralgebra.hub;

import java.io.Serializable;

/**
 * What the hub keeps of one module of one adapter: its shape, rank, scale and factor norms, whether B is all zero and
 * whether a factor holds a NaN or an infinity, the singular values of {@code scale·B·A} (exactly what
 * {@code lora spectrum} prints; null when non-finite), and, by {@link ProfilePayload}, its thin SVD ({@code u} [out, k]
 * and {@code v} [in, k] row-major, {@code s}) or its factors ({@code b} [out, r], {@code a} [r, in] row-major).
 * Arrays are shared, not copied: a profile is built once and read. Matrices are kept in float32, the precision the
 * default backend computes them in (so nothing is rounded), which halves what travels between executors.
 *
 * @param module         the module's name, as {@code lora spectrum} names it
 * @param out            out-features
 * @param in             in-features
 * @param rank           r
 * @param scale          the update's scale (alpha/r)
 * @param normB          ‖B‖_F
 * @param normA          ‖A‖_F
 * @param zeroB          whether every entry of B is zero
 * @param nonFinite      whether B or A holds a NaN or an infinity
 * @param singularValues σ of scale·B·A, descending; null when non-finite
 * @param u              U of the thin SVD, or null
 * @param s              S of the thin SVD, or null
 * @param v              V of the thin SVD, or null
 * @param b              B, or null
 * @param a              A, or null
 */
public record ModuleProfile(
        String module,
        int out,
        int in,
        int rank,
        double scale,
        double normB,
        double normA,
        boolean zeroB,
        boolean nonFinite,
        double[] singularValues,
        float[] u,
        double[] s,
        float[] v,
        float[] b,
        float[] a)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Whether the thin SVD is held. */
    public boolean hasSvd() {
        return s != null;
    }

    /** Whether the factors are held. */
    public boolean hasFactors() {
        return b != null;
    }

    /** The number of singular triplets held (0 without an SVD). */
    public int svdSize() {
        return s == null ? 0 : s.length;
    }
}
