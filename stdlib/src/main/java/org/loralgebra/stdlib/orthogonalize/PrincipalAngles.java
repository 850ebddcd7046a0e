package org.loralgebra.stdlib.orthogonalize;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Locale;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Matrix;
import org.loralgebra.stdlib.json.ReportJson;

/**
 * The principal angles between two subspaces of one module (dimensions {@code rankA} and {@code rankB}): their
 * cosines are the singular values of {@code U_aᵀ·U_b} for orthonormal bases U_a, U_b, descending (smallest
 * angle first), {@code min(rankA, rankB)} of them. 0° means a shared direction, 90° orthogonal.
 * {@link #overlap()} is the subspace similarity of the LoRA paper (Hu et al. 2021, §7),
 * {@code φ = ‖U_aᵀU_b‖²_F / min(rankA, rankB)} = mean squared cosine, in [0, 1].
 */
public record PrincipalAngles(String module, int rankA, int rankB, double[] cosines) {
    public PrincipalAngles {
        cosines = cosines.clone();
        if (cosines.length != Math.min(rankA, rankB)) {
            throw new IllegalArgumentException("module '" + module + "': " + cosines.length
                    + " cosines for subspaces of " + "dimension " + rankA + " and " + rankB);
        }
    }

    /** The angles between the column spans of two orthonormal bases (either may be absent: no direction). */
    public static PrincipalAngles between(Backend backend, String module, Matrix a, Matrix b) {
        if (a == null || b == null) {
            return new PrincipalAngles(module, a == null ? 0 : a.cols(), b == null ? 0 : b.cols(), new double[0]);
        }
        double[] s = backend.singularValues(backend.matmul(a, true, b, false));
        double[] c = new double[Math.min(a.cols(), b.cols())];
        for (int i = 0; i < c.length; i++) {
            c[i] = i < s.length ? Math.min(1.0, Math.max(0.0, s[i])) : 0.0;
        }
        return new PrincipalAngles(module, a.cols(), b.cols(), c);
    }

    @Override
    public double[] cosines() {
        return cosines.clone();
    }

    /** The angles in degrees, ascending. */
    public double[] degrees() {
        double[] d = new double[cosines.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.toDegrees(Math.acos(cosines[i]));
        }
        return d;
    }

    /** The smallest angle in degrees (90 when a subspace is empty). */
    public double smallestDegrees() {
        return cosines.length == 0 ? 90.0 : Math.toDegrees(Math.acos(cosines[0]));
    }

    /** φ = Σ cos²θᵢ / min(rankA, rankB); 0 when a subspace is empty. */
    public double overlap() {
        if (cosines.length == 0) {
            return 0.0;
        }
        double s = 0;
        for (double c : cosines) {
            s += c * c;
        }
        return s / cosines.length;
    }

    ObjectNode toJsonNode() {
        ObjectNode o = ReportJson.object();
        o.put("module", module);
        o.put("rank_a", rankA);
        o.put("rank_b", rankB);
        o.set("cosines", ReportJson.array(cosines));
        o.set("degrees", ReportJson.array(degrees()));
        ReportJson.put(o, "overlap", overlap());
        return o;
    }

    /** As JSON: module, ranks, cosines, degrees, overlap. */
    public String toJson() {
        return ReportJson.text(toJsonNode());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PrincipalAngles p
                && p.module.equals(module)
                && p.rankA == rankA
                && p.rankB == rankB
                && Arrays.equals(p.cosines, cosines);
    }

    @Override
    public int hashCode() {
        return (module.hashCode() * 31 + rankA * 7 + rankB) * 31 + Arrays.hashCode(cosines);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%s: overlap %.4f, angles", module, overlap()));
        double[] d = degrees();
        for (int i = 0; i < Math.min(d.length, 8); i++) {
            sb.append(String.format(Locale.ROOT, " %.1f°", d[i]));
        }
        return sb.append(d.length > 8 ? " …" : "").toString();
    }
}
