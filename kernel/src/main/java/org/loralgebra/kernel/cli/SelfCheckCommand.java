package org.loralgebra.kernel.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.loralgebra.exec.Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code lora self-check}: starts the computing backend, which first checks that its BLAS/LAPACK library returns
 * right numbers on this machine, and says what was checked. It always runs the check (a cached pass lets the other
 * verbs skip it), refreshes the cached verdict and says whether one existed. A library that fails is refused (exit 70)
 * with the routine, the error measured, the CPU, the kernels and the way out.
 */
@Command(
        name = "self-check",
        sortOptions = false,
        description = {
            "Check the numerical library on this machine (every BLAS/LAPACK routine the backend calls, F32 and "
                    + "F64) and say what was checked.",
            "Every computing verb runs the same check once before it computes, unless it passed before on this machine "
                    + "and library (cached in $XDG_CACHE_HOME/loralgebra, else ~/.cache/loralgebra; "
                    + "LORA_BLAS_CHECK=always runs it every time). This verb always runs it, refreshes the cache "
                    + "and says whether a cached pass existed."
        })
public final class SelfCheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        var backend = Engine.current().backend();
        out.println(backend.name() + ", " + backend.precision() + ": " + backend.selfCheck());
        out.flush();
        return ExitCodes.OK;
    }
}
