package org.loralgebra.exec.nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The processor as OpenBLAS sees it, for messages: its model name, the vector extensions that decide which
 * kernels OpenBLAS runs, and the kernels forced with {@code OPENBLAS_CORETYPE}, if any. OpenBLAS does not say
 * which kernels it picked through the API JavaCPP maps, so the family is read off the CPU's flags the way its
 * dynamic dispatch reads them.
 *
 * @param model    the model name ({@code /proc/cpuinfo}), or the JVM's architecture where that is unreadable
 * @param flags    the CPU's feature flags (empty where unreadable)
 * @param coretype the value of {@code OPENBLAS_CORETYPE}, if set
 */
record CpuDescription(String model, Set<String> flags, Optional<String> coretype) {
    /** This machine's processor and environment. */
    static CpuDescription current() {
        String model = System.getProperty("os.arch");
        Set<String> flags = new TreeSet<>();
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            for (String line : lines) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                if (key.equals("model name") && model.equals(System.getProperty("os.arch"))) {
                    model = value;
                } else if (key.equals("flags") && flags.isEmpty()) {
                    flags.addAll(Arrays.asList(value.split("\\s+")));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no /proc: the model stays the architecture, the family unknown
        }
        String coretype = System.getenv("OPENBLAS_CORETYPE");
        return new CpuDescription(
                model,
                Set.copyOf(flags),
                coretype == null || coretype.isBlank() ? Optional.empty() : Optional.of(coretype.trim()));
    }

    /** Whether the CPU has AVX-512 (the foundation instructions). */
    boolean avx512() {
        return flags.contains("avx512f");
    }

    /**
     * The family of OpenBLAS kernels this process runs: the forced core type, else the one OpenBLAS's dynamic dispatch
     * picks for these flags ({@code SkylakeX/Cooperlake/SapphireRapids} for AVX-512, {@code Haswell/Zen} for AVX2, …).
     */
    String kernels() {
        if (coretype.isPresent()) {
            return coretype.get() + " (forced with OPENBLAS_CORETYPE)";
        }
        if (flags.isEmpty()) {
            return "the kernels OpenBLAS picks for this CPU (its flags could not be read)";
        }
        return family() + " (OpenBLAS's own choice for this CPU)";
    }

    private String family() {
        if (avx512()) {
            return "an AVX-512 kernel (SkylakeX, Cooperlake or SapphireRapids)";
        }
        if (flags.contains("avx2")) {
            return "an AVX2 kernel (Haswell or Zen)";
        }
        if (flags.contains("avx")) {
            return "an AVX kernel (Sandybridge)";
        }
        return "a generic SSE kernel (Prescott or Nehalem)";
    }

    /**
     * The {@code OPENBLAS_CORETYPE} to try when the kernels in use compute wrong results: one generation older than
     * the family in use, whose kernels are older and more widely exercised.
     */
    String saferCoretype() {
        String in = coretype.map(String::toLowerCase)
                .orElse(
                        avx512()
                                ? "skylakex"
                                : flags.contains("avx2")
                                        ? "haswell"
                                        : flags.contains("avx") ? "sandybridge" : "nehalem");
        if (in.contains("skylake") || in.contains("cooper") || in.contains("sapphire") || in.startsWith("zen")) {
            return "Haswell";
        }
        if (in.contains("haswell")) {
            return "Sandybridge";
        }
        return "Prescott";
    }

    /** "Intel(R) Xeon(R) … (AVX-512)" for messages. */
    @Override
    public String toString() {
        String isa = avx512()
                ? "AVX-512"
                : flags.contains("avx2")
                        ? "AVX2"
                        : flags.contains("avx") ? "AVX" : flags.isEmpty() ? "flags unknown" : "no AVX";
        return model + " (" + isa + ")";
    }
}
