package org.loralgebra.stdlib.merge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.loralgebra.Dense;
import org.loralgebra.stdlib.random.SplitMix64;

/**
 * Dense double-precision references of the 2025 spectral merges, written from the algorithm notes (MERGING.md
 * §1–§4, §6) as the reference repositories compute them: on the dense updates ΔWₜ = cₜBₜAₜ, with dense SVDs
 * ({@link DenseSvd}), with the LoRA definitions the library documents (kₜ = rank of ΔWₜ for TSV, spectra restricted
 * to the numerical rank for Iso). Shares no code with the library except the documented random stream of DARE.
 */
final class SpectralReference {
    private SpectralReference() {}

    /** One task of one module: B (with cₜ folded in), A. */
    record Task(Dense.M b, Dense.M a) {
        Dense.M update() {
            return Dense.mul(b, a);
        }
    }

    static int totalRank(List<Task> ts) {
        return ts.stream().mapToInt(t -> t.a().rows()).sum();
    }

    static Dense.M sum(List<Task> ts) {
        Dense.M s = Dense.zeros(ts.get(0).b().rows(), ts.get(0).a().cols());
        for (Task t : ts) {
            s = Dense.add(s, t.update(), 1);
        }
        return s;
    }

    static Dense.M hcat(List<Dense.M> ms) {
        int rows = ms.get(0).rows();
        int cols = ms.stream().mapToInt(Dense.M::cols).sum();
        double[] v = new double[rows * cols];
        int off = 0;
        for (Dense.M m : ms) {
            for (int i = 0; i < rows; i++) {
                System.arraycopy(m.v(), i * m.cols(), v, i * cols + off, m.cols());
            }
            off += m.cols();
        }
        return new Dense.M(rows, cols, v);
    }

    /** σ̄·U·Vᵀ over the numerical rank. */
    static Dense.M isotropize(Dense.M x) {
        DenseSvd d = DenseSvd.of(x);
        int k = d.rank();
        if (k == 0) {
            return Dense.zeros(x.rows(), x.cols());
        }
        double mean = Arrays.stream(d.s(), 0, k).average().orElse(0);
        return Dense.scale(Dense.mul(DenseSvd.columns(d.u(), k), Dense.transpose(DenseSvd.columns(d.v(), k))), mean);
    }

    /** Flips columns so that each one's entry of largest magnitude is positive (first on ties); returns the signs. */
    static double[] canonical(Dense.M x) {
        double[] sign = new double[x.cols()];
        for (int j = 0; j < x.cols(); j++) {
            double best = -1;
            double at = 1;
            for (int i = 0; i < x.rows(); i++) {
                if (Math.abs(x.get(i, j)) > best) {
                    best = Math.abs(x.get(i, j));
                    at = x.get(i, j);
                }
            }
            sign[j] = at < 0 ? -1 : 1;
            for (int i = 0; i < x.rows(); i++) {
                x.v()[i * x.cols() + j] *= sign[j];
            }
        }
        return sign;
    }

    /** A group of singular triplets: U, σ, V. */
    record Triplets(Dense.M u, double[] s, Dense.M v) {
        static Triplets top(Dense.M x, int k) {
            DenseSvd d = DenseSvd.of(x);
            int keep = Math.min(k, d.rank());
            return new Triplets(
                    DenseSvd.columns(d.u(), keep), Arrays.copyOf(d.s(), keep), DenseSvd.columns(d.v(), keep));
        }
    }

    /** polar(U*)·diag(σ*)·polar(V*)ᵀ (σ* replaced by its mean when isotropic). */
    static Dense.M orthogonalized(List<Triplets> parts, boolean isotropic) {
        List<Dense.M> us = new ArrayList<>();
        List<Dense.M> vs = new ArrayList<>();
        List<Double> sigma = new ArrayList<>();
        for (Triplets t : parts) {
            if (t.s().length > 0) {
                us.add(t.u());
                vs.add(t.v());
                Arrays.stream(t.s()).forEach(sigma::add);
            }
        }
        double[] s = sigma.stream().mapToDouble(Double::doubleValue).toArray();
        if (isotropic) {
            Arrays.fill(s, Arrays.stream(s).average().orElse(0));
        }
        Dense.M pu = DenseSvd.polar(hcat(us));
        Dense.M pv = DenseSvd.polar(hcat(vs));
        double[] scaled = pu.v().clone();
        for (int i = 0; i < pu.rows(); i++) {
            for (int j = 0; j < pu.cols(); j++) {
                scaled[i * pu.cols() + j] *= s[j];
            }
        }
        return Dense.mul(new Dense.M(pu.rows(), pu.cols(), scaled), Dense.transpose(pv));
    }

