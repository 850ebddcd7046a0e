package org.loralgebra.kernel.jupyter;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.loralgebra.io.files.AtomicWrites;
import org.loralgebra.stdlib.json.ReportJson;

/**
 * Writes the {@value #KERNEL_NAME} Jupyter kernelspec: the Kotlin Jupyter kernel (its own JVM and
 * classpath) started with LoRAlgebra, its Kotlin layer and Lets-Plot on the notebook's classpath, so
 * notebooks load {@code LoraIntegration} from that classpath with no network access.
 *
 * <p>{@code kernel.json}'s argv is {@code java <jvm options> -cp <kernel jars>
 * org.loralgebra.jupyter.runtime.LoraKernel -classpath=<script classpath> {connection_file}
 * -home=<kernelspec folder>}: the Kotlin Jupyter kernel's server behind our entry point, which loads
 * {@code LoraIntegration} before the first cell (kernel 0.11 alone loads it only after a cell has run). The script classpath is the kernel's own Kotlin runtime and notebook API
 * first (Kotlin 1.8.20: what the kernel's compiler and class loader use), then our jars. The folder also
 * holds a {@code logback.xml} that keeps the kernel's log (DEBUG by default) to warnings. On JDK 24 and later the JVM
 * options include {@link NativeAccessOptions}'s, as the {@code lora} launcher's do.
 *
 * <p>Installation is atomic: the kernelspec folder is written next to its place and renamed into it,
 * replacing an earlier installation only once complete.
 */
public final class KernelInstaller {
    /** The kernelspec's name: {@code --ExecutePreprocessor.kernel_name=loralgebra}, notebook metadata. */
    public static final String KERNEL_NAME = "loralgebra";
    /**
     * The kernel's entry point: the Kotlin Jupyter kernel's server, with notebook integrations loaded before the first
     * cell ({@code kernel/jupyter-runtime}).
     */
    public static final String KERNEL_MAIN_CLASS = "org.loralgebra.jupyter.runtime.LoraKernel";
    /**
     * JVM options every kernel gets: headless AWT (plots render without a display), the thread stack ND4J's
     * LAPACK calls need, and ND4J's start-up banner and version check off (as the {@code lora} launcher does).
     */
    public static final List<String> BASE_JVM_OPTIONS = List.of(
            "-Djava.awt.headless=true",
            "-Xss16m",
            "-Dorg.nd4j.log.initialization=false",
            "-Dorg.nd4j.versioncheck=false");

    private static final String LOGBACK_XML = """
            <configuration>
              <appender name="STDERR" class="ch.qos.logback.core.ConsoleAppender">
                <target>System.err</target>
                <encoder>
                  <pattern>%-4relative [%thread] %-5level %logger{35} - %msg %n</pattern>
                </encoder>
              </appender>
              <root level="WARN">
                <appender-ref ref="STDERR" />
              </root>
            </configuration>
            """;

    private final List<Path> kernelClasspath;
    private final List<Path> scriptClasspath;
    private final String java;
    private final List<String> jvmOptions;
    private final String displayName;

    private KernelInstaller(Builder b) {
        this.kernelClasspath = List.copyOf(b.kernelClasspath);
        this.scriptClasspath = List.copyOf(b.scriptClasspath);
        this.java = b.java;
        this.jvmOptions = List.copyOf(b.jvmOptions);
        this.displayName = b.displayName;
    }

    /** A builder: {@code setKernelClasspath} and {@code setScriptClasspath} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Installs into the user's kernelspec folder ({@link JupyterPaths#userKernels()}); returns the kernelspec folder. */
    public Path installUser() {
        return installInto(JupyterPaths.userKernels());
    }

    /** Installs into {@code PREFIX/share/jupyter/kernels}; returns the kernelspec folder. */
    public Path installPrefix(Path prefix) {
        return installInto(JupyterPaths.prefixKernels(prefix));
    }

    /** Installs as {@code kernelsFolder/loralgebra}, atomically; returns that folder. */
    public Path installInto(Path kernelsFolder) {
        Path target = kernelsFolder.toAbsolutePath().resolve(KERNEL_NAME);
        String json = kernelJson(target);
        AtomicWrites.writeFolder(target, tmp -> {
            Files.writeString(tmp.resolve("kernel.json"), json, StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve("logback.xml"), LOGBACK_XML, StandardCharsets.UTF_8);
        });
        return target;
    }

