package org.loralgebra.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.cuda.CudaChecks.maxAbs;
import static org.loralgebra.cuda.CudaChecks.maxDiff;
import static org.loralgebra.cuda.CudaChecks.multiply;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.config.PeftConfig;
import org.loralgebra.exec.Backend;
import org.loralgebra.exec.Backends;
import org.loralgebra.exec.Engine;
import org.loralgebra.exec.ExecutionOptions;
import org.loralgebra.exec.ModuleFactors;
import org.loralgebra.exec.ModuleSvd;
import org.loralgebra.exec.ProgressListener;
import org.loralgebra.exec.Root;
import org.loralgebra.exec.Roots;
import org.loralgebra.lang.Precision;
import org.loralgebra.model.AdapterFormat;
import org.loralgebra.model.AdapterMeta;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.model.ModuleSpec;
import org.loralgebra.model.StoredModule;
import org.loralgebra.plan.Planner;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * The engine's batched run ({@code BatchedRun}) driving the cuda backend's batch algorithms ({@link BatchedSolver} on
 * {@link HostBatchDevice}: CholeskyQR2, batched Gram roots, strided products) gives the spectra and truncated updates
 * of the CPU backend's module-by-module run to 1e-10 of their largest value in F64 (1e-4 in F32), on modules of three
 * shapes, with a sum and a truncation feeding another; and the decompositions went as batches, only a lone module's
 * one at a time.
 */
class BatchedEngineOnHostTest {
    private static InMemoryAdapter adapter(String label, long seed, int rank) {
        Random rnd = new Random(seed);
        Map<String, StoredModule> modules = new LinkedHashMap<>();
        int[][] shapes = {{40, 30}, {40, 30}, {40, 30}, {24, 56}, {24, 56}, {64, 20}};
        for (int i = 0; i < shapes.length; i++) {
            int out = shapes[i][0];
            int in = shapes[i][1];
            double[] a = new double[rank * in];
            double[] b = new double[out * rank];
            for (int j = 0; j < a.length; j++) {
                a[j] = rnd.nextGaussian();
            }
            for (int j = 0; j < b.length; j++) {
                b[j] = rnd.nextGaussian();
            }
            String name = "layers." + i + ".proj";
            modules.put(
                    name,
                    StoredModule.of(
                            ModuleSpec.linear(name, out, in, rank, DType.F32),
                            Tensor.ofDoubles(DType.F32, new long[] {rank, in}, a),
                            Tensor.ofDoubles(DType.F32, new long[] {out, rank}, b),
                            i % 2 == 0 ? 2.0 : 0.5));
        }
        AdapterMeta meta = new AdapterMeta(
                AdapterFormat.PEFT, PeftConfig.lora(rank, rank, "test-base"), "base_model.model.", Map.of(), Map.of());
        return new InMemoryAdapter(label, "test-base", meta, modules);
    }

    /** Per module: each root's singular values, or its dense update scale·B·A. */
    private static Map<String, List<double[]>> run(
            Backend be, Roots roots, List<Root<ModuleFactors>> factors, List<Root<ModuleSvd>> svds) {
        Engine engine = new Engine(be, new ExecutionOptions(2, 1L << 30, be.precision()));
        Map<String, List<double[]>> out = new ConcurrentHashMap<>();
        engine.run(
                roots,
                new Planner().plan(roots.nodes(), be.precision()).physical(),
                (module, values) -> {
                    List<double[]> parts = new ArrayList<>();
                    for (Root<ModuleSvd> r : svds) {
                        parts.add(values.get(r).s());
                    }
                    for (Root<ModuleFactors> r : factors) {
                        ModuleFactors f = values.get(r);
                        double[] dense = multiply(
                                be.toRowMajor(f.b()), be.toRowMajor(f.a()), f.b().rows(), f.rank(), f.a().cols());
                        for (int i = 0; i < dense.length; i++) {
                            dense[i] *= f.scale();
                        }
                        parts.add(dense);
                    }
                    out.put(module, parts);
                },
                ProgressListener.NONE);
        return out;
    }

    @Test
    void spectraAndTruncationsMatchTheCpuModuleByModule() {
        Adapter a = Lora.from(adapter("a", 3, 4));
        Adapter b = Lora.from(adapter("b", 4, 6));
        Roots roots = new Roots();
        List<Root<ModuleSvd>> svds = List.of(
                roots.svd(a.spectrum().node()), roots.svd(a.plus(b).spectrum().node()));
        List<Root<ModuleFactors>> factors = List.of(
                roots.factors(a.truncate(3).node()),
                roots.factors(a.plus(b.times(0.5)).truncate(5).node()),
                roots.factors(a.truncate(2).plus(b).truncate(3).node()));
        for (Precision p : List.of(Precision.F32, Precision.F64)) {
            double limit = p == Precision.F64 ? 1e-10 : 1e-4;
            Map<String, List<double[]>> want = run(Backends.create("cpu", p), roots, factors, svds);
            Map<String, List<double[]>> got = run(new HostBatchedBackend(p), roots, factors, svds);
            assertEquals(want.keySet(), got.keySet());
            assertEquals(6, want.size());
            want.forEach((m, parts) -> {
                for (int i = 0; i < parts.size(); i++) {
                    double err = maxDiff(parts.get(i), got.get(m).get(i)) / maxAbs(parts.get(i));
                    assertTrue(err < limit, p + " " + m + ", root " + i + ": relative difference " + err);
                }
            });
        }
        HostBatchedBackend batched = new HostBatchedBackend(Precision.F64);
        run(batched, roots, factors, svds);
        BatchCounts counts = batched.counts();
        for (String op : List.of("qr", "gramRoot", "matmul", "svd")) {
            assertTrue(counts.calls(op) > 0, op + " batched: " + counts.summary());
        }
        // three decompositions with vectors (a's is shared), two QRs each, per shape: the 40x30 (3 modules) and 24x56
        // (2) shapes as batches, the lone 64x20 module one at a time
        assertEquals(12, counts.calls("qr"), counts.summary());
        assertEquals(30, counts.matrices("qr"), counts.summary());
        assertEquals(6, counts.singles("qr"), counts.summary());
    }
}
