package org.loralgebra.kernel.jupyter;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Where Jupyter looks for kernelspecs, as jupyter_core computes it. */
public final class JupyterPaths {
    private JupyterPaths() {}

    /** The kernelspec folder under an installation prefix: {@code PREFIX/share/jupyter/kernels}. */
    public static Path prefixKernels(Path prefix) {
        return prefix.toAbsolutePath().resolve("share").resolve("jupyter").resolve("kernels");
    }

    /**
     * The user's kernelspec folder: {@code $JUPYTER_DATA_DIR/kernels} when that is set, otherwise the
     * platform's user data folder ({@code $XDG_DATA_HOME/jupyter} or {@code ~/.local/share/jupyter} on
     * Linux, {@code ~/Library/Jupyter} on macOS, {@code %APPDATA%\jupyter} on Windows) plus {@code kernels}.
     */
    public static Path userKernels() {
        return userKernels(
                System.getenv(), System.getProperty("os.name", ""), Path.of(System.getProperty("user.home")));
    }

    static Path userKernels(Map<String, String> env, String osName, Path home) {
        return userData(env, osName, home).resolve("kernels");
    }

    private static Path userData(Map<String, String> env, String osName, Path home) {
        String explicit = env.get("JUPYTER_DATA_DIR");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit).toAbsolutePath();
        }
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("mac")) {
            return home.resolve("Library").resolve("Jupyter");
        }
        if (os.startsWith("windows")) {
            String appData = env.get("APPDATA");
            return (appData != null ? Path.of(appData) : home.resolve("AppData").resolve("Roaming")).resolve("jupyter");
        }
        String xdg = env.get("XDG_DATA_HOME");
        Path data = xdg != null && !xdg.isBlank()
                ? Path.of(xdg)
                : home.resolve(".local").resolve("share");
        return data.resolve("jupyter");
    }
}
