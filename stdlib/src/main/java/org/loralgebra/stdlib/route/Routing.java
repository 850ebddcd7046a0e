package org.loralgebra.stdlib.route;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.loralgebra.io.safetensors.SafetensorsWriter;
import org.loralgebra.stdlib.json.ReportJson;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/**
 * The result of routing a batch through one module: the routed update's contribution
 * {@code Y [tokens, out]} (scales included, base weight not), which experts each token used, and the
 * routing statistics.
 */
public final class Routing {
    private final String module;
    private final Execution execution;
    private final String gate;
    private final Selection selection;
    private final RoutingStats stats;
    private final RouteArrays arrays;
    private final RouteArrays.Array output;
    private volatile Tensor outputTensor;

    Routing(
            String module,
            Execution execution,
            String gate,
            Selection selection,
            List<String> labels,
            RouteArrays arrays,
            RouteArrays.Array output) {
        this.module = module;
        this.execution = execution;
        this.gate = gate;
        this.selection = selection;
        this.stats = RoutingStats.of(selection, labels);
        this.arrays = arrays;
        this.output = output;
    }

    /** Frees the output on the device now (the workload's timed loop does, as the numpy peer's arrays go). */
    void free() {
        arrays.free(output);
    }

    /** The module routed. */
    public String module() {
        return module;
    }

    /** How the mixture was computed. */
    public Execution execution() {
        return execution;
    }

    /** Each token's experts and weights. */
    public Selection selection() {
        return selection;
    }

    /** Load, entropy and balance of the batch. */
    public RoutingStats stats() {
        return stats;
    }

    /** Tokens routed. */
    public int tokens() {
        return output.rows();
    }

    /** The module's output size. */
    public int out() {
        return output.cols();
    }

    /** {@code Y [tokens, out]} in F32 (copied from the backend on first call, then kept). */
    public Tensor output() {
        Tensor t = outputTensor;
        if (t == null) {
            synchronized (this) {
                if (outputTensor == null) {
                    outputTensor = arrays.download(output, DType.F32);
                }
                t = outputTensor;
            }
        }
        return t;
    }

    /** {@code Y [tokens, out]} in a floating dtype (F64 keeps what an F64 engine computed). */
    public Tensor output(DType dtype) {
        return dtype == DType.F32 ? output() : arrays.download(output, dtype);
    }

    /** {@code Y} row-major in single precision (a fresh copy). */
    public float[] outputValues() {
        return arrays.floats(output);
    }

    /** Tokens per expert as an I64 tensor {@code [experts]}. */
    public Tensor expertLoad() {
        long[] load = stats.load();
        ByteBuffer b = ByteBuffer.allocate(load.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long n : load) {
            b.putLong(n);
        }
        b.flip();
        return Tensor.ofBytes(DType.I64, new long[] {load.length}, b);
    }

    /**
     * Writes {@code output [tokens, out]} (F32) and {@code expert_load [experts]} (I64) to a safetensors file,
     * atomically, with the module, gate, k and expert names in its metadata.
     */
    public void save(Path file) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("output", output());
        tensors.put("expert_load", expertLoad());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("module", module);
        meta.put("gate", gate);
        meta.put("top_k", Integer.toString(selection.k()));
        meta.put("experts", String.join("\n", stats.labels()));
        SafetensorsWriter.write(file, meta, tensors);
    }

    /** Module, gate, execution and statistics as JSON (not the output values). */
    public String toJson() {
        ObjectNode o = ReportJson.object();
        o.put("module", module);
        o.put("gate", gate);
        o.put("execution", execution.name().toLowerCase(Locale.ROOT));
        o.put("tokens", tokens());
        o.put("out", out());
        o.set("stats", stats.toJsonNode());
        return ReportJson.text(o);
    }

    @Override
    public String toString() {
        return "Routing of '" + module + "' [" + tokens() + " × " + out() + "] by " + gate + " ("
                + execution.name().toLowerCase(Locale.ROOT) + ")\n" + stats;
    }
}
