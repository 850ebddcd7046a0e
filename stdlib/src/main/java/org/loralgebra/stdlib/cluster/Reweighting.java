package org.loralgebra.stdlib.cluster;

/**
 * LoRA-LEGO's parameter reweighting against norm decay: the mean of units pointing in somewhat different
 * directions is shorter than they are, so each centroid is rescaled to the mean norm of the units assigned to
 * it (centroids without members, or of zero norm, are left as they are).
 */
final class Reweighting {
    private Reweighting() {}

    static double[][] toMemberNorms(double[][] centres, double[][] units, int[] labels) {
        double[][] out = new double[centres.length][];
        double[] normSum = new double[centres.length];
        int[] count = new int[centres.length];
        for (int i = 0; i < units.length; i++) {
            normSum[labels[i]] += Math.sqrt(RankUnits.squaredNorm(units[i]));
            count[labels[i]]++;
        }
        for (int c = 0; c < centres.length; c++) {
            out[c] = centres[c].clone();
            double norm = Math.sqrt(RankUnits.squaredNorm(centres[c]));
            if (count[c] > 0 && norm > 0) {
                double f = normSum[c] / count[c] / norm;
                for (int j = 0; j < out[c].length; j++) {
                    out[c][j] *= f;
                }
            }
        }
        return out;
    }
}
