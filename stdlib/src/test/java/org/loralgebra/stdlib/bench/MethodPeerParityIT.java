package org.loralgebra.stdlib.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertBelow;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Adapter;
import org.loralgebra.DenseMatrix;
import org.loralgebra.Lora;
import org.loralgebra.io.safetensors.SafetensorsFile;
import org.loralgebra.tensor.Tensor;

/**
 * The numpy peer of {@code lora bench --methods} computes each 2025 merging method the way its reference code does
 * (dense updates, dense SVDs); ours computes it factored or streamed. Both must give the same merged update: on
 * three small adapters of ranks 3, 4 and 5 (Llama-shaped modules 48×48, 80×48 and 48×80), every module of every
 * deterministic method agrees to 1e-4 relative (Frobenius). The methods that draw random masks (DELLA, KnOTS-DARE)
 * use different generators on the two sides and are only checked for shape here; their dense references are in
 * {@code stdlib}'s merge tests.
 */
class MethodPeerParityIT {
    private static final List<String> RANDOM = List.of("knots_dare_ties", "della", "della_linear");
    private static final String PREFIX = "base_model.model.";

    @TempDir
    Path tmp;

    @Test
    void everyMethodEqualsTheNumpyPeersDenseReferenceWay() {
        List<SyntheticAdapters.Shape> shapes = SyntheticAdapters.llama(1, 48, 80);
        List<Path> folders = new ArrayList<>();
        int[] ranks = {3, 4, 5};
        for (int i = 0; i < ranks.length; i++) {
            Path folder = tmp.resolve("a" + (i + 1));
            SyntheticAdapters.write(folder, shapes, ranks[i], 11 + i);
            folders.add(folder);
        }
        Path emit = tmp.resolve("emit");
        JsonNode peer = NumpyPeer.run(
                List.of(
                        "--adapters",
                        String.join(",", folders.stream().map(Path::toString).toList()),
                        "--ops",
                        String.join(",", MethodOps.METHODS),
                        "--emit",
                        emit.toString(),
                        "--threads",
                        "1"),
                tmp.resolve("scratch"),
                600);
        List<Adapter> inputs = folders.stream().map(Lora::load).toList();
        List<String> report = new ArrayList<>();
        for (String method : MethodOps.METHODS) {
            assertTrue(peer.path("ops").has(method), "the peer's report lacks " + method + ": " + peer);
            Adapter ours = MethodOps.merge(method, inputs.subList(0, MethodOps.inputs(method)))
                    .adapter()
                    .eval();
            SafetensorsFile theirs = SafetensorsFile.open(emit.resolve(method + ".safetensors"));
            assertEquals(shapes.size(), theirs.tensors().size(), method + ": modules the peer wrote");
            for (String key : theirs.tensors().keySet()) {
                String module = key.startsWith(PREFIX) ? key.substring(PREFIX.length()) : key;
                DenseMatrix mine = ours.dense(module);
                Tensor t = theirs.read(key);
                assertEquals(mine.rows(), (int) t.dim(0), method + " " + module + ": rows");
                assertEquals(mine.cols(), (int) t.dim(1), method + " " + module + ": columns");
                if (RANDOM.contains(method)) {
                    continue;
                }
                DenseMatrix reference = new DenseMatrix(mine.rows(), mine.cols(), t.toDoubleArray());
                double error = mine.minus(reference).frobeniusNorm() / reference.frobeniusNorm();
                report.add(String.format("%s %s %.2e", method, module, error));
                assertBelow(error, 1e-4, method + " on " + module + ": ours vs the numpy peer, relative Frobenius");
            }
        }
        assertEquals((MethodOps.METHODS.size() - RANDOM.size()) * shapes.size(), report.size(), report.toString());
    }
}
