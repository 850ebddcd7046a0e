package org.loralgebra.hub;

/** What an {@link AdapterProfile} carries besides its numbers: what the analysis that reads it needs. */
public enum ProfilePayload {
    /** Numbers only (shapes, norms, singular values): {@code stats}. */
    NUMBERS,
    /** Also each module's thin SVD, U, S and V: {@code similarity}. */
    SVD,
    /** Also each module's factors B and A: {@code cluster}. */
    FACTORS
}
