package org.loralgebra.kernel.cli;

/** The exit statuses of {@code lora} (usage and internal errors follow BSD {@code sysexits.h}). */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** Bad input: a file that is not a valid adapter, a path that does not exist, an expression that cannot be built. */
    public static final int INPUT = 2;
    /** Out of heap or off-heap memory. */
    public static final int OUT_OF_MEMORY = 3;
    /** A command line that does not parse: unknown verb or option, missing or malformed argument ({@code EX_USAGE}). */
    public static final int USAGE = 64;
    /** A bug in LoRAlgebra: an exception that is not about the input ({@code EX_SOFTWARE}). */
    public static final int INTERNAL = 70;

    private ExitCodes() {}
}
