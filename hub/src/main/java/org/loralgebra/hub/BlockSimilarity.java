package org.loralgebra.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Engine;
import org.loralgebra.model.AdapterType;
import org.loralgebra.model.ModuleOrder;

/**
 * The pairwise similarity of the adapters of two blocks, from each module's thin SVD {@code ΔW = U·diag(s)·Vᵀ}
 * (factored: no update is formed). For two updates of one module,
 * {@code ⟨ΔW₁, ΔW₂⟩_F = tr(V₁S₁U₁ᵀU₂S₂V₂ᵀ) = Σ_ab s₁ₐ s₂ᵦ (U₁ᵀU₂)ₐᵦ (V₁ᵀV₂)ₐᵦ}, and the LoRA paper's subspace similarity
 * of the input sides is {@code φ(k, k) = ‖V₁[:, :k]ᵀ V₂[:, :k]‖_F² / k}, k the smaller rank (what
 * {@code SubspaceSimilarity.topOverlap()} gives). The r₁×r₂ overlaps of every pair of a block pair come from two
 * products per module, {@code U_Xᵀ U_Y} and {@code V_Xᵀ V_Y}, with U_X the U's of block X side by side: one single-precision GEMM
 * ({@link Backend#transposeProduct}) of (b·r)×(b·r) instead of b² small ones.
 *
 * <p>For a pair, the cosine is {@code Σₘ⟨ΔW₁ₘ, ΔW₂ₘ⟩ / √(Σₘ‖ΔW₁ₘ‖² · Σₘ‖ΔW₂ₘ‖²)} over the modules both have with
 * finite factors, and the overlap the mean of φ over them. Adapters on different base models, or with a shared module
 * of two shapes, do not compare ({@link PairScore#reason()}). The result depends only on the two blocks: the
 * single-machine path and Spark call this with the same blocks and get the same doubles.
 */
public final class BlockSimilarity {
    private BlockSimilarity() {}

    /**
     * The scores of every pair (x, y), x from {@code xs} and y from {@code ys}; on the diagonal ({@code xs == ys} by
     * block number) each unordered pair once, in input order. Adapters that failed to load are left out (their error
     * row is written elsewhere).
     */
    public static List<PairScore> of(ProfileBlock xs, ProfileBlock ys) {
        return of(xs, ys, null);
    }

    /**
     * The same, with every adapter read as one of base model {@code baseModel} (pairs compared whatever model their
     * configs name), or, when null, adapters whose configs name different models left uncompared with that reason.
     */
    public static List<PairScore> of(ProfileBlock xs, ProfileBlock ys, String baseModel) {
        boolean diagonal = xs.block() == ys.block();
        int nx = xs.size();
        int ny = ys.size();
        double[][] inner = new double[nx][ny];
        double[][] energyX = new double[nx][ny];
        double[][] energyY = new double[nx][ny];
        double[][] phiSum = new double[nx][ny];
        int[][] shared = new int[nx][ny];
        String[][] reason = new String[nx][ny];
        for (int i = 0; i < nx; i++) {
            for (int j = 0; j < ny; j++) {
                reason[i][j] = baseModel != null
                        ? null
                        : baseModelMismatch(xs.profiles().get(i), ys.profiles().get(j));
            }
        }
        Map<String, List<Entry>> byModuleX = byModule(xs);
        Map<String, List<Entry>> byModuleY = byModule(ys);
        for (Map.Entry<String, List<Entry>> e : byModuleX.entrySet()) {
            List<Entry> mx = e.getValue();
            List<Entry> my = byModuleY.get(e.getKey());
            if (my == null) {
                continue;
            }
            for (Entry x : mx) {
                for (Entry y : my) {
                    if ((x.module.out() != y.module.out() || x.module.in() != y.module.in())
                            && reason[x.position][y.position] == null) {
                        reason[x.position][y.position] = "module '" + e.getKey() + "' has shapes "
                                + x.module.out() + "x" + x.module.in() + " and " + y.module.out() + "x"
                                + y.module.in();
                    }
                }
            }
            // one pair of products per shape both blocks have
            Map<String, List<Entry>> shapesX = byShape(mx);
            Map<String, List<Entry>> shapesY = byShape(my);
            for (Map.Entry<String, List<Entry>> s : shapesX.entrySet()) {
                List<Entry> gy = shapesY.get(s.getKey());
                if (gy != null) {
                    accumulate(s.getValue(), gy, diagonal, inner, energyX, energyY, phiSum, shared);
                }
            }
        }
        List<PairScore> out = new ArrayList<>();
        for (int i = 0; i < nx; i++) {
            AdapterProfile px = xs.profiles().get(i);
            if (px.failed()) {
                continue;
            }
            for (int j = diagonal ? i + 1 : 0; j < ny; j++) {
                AdapterProfile py = ys.profiles().get(j);
                if (py.failed()) {
                    continue;
                }
                if (reason[i][j] != null) {
                    out.add(PairScore.incomparable(px.adapter(), py.adapter(), reason[i][j]));
                } else if (shared[i][j] == 0) {
                    out.add(PairScore.incomparable(px.adapter(), py.adapter(), "no module in common"));
                } else {
                    double c = energyX[i][j] > 0 && energyY[i][j] > 0
                            ? inner[i][j] / Math.sqrt(energyX[i][j] * energyY[i][j])
                            : Double.NaN;
                    out.add(new PairScore(
                            px.adapter(),
                            py.adapter(),
                            Double.isNaN(c) ? c : Math.max(-1, Math.min(1, c)),
                            phiSum[i][j] / shared[i][j],
                            shared[i][j],
                            null));
                }
            }
        }
        return out;
    }