    /** The {@code kernel.json} for a kernelspec installed in {@code kernelspecFolder}. */
    public String kernelJson(Path kernelspecFolder) {
        Path folder = kernelspecFolder.toAbsolutePath();
        List<String> argv = new ArrayList<>();
        argv.add(java);
        argv.addAll(BASE_JVM_OPTIONS);
        argv.addAll(NativeAccessOptions.forJava(Path.of(java)));
        argv.add("-Dlogback.configurationFile=" + folder.resolve("logback.xml"));
        argv.addAll(jvmOptions);
        argv.add("-cp");
        argv.add(join(kernelClasspath));
        argv.add(KERNEL_MAIN_CLASS);
        argv.add("-classpath=" + join(scriptClasspath));
        argv.add("{connection_file}");
        argv.add("-home=" + folder);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("argv", argv);
        spec.put("display_name", displayName);
        spec.put("language", "kotlin");
        spec.put("interrupt_mode", "message");
        spec.put("metadata", Map.of("debugger", false));
        return ReportJson.line(ReportJson.tree(spec));
    }

    /** The Kotlin Jupyter kernel's jars ({@code -cp}). */
    public List<Path> kernelClasspath() {
        return kernelClasspath;
    }

    /** The notebook code's classpath ({@code -classpath=}). */
    public List<Path> scriptClasspath() {
        return scriptClasspath;
    }

    private static String join(List<Path> paths) {
        return paths.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

    /** Builds a {@link KernelInstaller}; {@link #build()} checks every jar exists. */
    public static final class Builder {
        private List<Path> kernelClasspath;
        private List<Path> scriptClasspath;
        private String java =
                Path.of(System.getProperty("java.home"), "bin", "java").toString();
        private List<String> jvmOptions = List.of();
        private String displayName = "LoRAlgebra (Kotlin)";

        private Builder() {}

        /** Required: the Kotlin Jupyter kernel's jars (jupyter-runtime's {@code jupyter-kernel.classpath}). */
        public Builder setKernelClasspath(List<Path> jars) {
            this.kernelClasspath = List.copyOf(jars);
            return this;
        }

        /**
         * Required: the notebook code's classpath, in order: the kernel's Kotlin runtime and API
         * ({@code jupyter-script.classpath}), then ours ({@code notebook.classpath}).
         */
        public Builder setScriptClasspath(List<Path> jars) {
            this.scriptClasspath = List.copyOf(jars);
            return this;
        }

        /** The java executable that runs the kernel; default: this JVM's. */
        public Builder optJava(Path javaExecutable) {
            this.java = javaExecutable.toAbsolutePath().toString();
            return this;
        }

        /** Extra JVM options for the kernel (e.g. {@code -Xmx8g}), after {@link #BASE_JVM_OPTIONS}. */
        public Builder optJvmOptions(List<String> options) {
            this.jvmOptions = List.copyOf(options);
            return this;
        }

        /** The name Jupyter front ends show; default "LoRAlgebra (Kotlin)". */
        public Builder optDisplayName(String name) {
            this.displayName = name;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the field and the missing entry when a required
         *                                  classpath is unset or empty or lists a file that does not exist
         */
        public KernelInstaller build() {
            check("kernelClasspath", kernelClasspath);
            check("scriptClasspath", scriptClasspath);
            if (!Files.isExecutable(Path.of(java))) {
                throw new IllegalArgumentException("java: " + java + " is not an executable file");
            }
            if (displayName == null || displayName.isBlank()) {
                throw new IllegalArgumentException("displayName: expected a non-blank name");
            }
            for (String option : jvmOptions) {
                if (!option.startsWith("-")) {
                    throw new IllegalArgumentException(
                            "jvmOptions: expected options starting with '-', found '" + option + "'");
                }
            }
            return new KernelInstaller(this);
        }

        private static void check(String field, List<Path> jars) {
            if (jars == null || jars.isEmpty()) {
                throw new IllegalArgumentException(field + ": expected at least one jar, found none");
            }
            for (Path jar : jars) {
                if (!Files.exists(jar)) {
                    throw new IllegalArgumentException(field + ": " + jar + " does not exist");
                }
            }
        }
    }
}
