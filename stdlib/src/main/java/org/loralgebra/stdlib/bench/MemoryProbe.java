package org.loralgebra.stdlib.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Peak resident memory of this process (Linux): {@code VmHWM} from {@code /proc/self/status}, reset between
 * operations by writing 5 to {@code /proc/self/clear_refs}. It counts everything the JVM holds: heap,
 * ND4J's off-heap buffers, memory-mapped files. Empty where the platform does not offer it.
 */
public final class MemoryProbe {
    private MemoryProbe() {}

    /** Resets the peak to the current resident size; false when not possible. */
    public static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Peak resident bytes since the last reset. */
    public static OptionalLong peakBytes() {
        return field("VmHWM:");
    }

    /** Current resident bytes. */
    public static OptionalLong residentBytes() {
        return field("VmRSS:");
    }

    private static OptionalLong field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(parts[0]) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}
