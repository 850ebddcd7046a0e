package org.loralgebra.stdlib.bench;

import java.util.List;
import java.util.Optional;

/**
 * The work each benchmarked operation cannot avoid ({@link OpWork}), from the adapters' module shapes: a lower bound
 * that the operation's time is compared with, not a model of our implementation. F is one adapter file's bytes (every
 * input and the rank-r results are F32 files of about that size), and per module of shape out×in at rank r:
 *
 * <ul>
 *   <li>{@code load}: the file copied from the page cache into arrays, 2F bytes;
 *   <li>{@code spectrum}: F read; the Gram matrices BᵀB and AAᵀ, 2(out + in)r² flops (the r×r core SVDs are
 *       negligible);
 *   <li>{@code plus_truncate}: two inputs read and the result written, 3F; per side (m = out, in), the Gram matrix of
 *       the stacked m×2r factor and one product with it, 2m(2r)² + 2m·2r·r flops;
 *   <li>{@code ties_svd} (dense, all modules): three dense updates formed, 6r·out·in flops, each written and read once
 *       in F32 with the merged update, 32·out·in bytes; the top-k SVD by one randomized pass with l = 3k + 20 columns,
 *       4l·out·in flops;
 *   <li>{@code cluster}: four inputs read and the result written, 5F; k-means++ seeding and ten Lloyd iterations of
 *       4r rank units against k = r centroids of length out + in, 11·2·4r·r(out + in) flops (seeding counted as one more pass);
 *   <li>{@code project}: 3F bytes; the other's factored top-r left vectors and B − U(UᵀB), (10·out + 2·in)r² flops;
 *   <li>{@code route}: the 8 experts' factors read (8F) and, per module, the T×in tokens read and the T×out result
 *       written in F32; the gate, 2T·in·E flops, and each token through its top-2 experts, 2·2T·r(in + out) flops
 *       (T = 4096, E = 8);
 *   <li>{@code save}: the result's arrays read and written into the page cache, 2F (the sync to disk is the disk's
 *       limit, not memory's, and is not counted);
 *   <li>{@code bake} (all modules): each F16 base weight read and written, 4·out·in bytes, and the adapter read, F;
 *       the update s·B·A formed, 2r·out·in flops (the disk sync is not counted).
 * </ul>
 */
public final class WorkModel {
    /** Tokens per module in the {@code route} operation. */
    static final int ROUTE_TOKENS = 4096;
    /** Experts in the {@code route} operation. */
    static final int ROUTE_EXPERTS = 8;
    /** Experts each token goes through in the {@code route} operation. */
    static final int ROUTE_TOP_K = 2;

    private WorkModel() {}

    /**
     * The work of operation {@code op} on adapters with these module shapes at rank {@code rank} and files of
     * {@code fileBytes}; empty for an operation this model does not know.
     */
    public static Optional<OpWork> of(String op, List<SyntheticAdapters.Shape> modules, int rank, long fileBytes) {
        double f = fileBytes;
        double r = rank;
        double sumOutIn = 0;
        double sumOut = 0;
        double sumIn = 0;
        double sumArea = 0;
        for (SyntheticAdapters.Shape s : modules) {
            sumOutIn += s.out() + s.in();
            sumOut += s.out();
            sumIn += s.in();
            sumArea += (double) s.out() * s.in();
        }
        return Optional.ofNullable(
                switch (op) {
                    case "load" -> new OpWork(2 * f, 0, "file copied from the page cache: 2F");
                    case "spectrum" -> new OpWork(f, 2 * sumOutIn * r * r, "F read; Gram matrices 2(out+in)r²");
                    case "plus_truncate" ->
                        new OpWork(
                                3 * f,
                                sumOutIn * (2 * 4 * r * r + 4 * r * r),
                                "3F; stacked Gram + one product per side");
                    case "ties_svd" -> {
                        double l = 3 * r + 20;
                        yield new OpWork(
                                32 * sumArea,
                                (6 * r + 4 * l) * sumArea,
                                "3 dense updates + merge in F32; 6r·out·in + one randomized pass 4l·out·in");
                    }
                    case "cluster" -> new OpWork(5 * f, 11 * 2 * 4 * r * r * sumOutIn, "5F; k-means++ + 10 Lloyd");
                    case "project" ->
                        new OpWork(
                                3 * f, (10 * sumOut + 2 * sumIn) * r * r, "3F; factored top-r vectors and B − U(UᵀB)");
                    case "route" ->
                        new OpWork(
                                ROUTE_EXPERTS * f + 4.0 * ROUTE_TOKENS * sumOutIn,
                                2.0 * ROUTE_TOKENS * sumIn * ROUTE_EXPERTS
                                        + 2.0 * ROUTE_TOP_K * ROUTE_TOKENS * r * sumOutIn,
                                "8F + tokens in/out; gate + top-2 experts");
                    case "save" -> new OpWork(2 * f, 0, "result copied into the page cache: 2F (no disk sync)");
                    case "bake" ->
                        new OpWork(
                                4 * sumArea + f,
                                2 * r * sumArea,
                                "F16 weights read and written 4·out·in + F; s·B·A 2r·out·in (no disk sync)");
                    default -> null;
                });
    }
}
