package org.loralgebra.cuda;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.cusolver;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.SizeTPointer;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.BackendProvider;
import org.loralgebra.exec.BackendUnavailableException;
import org.loralgebra.lang.Precision;

/**
 * The {@code cuda} backend: {@link CudaBackend} on GPU 0. Without the CUDA 13 runtime libraries or a GPU it refuses,
 * naming the libraries it needs, where it looked ({@code LD_LIBRARY_PATH}, {@code /usr/local/nvidia/lib64}) and what
 * {@code cudaGetDeviceCount} said. The device memory budget is {@code LORA_CUDA_MEMORY} bytes, else 90% of the free
 * memory when the backend is made. With {@code LORA_CUDA_STATS=1} each backend says at exit how its batches ran.
 */
public final class CudaBackendProvider implements BackendProvider {
    /** The environment variable that sets the device memory budget in bytes. */
    public static final String MEMORY_ENV = "LORA_CUDA_MEMORY";

    /**
     * The environment variable that, set (and not {@code 0}), makes each backend print at exit how its batch
     * operations ran ({@link CudaBackend#batchSummary()}) on standard error: what the device run logs.
     */
    public static final String STATS_ENV = "LORA_CUDA_STATS";

    private static final Map<String, String> FIRST_FAILURES = new ConcurrentHashMap<>();

    private static final String NEEDS = "libcuda.so.1 (the driver), libcudart.so.13, libcublas.so.13, "
            + "libcublasLt.so.13, libcusolver.so.12, libcusolverMg.so.12 and libcusparse.so.12 (CUDA 13)";

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String description() {
        return "cuBLAS and cuSOLVER on an NVIDIA GPU, CUDA 13";
    }

    @Override
    public Backend create(Precision precision) {
        try {
            Loader.load(cudart.class);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw unavailable("the CUDA runtime did not load (" + firstReasons("cudart", e) + ")");
        }
        try {
            Loader.load(cublas.class);
            Loader.load(cusolver.class);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw unavailable(
                    "the CUDA runtime loaded but cuBLAS or cuSOLVER did not (" + firstReasons("solvers", e) + ")");
        }
        int[] count = new int[1];
        int code = cudart.cudaGetDeviceCount(count);
        if (code != 0 || count[0] == 0) {
            throw unavailable("cudaGetDeviceCount returned error " + code + " ("
                    + cudart.cudaGetErrorString(code).getString() + ") and " + count[0] + " devices");
        }
        CudaStatus.runtime(cudart.cudaSetDevice(0), "cudaSetDevice(0)");
        String device;
        try (cudaDeviceProp p = new cudaDeviceProp()) {
            CudaStatus.runtime(cudart.cudaGetDeviceProperties(p, 0), "cudaGetDeviceProperties(0)");
            device = p.name().getString() + " (sm_" + p.major() + p.minor() + ")";
        }
        long free;
        try (SizeTPointer f = new SizeTPointer(1);
                SizeTPointer t = new SizeTPointer(1)) {
            CudaStatus.runtime(cudart.cudaMemGetInfo(f, t), "cudaMemGetInfo");
            free = f.get();
        }
        String env = System.getenv(MEMORY_ENV);
        long budget = env != null && !env.isBlank() ? Long.parseLong(env.trim()) : free / 10 * 9;
        CudaBackend b = new CudaBackend(precision, device, budget);
        b.selfCheck();
        String stats = System.getenv(STATS_ENV);
        if (stats != null && !stats.isBlank() && !stats.trim().equals("0")) {
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> System.err.println("cuda " + precision + " batches: " + b.batchSummary()),
                            "lora-cuda-stats"));
        }
        return b;
    }

    /**
     * {@link #reasons} of the first failure to load {@code what} in this JVM: a later try gets only "Could not
     * initialize class", whose cause keeps the first error's message but not that error's own cause.
     */
    private static String firstReasons(String what, Throwable e) {
        return FIRST_FAILURES.computeIfAbsent(what, k -> reasons(e));
    }

    /**
     * The messages of {@code e} and of its causes: JavaCPP's own ("no jnicusolver in java.library.path") hides in its
     * cause the dynamic linker's, which names the library that could not be opened (libcusolverMg.so.12, say).
     */
    static String reasons(Throwable e) {
        List<String> out = new ArrayList<>();
        for (Throwable t = e; t != null && out.size() < 4; t = t.getCause()) {
            if (t.getMessage() != null && !out.contains(t.getMessage())) {
                out.add(t.getMessage());
            }
        }
        return String.join("; caused by: ", out);
    }

    private static BackendUnavailableException unavailable(String what) {
        List<String> looked = new ArrayList<>();
        String ld = System.getenv("LD_LIBRARY_PATH");
        looked.add("LD_LIBRARY_PATH=" + (ld == null || ld.isBlank() ? "(unset)" : ld));
        Path nvidia = Path.of("/usr/local/nvidia/lib64");
        looked.add(nvidia + (Files.isDirectory(nvidia) ? "" : " (absent)"));
        return new BackendUnavailableException("the cuda backend cannot run here: " + what + "; it needs " + NEEDS
                + ", looked for on " + String.join(" and ", looked) + " (on a device with the pip wheels: "
                + "site-packages/nvidia/cu13/lib); choose --backend cpu");
    }
}