    private record Entry(int position, ModuleProfile module) {}

    private static String baseModelMismatch(AdapterProfile x, AdapterProfile y) {
        if (x.failed() || y.failed() || x.baseModel().isEmpty() || y.baseModel().isEmpty()) {
            return null;
        }
        return AdapterType.sameBaseModel(x.baseModel(), y.baseModel())
                ? null
                : "different base models: " + x.baseModel() + " and " + y.baseModel();
    }

    /** Per module name (module order), the block's adapters that have it with a finite SVD, in block order. */
    private static Map<String, List<Entry>> byModule(ProfileBlock block) {
        Map<String, List<Entry>> out = new TreeMap<>(ModuleOrder.INSTANCE);
        for (int i = 0; i < block.size(); i++) {
            for (ModuleProfile m : block.profiles().get(i).modules()) {
                if (m.hasSvd()) {
                    out.computeIfAbsent(m.module(), k -> new ArrayList<>()).add(new Entry(i, m));
                }
            }
        }
        return out;
    }

    private static Map<String, List<Entry>> byShape(List<Entry> entries) {
        Map<String, List<Entry>> out = new TreeMap<>();
        for (Entry e : entries) {
            out.computeIfAbsent(e.module.out() + "x" + e.module.in(), k -> new ArrayList<>())
                    .add(e);
        }
        return out;
    }

    private static void accumulate(
            List<Entry> gx,
            List<Entry> gy,
            boolean diagonal,
            double[][] inner,
            double[][] energyX,
            double[][] energyY,
            double[][] phiSum,
            int[][] shared) {
        int[] offX = offsets(gx);
        int[] offY = offsets(gy);
        int kx = offX[gx.size()];
        int ky = offY[gy.size()];
        float[] gu = null;
        float[] gv = null;
        if (kx > 0 && ky > 0) {
            int out = gx.get(0).module.out();
            int in = gx.get(0).module.in();
            float[] ux = stack(gx, true, kx);
            float[] vx = stack(gx, false, kx);
            float[] uy = diagonal ? ux : stack(gy, true, ky);
            float[] vy = diagonal ? vx : stack(gy, false, ky);
            Backend be = Engine.current().backend();
            gu = be.transposeProduct(ux, out, kx, uy, ky);
            gv = be.transposeProduct(vx, in, kx, vy, ky);
        }
        for (int p = 0; p < gx.size(); p++) {
            Entry x = gx.get(p);
            double[] s1 = x.module.s();
            double e1 = energy(s1);
            for (int q = 0; q < gy.size(); q++) {
                Entry y = gy.get(q);
                if (diagonal && y.position <= x.position) {
                    continue;
                }
                double[] s2 = y.module.s();
                double dot = 0;
                double phi = 0;
                int k = Math.min(s1.length, s2.length);
                for (int a = 0; a < s1.length; a++) {
                    int row = (offX[p] + a) * ky + offY[q];
                    for (int b = 0; b < s2.length; b++) {
                        double v = gv[row + b];
                        dot += s1[a] * s2[b] * gu[row + b] * v;
                        if (a < k && b < k) {
                            phi += v * v;
                        }
                    }
                }
                int i = x.position;
                int j = y.position;
                inner[i][j] += dot;
                energyX[i][j] += e1;
                energyY[i][j] += energy(s2);
                phiSum[i][j] += k == 0 ? 0 : phi / k;
                shared[i][j]++;
            }
        }
    }

    private static int[] offsets(List<Entry> group) {
        int[] off = new int[group.size() + 1];
        for (int i = 0; i < group.size(); i++) {
            off[i + 1] = off[i] + group.get(i).module.svdSize();
        }
        return off;
    }

    /** The U's (or V's) of a group side by side, [out (or in), total], row-major. */
    private static float[] stack(List<Entry> group, boolean left, int total) {
        int rows = left ? group.get(0).module.out() : group.get(0).module.in();
        float[] m = new float[rows * total];
        int offset = 0;
        for (Entry e : group) {
            int k = e.module.svdSize();
            float[] part = left ? e.module.u() : e.module.v();
            for (int r = 0; r < rows; r++) {
                System.arraycopy(part, r * k, m, r * total + offset, k);
            }
            offset += k;
        }
        return m;
    }

    private static double energy(double[] s) {
        double e = 0;
        for (double v : s) {
            e += v * v;
        }
        return e;
    }
}
