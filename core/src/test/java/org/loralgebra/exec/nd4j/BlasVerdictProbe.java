package org.loralgebra.exec.nd4j;

/**
 * A child process for {@link BlasVerdictCacheIT}: starts the way the backend does ({@link
 * BlasSelfCheck#ensure()}) and prints how the verdict came about ("verdict: cached" or "verdict: checked"); with the
 * argument {@code self-check} it then also prints what {@code lora self-check} prints after the backend name.
 */
final class BlasVerdictProbe {
    private BlasVerdictProbe() {}

    /** Ensures the check's verdict and prints its source and the summary line (and the self-check's, if asked). */
    public static void main(String[] args) {
        BlasSelfCheck.ensure();
        System.out.println(BlasSelfCheck.verdictSource());
        System.out.println(BlasSelfCheck.summary());
        if (args.length > 0 && args[0].equals("self-check")) {
            System.out.println(BlasSelfCheck.checkAndRefresh());
        }
    }
}