    /** TSV-Merge with kₜ = rank(ΔWₜ): each task's nonzero triplets, orthogonalized together. */
    static Dense.M tsv(List<Task> ts) {
        List<Triplets> parts = new ArrayList<>();
        for (Task t : ts) {
            parts.add(Triplets.top(t.update(), Integer.MAX_VALUE));
        }
        return orthogonalized(parts, false);
    }

    /** CART: mean + λ·Σ trunc_k(ΔWₜ − mean), k = ⌈ρR⌉ capped at min(m, n, R). */
    static Dense.M cart(List<Task> ts, double rho, double lambda) {
        int r = totalRank(ts);
        Dense.M mean = Dense.scale(sum(ts), 1.0 / ts.size());
        int m = mean.rows();
        int n = mean.cols();
        int k = Math.max(1, Math.min(Math.min(Math.min(m, r), Math.min(n, r)), (int) Math.ceil(rho * r)));
        Dense.M out = mean;
        for (Task t : ts) {
            out = Dense.add(out, DenseSvd.of(Dense.add(t.update(), mean, -1)).truncated(k), lambda);
        }
        return out;
    }

    /** Iso-CTS with p = the dimension of the span of the inputs. */
    static Dense.M isoCts(List<Task> ts, double fraction) {
        // the span's dimension: R unless the stacked factors are rank-deficient
        int p = Math.min(
                DenseSvd.of(hcat(ts.stream().map(Task::b).toList())).rank(),
                DenseSvd.of(hcat(ts.stream().map(t -> Dense.transpose(t.a())).toList()))
                        .rank());
        int tasks = ts.size();
        int k = (int) Math.floor(fraction * p);
        int sTotal = Math.min((int) Math.rint((double) (p - k) / tasks), p / tasks) * tasks;
        k = p - sTotal;
        int s = sTotal / tasks;
        List<Triplets> parts = new ArrayList<>();
        Triplets common = Triplets.top(sum(ts), k);
        parts.add(common);
        for (Task t : ts) {
            Dense.M d = t.update();
            if (common.s().length > 0) {
                Dense.M uk = common.u();
                d = Dense.add(d, Dense.mul(uk, Dense.mul(Dense.transpose(uk), d)), -1);
            }
            if (s > 0) {
                parts.add(Triplets.top(d, s));
            }
        }
        return orthogonalized(parts, true);
    }

    /**
     * Core space with an element-wise merge (TIES or DARE-TIES) on the cores Mₜ = U_refᵀΔWₜV_ref, U_ref the left
     * singular vectors of [B₁ … B_T], V_ref the right singular vectors of [A₁; …; A_T], then U_ref·M*·V_refᵀ.
     */
    static Dense.M coreElementwise(
            List<Task> ts, boolean dare, double density, boolean frequency, long seed, String module) {
        Dense.M uRef = DenseSvd.of(hcat(ts.stream().map(Task::b).toList())).u();
        Dense.M vRef = DenseSvd.of(
                        hcat(ts.stream().map(t -> Dense.transpose(t.a())).toList()))
                .u();
        canonical(uRef);
        canonical(vRef);
        List<double[]> cores = new ArrayList<>();
        for (int t = 0; t < ts.size(); t++) {
            double[] core = Dense.mul(Dense.mul(Dense.transpose(uRef), ts.get(t).update()), vRef)
                    .v();
            cores.add(
                    dare
                            ? MergeReference.randomPrune(
                                    core, density, SplitMix64.key(seed, module, t, CoreSpaceMerge.TENSOR_CORE), false)
                            : MergeReference.magnitudePrune(core, density));
        }
        double[] ones = new double[ts.size()];
        Arrays.fill(ones, 1);
        Dense.M merged = new Dense.M(uRef.cols(), vRef.cols(), MergeReference.pefTies(cores, ones, frequency));
        return Dense.mul(Dense.mul(uRef, merged), Dense.transpose(vRef));
    }

