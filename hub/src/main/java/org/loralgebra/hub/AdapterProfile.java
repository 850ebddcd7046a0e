package org.loralgebra.hub;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Engine;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.exec.ModuleSvd;
import org.loralgebra.exec.Root;
import org.loralgebra.exec.Roots;
import org.loralgebra.model.ModuleOrder;

/**
 * One adapter as the hub sees it: its path as given, its base model, and a {@link ModuleProfile} per module in module
 * order; or, for an adapter that could not be read, the error that says why. Built on an executor from the adapter's
 * own path ({@link #load}); never throws for a bad adapter.
 *
 * @param adapter   the path as given
 * @param baseModel the base model named in its config ("" when none is named)
 * @param modules   per module, in module order (empty for an error)
 * @param error     why it could not be read, or null
 */
public record AdapterProfile(String adapter, String baseModel, List<ModuleProfile> modules, String error)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public AdapterProfile {
        modules = List.copyOf(modules);
    }

    /** The profile of an adapter that could not be read. */
    public static AdapterProfile failed(String adapter, String error) {
        return new AdapterProfile(adapter, "", List.of(), error);
    }

    /** Whether the adapter could not be read. */
    public boolean failed() {
        return error != null;
    }

    /**
     * Reads the adapter at {@code local} (a PEFT folder or a single .safetensors file) and profiles every module: the
     * factors first (norms, zero B, NaN or infinity), then, for the modules whose factors are finite, the singular
     * values exactly as {@code Adapter.spectrum()} computes them and, by payload, the thin SVD
     * ({@code Adapter.decompose()}) or the factors. Any failure becomes an error profile naming {@code adapter}.
     */
    public static AdapterProfile load(String adapter, Path local, ProfilePayload payload) {
        try {
            // One adapter per task, its modules in sequence: the tasks are the parallelism. A parallel engine run
            // also leaves OpenBLAS at one thread per core when it ends, which made the similarity's GEMMs 20x
            // slower on a busy 2-core machine (24 ms against 1.1 ms for a 200x768x200 sgemm).
            return Lora.withOptions(Lora.options().withParallelism(1), () -> read(adapter, local, payload));
        } catch (RuntimeException | LinkageError e) {
            return failed(adapter, message(e));
        }
    }

    /** An exception's message, with its type when the message alone would say little. */
    static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static AdapterProfile read(String adapter, Path local, ProfilePayload payload) {
        Adapter a = Lora.load(local);
        Backend be = Engine.current().backend();
        Map<String, ModuleProfile> first = new ConcurrentHashMap<>();
        Map<String, float[][]> factors = new ConcurrentHashMap<>();
        Roots plain = new Roots();
        Root<ModuleFactors> f = plain.factors(a.node());
        Lora.evaluate(plain, (module, values) -> {
            ModuleFactors x = values.get(f);
            double[] b = be.toRowMajor(x.b());
            double[] at = be.toRowMajor(x.a());
            boolean finite = finite(b) && finite(at) && Double.isFinite(x.scale());
            first.put(
                    module,
                    new ModuleProfile(
                            module,
                            x.spec().out(),
                            x.spec().in(),
                            x.rank(),
                            x.scale(),
                            norm(b),
                            norm(at),
                            allZero(b),
                            !finite,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null));
            if (finite && payload == ProfilePayload.FACTORS) {
                factors.put(module, new float[][] {floats(b), floats(at)});
            }
        });
        SortedSet<String> finite = new TreeSet<>(ModuleOrder.INSTANCE);
        first.forEach((m, p) -> {
            if (!p.nonFinite()) {
                finite.add(m);
            }
        });
        Map<String, double[]> sigma = new ConcurrentHashMap<>();
        Map<String, Object[]> svds = new ConcurrentHashMap<>(); // {u, s, v}, read while the run holds them
        if (!finite.isEmpty()) {
            Roots spectral = new Roots();
            Root<ModuleSvd> values = spectral.svd(a.spectrum().node());
            Root<ModuleSvd> vectors =
                    payload == ProfilePayload.SVD ? spectral.svd(a.decompose().node()) : null;
            Lora.evaluate(spectral, finite, (module, v) -> {
                sigma.put(module, v.get(values).s());
                if (vectors != null) {
                    ModuleSvd d = v.get(vectors);
                    svds.put(module, new Object[] {floats(be.toRowMajor(d.u())), d.s(), floats(be.toRowMajor(d.v()))});
                }
            });
        }
        List<ModuleProfile> out = new ArrayList<>();
        for (ModuleProfile p : first.values()) {
            Object[] svd = svds.get(p.module());
            float[][] ba = factors.get(p.module());
            out.add(new ModuleProfile(
                    p.module(),
                    p.out(),
                    p.in(),
                    p.rank(),
                    p.scale(),
                    p.normB(),
                    p.normA(),
                    p.zeroB(),
                    p.nonFinite(),
                    sigma.get(p.module()),
                    svd == null ? null : (float[]) svd[0],
                    svd == null ? null : (double[]) svd[1],
                    svd == null ? null : (float[]) svd[2],
                    ba == null ? null : ba[0],
                    ba == null ? null : ba[1]));
        }
        out.sort(Comparator.comparing(ModuleProfile::module, ModuleOrder.INSTANCE));
        return new AdapterProfile(adapter, a.type().baseModel().orElse(""), out, null);
    }

    private static boolean finite(double[] x) {
        for (double v : x) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private static boolean allZero(double[] x) {
        for (double v : x) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }

    private static double norm(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    private static float[] floats(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }
}
