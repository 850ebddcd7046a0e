package org.loralgebra.exec.nd4j;

/**
 * A child process for {@link BlasVerdictCacheProcessTest}: starts the way the backend does ({@link
 * BlasSelfCheck#ensure()}) and prints how the verdict came about ("verdict: cached" or "verdict: checked").
 */
final class BlasVerdictProbe {
    private BlasVerdictProbe() {}

    /** Ensures the check's verdict and prints its source and the summary line. */
    public static void main(String[] args) {
        BlasSelfCheck.ensure();
        System.out.println(BlasSelfCheck.verdictSource());
        System.out.println(BlasSelfCheck.summary());
    }
}