    /** The joint SVD's U (canonical column signs) and the unpruned task blocks Zₜ = diag(σ)Vₜᵀ (k×n, row-major). */
    record KnotsBlocks(Dense.M u, List<double[]> z, int k, int n) {}

    static KnotsBlocks knotsBlocks(List<Task> ts) {
        DenseSvd d = DenseSvd.of(hcat(ts.stream().map(Task::update).toList()));
        int k = 0;
        while (k < d.s().length && d.s()[k] > 1e-5) {
            k++;
        }
        int n = ts.get(0).a().cols();
        Dense.M u = DenseSvd.columns(d.u(), k);
        double[] sign = canonical(u);
        List<double[]> z = new ArrayList<>();
        for (int t = 0; t < ts.size(); t++) {
            double[] zt = new double[k * n];
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < n; j++) {
                    zt[i * n + j] = sign[i] * d.s()[i] * d.v().get(t * n + j, i);
                }
            }
            z.add(zt);
        }
        return new KnotsBlocks(u, z, k, n);
    }

    /** KnOTS: SVD of [ΔW₁ | … | ΔW_T], σ &gt; 1e-5 kept, TIES or DARE-TIES on Zₜ = diag(σ)Vₜᵀ, U·Z*. */
    static Dense.M knots(List<Task> ts, boolean dare, double density, boolean frequency, long seed, String module) {
        KnotsBlocks b = knotsBlocks(ts);
        List<double[]> z = new ArrayList<>();
        for (int t = 0; t < ts.size(); t++) {
            double[] zt = b.z().get(t);
            z.add(
                    dare
                            ? MergeReference.randomPrune(
                                    zt, density, SplitMix64.key(seed, module, t, KnotsMerge.TENSOR_TASK_BLOCK), false)
                            : MergeReference.magnitudePrune(zt, density));
        }
        double[] ones = new double[ts.size()];
        Arrays.fill(ones, 1);
        Dense.M merged = new Dense.M(b.k(), b.n(), MergeReference.pefTies(z, ones, frequency));
        return Dense.mul(b.u(), merged);
    }

    /**
     * KnOTS-TIES with the reference's global threshold: for each task, the ⌊d·K⌋-th largest |z| over every module's
     * Zₜ (K their total size), found by sorting all of them; entries at or above it kept, then TIES per module.
     */
    static Map<String, Dense.M> knotsGlobal(Map<String, List<Task>> byModule, double density) {
        Map<String, KnotsBlocks> blocks = new LinkedHashMap<>();
        byModule.forEach((m, ts) -> blocks.put(m, knotsBlocks(ts)));
        int tasks = byModule.values().iterator().next().size();
        double[] threshold = new double[tasks];
        for (int t = 0; t < tasks; t++) {
            List<Double> all = new ArrayList<>();
            for (KnotsBlocks b : blocks.values()) {
                for (double v : b.z().get(t)) {
                    all.add(Math.abs(v));
                }
            }
            all.sort(Comparator.reverseOrder());
            int keep = Math.max(1, (int) Math.floor(density * all.size()));
            threshold[t] = all.get(keep - 1);
        }
        double[] ones = new double[tasks];
        Arrays.fill(ones, 1);
        Map<String, Dense.M> out = new LinkedHashMap<>();
        blocks.forEach((m, b) -> {
            List<double[]> z = new ArrayList<>();
            for (int t = 0; t < tasks; t++) {
                double[] zt = b.z().get(t).clone();
                for (int i = 0; i < zt.length; i++) {
                    if (Math.abs(zt[i]) < threshold[t]) {
                        zt[i] = 0;
                    }
                }
                z.add(zt);
            }
            out.put(m, Dense.mul(b.u(), new Dense.M(b.k(), b.n(), MergeReference.pefTies(z, ones, false))));
        });
        return out;
    }
}
