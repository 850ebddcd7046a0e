package org.loralgebra.stdlib.lab;

import static org.loralgebra.NumericAssertions.assertBelow;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.loralgebra.Adapter;
import org.loralgebra.Dense;
import org.loralgebra.Lora;
import org.loralgebra.TestAdapters;
import org.loralgebra.model.InMemoryAdapter;
import org.loralgebra.model.StoredModule;
import org.loralgebra.stdlib.orthogonalize.ContinualMerge;

/**
 * The lab's orthogonalize-then-merge entries: {@code orthogonal_sum} against a dense reference (each update, in
 * order, times I − P·Pᵀ for P an orthonormal basis of the earlier updates' row spaces, by Gram–Schmidt; then the
 * sum), and {@code opcm} as {@link ContinualMerge} gives it.
 */
class OrthogonalMergeTest {
    @Test
    void orthogonalSumRemovesTheEarlierInputSubspacesThenSums() {
        // modules 12×10 and 9×14 at rank 2: three adapters' rows (6 directions) leave room in 10 and 14 inputs
        List<InMemoryAdapter> sources = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            sources.add(TestAdapters.random("t" + t, 40 + t, TestAdapters.shapes(2)));
        }
        List<Adapter> adapters = sources.stream().map(Lora::from).toList();
        Adapter merged = MergeExperiment.orthogonalized(MergeExperiment.ORTHOGONAL_SUM, adapters);
        for (TestAdapters.Shape shape : TestAdapters.shapes(2)) {
            String module = shape.name();
            Dense.M expected = Dense.zeros(shape.out(), shape.in());
            List<double[]> basis = new ArrayList<>();
            for (InMemoryAdapter src : sources) {
                StoredModule m = src.read(module);
                Dense.M update = TestAdapters.dense(m);
                Dense.M projected = update;
                for (double[] p : basis) {
                    // ΔW ← ΔW − (ΔW·p)·pᵀ for each orthonormal p
                    double[] w = new double[shape.out()];
                    for (int i = 0; i < shape.out(); i++) {
                        for (int j = 0; j < shape.in(); j++) {
                            w[i] += projected.get(i, j) * p[j];
                        }
                    }
                    double[] v = projected.v().clone();
                    for (int i = 0; i < shape.out(); i++) {
                        for (int j = 0; j < shape.in(); j++) {
                            v[i * shape.in() + j] -= w[i] * p[j];
                        }
                    }
                    projected = new Dense.M(shape.out(), shape.in(), v);
                }
                expected = Dense.add(expected, projected, 1.0);
                double[] a = m.aMatrix().toDoubleArray();
                for (int r = 0; r < m.spec().rank(); r++) {
                    double[] row = new double[shape.in()];
                    System.arraycopy(a, r * shape.in(), row, 0, shape.in());
                    for (double[] p : basis) {
                        double dot = 0;
                        for (int j = 0; j < row.length; j++) {
                            dot += row[j] * p[j];
                        }
                        for (int j = 0; j < row.length; j++) {
                            row[j] -= dot * p[j];
                        }
                    }
                    double norm = 0;
                    for (double x : row) {
                        norm += x * x;
                    }
                    norm = Math.sqrt(norm);
                    for (int j = 0; j < row.length; j++) {
                        row[j] /= norm;
                    }
                    basis.add(row);
                }
            }
            Dense.M got = Dense.M.of(merged.dense(module));
            assertBelow(Dense.relError(got, expected), 1e-4, "orthogonal_sum " + module + " vs dense reference");
        }
        Adapter opcm = MergeExperiment.orthogonalized(MergeExperiment.OPCM, adapters);
        Adapter direct = ContinualMerge.merge(adapters);
        for (String module : direct.modules()) {
            assertBelow(
                    Dense.relError(Dense.M.of(opcm.dense(module)), Dense.M.of(direct.dense(module))),
                    1e-12,
                    "opcm " + module + " is ContinualMerge's");
        }
    }
}
