package org.loralgebra.kernel.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.OptionalDouble;
import org.loralgebra.Adapter;
import org.loralgebra.exec.TopSvdStats;
import org.loralgebra.stdlib.json.ReportJson;

/**
 * The {@code --json} report of a verb that writes an adapter ({@code merge}, {@code cluster}, {@code squeeze}): one
 * JSON object, pretty printed like every report, {@code {"output": PATH, "verb": VERB, "method": METHOD, "inputs": N, "modules": M, "ranks": {MODULE: r}}}
 * ({@code method} only where the verb has one).
 */
final class WrittenAdapterJson {
    private WrittenAdapterJson() {}

    /** The report of {@code verb} (with {@code method}, or null) writing {@code written} to {@code output}. */
    static String of(String verb, String method, int inputs, Path output, Adapter written) {
        return of(verb, method, inputs, output, written, null);
    }

    /**
     * The same report, with {@code "top_svd": {"randomized", "exact_fallback", "iterations", "worst_residual"}} when
     * {@code topSvd} says randomized top-k SVDs ran (the dense merges' final SVD, {@link TopSvdStats}).
     */
    static String of(
            String verb, String method, int inputs, Path output, Adapter written, TopSvdStats.Snapshot topSvd) {
        return of(verb, method, OptionalDouble.empty(), inputs, output, written, topSvd);
    }

    /** The same report, with {@code "density"} after {@code "method"} when the merge pruned (given or defaulted). */
    static String of(
            String verb,
            String method,
            OptionalDouble density,
            int inputs,
            Path output,
            Adapter written,
            TopSvdStats.Snapshot topSvd) {
        ObjectNode root = ReportJson.object();
        root.put("output", output.toString());
        root.put("verb", verb);
        if (method != null) {
            root.put("method", method);
        }
        density.ifPresent(d -> root.put("density", d));
        root.put("inputs", inputs);
        root.put("modules", written.modules().size());
        ObjectNode ranks = root.putObject("ranks");
        written.type().modules().forEach((name, spec) -> ranks.put(name, spec.rank()));
        if (topSvd != null && !topSvd.none()) {
            ObjectNode t = root.putObject("top_svd");
            t.put("randomized", topSvd.converged());
            t.put("exact_fallback", topSvd.fellBack());
            t.put("iterations", topSvd.iterations());
            t.put("worst_residual", topSvd.worstAcceptedResidual());
        }
        return ReportJson.text(root);
    }
}
