package org.loralgebra.stdlib;

import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.model.StoredModule;

/**
 * Independent SVD of a low-rank update {@code s·B·A} for tests on real (768-wide) adapters, where a dense Jacobi
 * SVD would be slow: Gram–Schmidt QR of B and of Aᵀ, then a Jacobi SVD of the small core {@code s·R_B·R_Aᵀ}.
 * The factors are read from the stored tensors; nothing goes through the library's backend.
 */
public record FactorSvd(Dense.M b, Dense.M a, double scale, DenseSvd svd) {
    /** Factors of a loaded adapter's module as stored. */
    public static FactorSvd of(Adapter loaded, String module) {
        StoredModule m = loaded.source().orElseThrow().read(module);
        Dense.M a = new Dense.M(m.spec().rank(), m.spec().in(), m.aMatrix().toDoubleArray());
        Dense.M b = new Dense.M(m.spec().out(), m.spec().rank(), m.bMatrix().toDoubleArray());
        return of(b, a, m.scale());
    }

    /**
     * The dense update s·B·A of a module of an adapter held as factors (loaded, or {@code eval()}-ed: evaluating
     * once and multiplying here is much cheaper than one {@code dense(module)} plan run per module).
     */
    public static Dense.M update(Adapter held, String module) {
        StoredModule m = held.source().orElseThrow().read(module);
        Dense.M a = new Dense.M(m.spec().rank(), m.spec().in(), m.aMatrix().toDoubleArray());
        Dense.M b = new Dense.M(m.spec().out(), m.spec().rank(), m.bMatrix().toDoubleArray());
        return Dense.scale(Dense.mul(b, a), m.scale());
    }

    public static FactorSvd of(Dense.M b, Dense.M a, double scale) {
        Dense.M qb = DenseSvd.orthonormalColumns(b);
        Dense.M qa = DenseSvd.orthonormalColumns(Dense.transpose(a));
        Dense.M rb = Dense.mul(Dense.transpose(qb), b);
        Dense.M ra = Dense.mul(Dense.transpose(qa), Dense.transpose(a));
        DenseSvd core = DenseSvd.of(Dense.scale(Dense.mul(rb, Dense.transpose(ra)), scale));
        return new FactorSvd(b, a, scale, new DenseSvd(Dense.mul(qb, core.u()), core.s(), Dense.mul(qa, core.v())));
    }

    /** The dense update s·B·A. */
    public Dense.M dense() {
        return Dense.scale(Dense.mul(b, a), scale);
    }

    /** Top-k left singular vectors. */
    public Dense.M left(int k) {
        return DenseSvd.firstColumns(svd.u(), Math.min(k, svd.u().cols()));
    }

    /** Top-k right singular vectors. */
    public Dense.M right(int k) {
        return DenseSvd.firstColumns(svd.v(), Math.min(k, svd.v().cols()));
    }
}
