package org.loralgebra.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.RealAdapters;
import org.loralgebra.SaveOptions;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.lang.LoraException;
import org.loralgebra.model.AdapterFormat;

/**
 * The real example adapters (and a LyCORIS file of every stored form), damaged in seeded ways a disk, a download or a hand edit damages files (cut short, a
 * header byte changed, a header length, dtype, shape or offset wrong, a data byte changed, a NaN written in, a config
 * value of the wrong type), then loaded, summarised, their spectra computed and a truncation saved. Each damaged input
 * must either work — with spectra that are finite, non-negative and descending, and a saved truncation that reads back
 * with the same leading singular values — or be refused by a {@link LoraException} (an
 * {@link AdapterFormatException} naming the damaged file); never another exception, and the input is never modified.
 */
class MutatedInputsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PEFT_FOLDERS = List.of("distilbert-imdb", "distilbert-emotion", "gpt2-tigrinya");

    @TempDir
    Path tmp;

    /** What a mutation did, for the failure message, and the damaged input it wrote. */
    private record Mutant(String description, String kind, Path input) {}

    @Test
    void damagedSafetensorsFilesWorkOrAreRefusedByName() throws IOException {
        List<Path> sources = new ArrayList<>();
        PEFT_FOLDERS.forEach(name -> sources.add(RealAdapters.path(name)));
        Path sd = RealAdapters.path("sd15-rickmorty").resolve("pytorch_lora_weights.safetensors");
        sources.add(sd);
        sources.add(RealAdapters.path("sd-unet-diffusers-faithsang").resolve("pytorch_lora_weights.safetensors"));
        Path kohya = tmp.resolve("kohya.safetensors");
        Lora.load(sd).save(kohya, SaveOptions.defaults().withFormat(AdapterFormat.KOHYA));
        sources.add(kohya);
        sources.add(lycorisFile());
        SortedMap<String, int[]> outcomes = new TreeMap<>(); // kind -> {worked, refused}
        for (int s = 0; s < sources.size(); s++) {
            Path source = sources.get(s);
            check(new Mutant("unchanged", "control", copy(source, "control-" + s, Function.identity())), outcomes);
            SplittableRandom random = new SplittableRandom(1000 + s);
            for (int i = 0; i < 45; i++) {
                check(damageWeights(source, "w" + s + "-" + i, random), outcomes);
            }
        }
        assertEquals(0, outcomes.get("control")[1], "an undamaged input was refused");
        for (String kind : List.of("truncated", "header byte", "header length", "header entry", "NaN or ∞")) {
            assertTrue(
                    outcomes.containsKey(kind) && outcomes.get(kind)[1] > 0,
                    "no '" + kind + "' refused: " + table(outcomes));
        }
    }

    @Test
    void damagedConfigsWorkOrAreRefusedByName() throws IOException {
        SortedMap<String, int[]> outcomes = new TreeMap<>();
        List<JsonNode> values = new ArrayList<>();
        for (String v : new String[] {
            "0",
            "-3",
            "1099511627776",
            "2.5",
            "1e308",
            "\"x\"",
            "\"8\"",
            "\"\"",
            "\"false\"",
            "null",
            "true",
            "[1, 2]",
            "[\"nope\"]",
            "{\"a\": 1}",
            "{\".*q_lin\": 0}",
            "{\"q_lin\": -1}",
            "\"1\"",
            "[\"attention\"]",
            "[\"attn\"]"
        }) {
            values.add(JSON.readTree(v));
        }
        for (int s = 0; s < PEFT_FOLDERS.size(); s++) {
            Path source = RealAdapters.path(PEFT_FOLDERS.get(s));
            ObjectNode config = (ObjectNode) JSON.readTree(Files.readString(source.resolve("adapter_config.json")));
            List<String> anyKey = new ArrayList<>();
            config.fieldNames().forEachRemaining(anyKey::add);
            // half the changes go to the keys that decide what is read and how it is scaled
            List<String> readKeys = List.of(
                    "r",
                    "lora_alpha",
                    "use_rslora",
                    "use_dora",
                    "fan_in_fan_out",
                    "lora_bias",
                    "rank_pattern",
                    "alpha_pattern",
                    "target_modules",
                    "modules_to_save",
                    "layers_to_transform",
                    "peft_type");
            SplittableRandom random = new SplittableRandom(2000 + s);
            for (int i = 0; i < 80; i++) {
                List<String> keys = random.nextBoolean() ? readKeys : anyKey;
                String key = keys.get(random.nextInt(keys.size()));
                JsonNode value = values.get(random.nextInt(values.size()));
                String text;
                String description;
                if (random.nextInt(10) == 0) {
                    String whole = config.toString();
                    int cut = random.nextInt(whole.length());
                    text = whole.substring(0, cut);
                    description = "config cut at character " + cut;
                } else {
                    text = config.deepCopy().set(key, value).toString();
                    description = "\"" + key + "\": " + value;
                }
                Path folder = copy(source, "c" + s + "-" + i, Function.identity());
                Files.writeString(folder.resolve("adapter_config.json"), text);
                check(new Mutant(description, "config", folder), outcomes);
            }
        }
        int[] config = outcomes.get("config");
        assertTrue(config[0] > 0 && config[1] > 0, "configs worked / refused: " + table(outcomes));
    }

    /**
     * A LyCORIS file of every stored form its reader computes with: LoHa, LoKr with a whole first factor and with a
     * whole second one, a LoCon convolution with a Tucker core, and a plain convolution.
     */
    private Path lycorisFile() {
        String loha = "lora_unet_mid_block_attentions_0_proj_out";
        String lokr = "lora_unet_mid_block_attentions_0_proj_in";
        String lokrWhole2 = "lora_te_text_model_encoder_layers_0_self_attn_q_proj";
        String tucker = "lora_unet_mid_block_resnets_0_conv2";
        String conv = "lora_unet_mid_block_resnets_0_conv1";
        return TestFiles.write(
                tmp.resolve("lycoris.safetensors"),
                TestFiles.safetensors(
                        TestFiles.tensors(
                                loha + ".hada_w1_a", TestFiles.randomF32(1, 64, 4),
                                loha + ".hada_w1_b", TestFiles.randomF32(2, 4, 32),
                                loha + ".hada_w2_a", TestFiles.randomF32(3, 64, 4),
                                loha + ".hada_w2_b", TestFiles.randomF32(4, 4, 32),
                                loha + ".alpha", TestFiles.f32(new long[0], 2f),
                                lokr + ".lokr_w1", TestFiles.randomF32(5, 4, 2),
                                lokr + ".lokr_w2_a", TestFiles.randomF32(6, 16, 3),
                                lokr + ".lokr_w2_b", TestFiles.randomF32(7, 3, 16),
                                lokr + ".alpha", TestFiles.f32(new long[0], 3f),
                                lokrWhole2 + ".lokr_w1_a", TestFiles.randomF32(8, 2, 1),
                                lokrWhole2 + ".lokr_w1_b", TestFiles.randomF32(9, 1, 4),
                                lokrWhole2 + ".lokr_w2", TestFiles.randomF32(10, 8, 8),
                                tucker + ".lora_down.weight", TestFiles.randomF32(11, 4, 8, 1, 1),
                                tucker + ".lora_mid.weight", TestFiles.randomF32(12, 4, 4, 3, 3),
                                tucker + ".lora_up.weight", TestFiles.randomF32(13, 16, 4, 1, 1),
                                tucker + ".alpha", TestFiles.f32(new long[0], 4f),
                                conv + ".lora_down.weight", TestFiles.randomF32(14, 4, 8, 3, 3),
                                conv + ".lora_up.weight", TestFiles.randomF32(15, 16, 4, 1, 1),
                                conv + ".alpha", TestFiles.f32(new long[0], 4f)),
                        Map.of("ss_network_module", "lycoris.kohya")));
    }

    /** One seeded damage to the weights file of {@code source} (a PEFT folder or a single file). */
    private Mutant damageWeights(Path source, String name, SplittableRandom random) throws IOException {
        Path file = weights(source);
        byte[] bytes = Files.readAllBytes(file);
        int headerLength = (int) littleEndianLong(bytes, 0);
        int dataStart = 8 + headerLength;
        byte[] damaged = bytes.clone();
        String kind;
        String description;
        switch (random.nextInt(6)) {
            case 0 -> {
                int cut = random.nextInt(bytes.length);
                damaged = Arrays.copyOf(bytes, cut);
                kind = "truncated";
                description = "cut to " + cut + " of " + bytes.length + " bytes";
            }
            case 1 -> {
                int at = 8 + random.nextInt(headerLength);
                String chars = " {}[]\",:0123456789-eE.FIUBnul";
                damaged[at] = (byte) chars.charAt(random.nextInt(chars.length()));
                kind = "header byte";
                description = "header byte " + at + " '" + (char) bytes[at] + "' -> '" + (char) damaged[at] + "'";
            }
            case 2 -> {
                long[] lengths = {0, -1, headerLength + 1 + random.nextInt(100), bytes.length, Long.MAX_VALUE};
                long length = lengths[random.nextInt(lengths.length)];
                putLittleEndianLong(damaged, length);
                kind = "header length";
                description = "header length " + headerLength + " -> " + length;
            }
            case 3 -> {
                ObjectNode header = (ObjectNode) JSON.readTree(new String(bytes, 8, headerLength, "UTF-8"));
                description = damageEntry(header, random);
                byte[] data = Arrays.copyOfRange(bytes, dataStart, bytes.length);
                damaged = TestFiles.file(header.toString(), data);
                kind = "header entry";
            }
            case 4 -> {
                int at = dataStart + random.nextInt(bytes.length - dataStart);
                damaged[at] = (byte) random.nextInt(256);
                kind = "data byte";
                description = "data byte " + at + " -> " + (damaged[at] & 0xff);
            }
            default -> {
                int at = dataStart + 4 * random.nextInt((bytes.length - dataStart) / 4);
                float value = random.nextBoolean() ? Float.NaN : Float.POSITIVE_INFINITY;
                int bits = Float.floatToRawIntBits(value);
                for (int k = 0; k < 4; k++) {
                    damaged[at + k] = (byte) (bits >>> (8 * k));
                }
                kind = "NaN or ∞";
                description = value + " written at byte " + at;
            }
        }
        byte[] written = damaged;
        return new Mutant(description, kind, copy(source, name, b -> written));
    }

    /** A structured change to one tensor entry of {@code header}; returns what it did. */
    private static String damageEntry(ObjectNode header, SplittableRandom random) {
        List<String> names = new ArrayList<>();
        header.fieldNames().forEachRemaining(n -> {
            if (!n.equals("__metadata__")) {
                names.add(n);
            }
        });
        String name = names.get(random.nextInt(names.size()));
        ObjectNode entry = (ObjectNode) header.get(name);
        ArrayNode shape = (ArrayNode) entry.get("shape");
        ArrayNode offsets = (ArrayNode) entry.get("data_offsets");
        switch (random.nextInt(7)) {
            case 0 -> {
                String[] dtypes = {"F16", "BF16", "F64", "I8", "U8", "BOOL", "I64", "XX", ""};
                String dtype = dtypes[random.nextInt(dtypes.length)];
                entry.put("dtype", dtype);
                return name + ": dtype " + dtype;
            }
            case 1 -> {
                if (shape.isEmpty()) {
                    shape.add(2);
                    return name + ": a scalar given shape [2]";
                }
                int axis = random.nextInt(shape.size());
                long[] sizes = {
                    0,
                    -1,
                    1L << 40,
                    shape.get(axis).asLong() * 2,
                    shape.get(axis).asLong() / 2
                };
                long size = sizes[random.nextInt(sizes.length)];
                shape.set(axis, JsonNodeFactory.instance.numberNode(size));
                return name + ": shape[" + axis + "] " + size;
            }
            case 2 -> {
                shape.add(1);
                return name + ": one more axis";
            }
            case 3 -> {
                long begin = offsets.get(0).asLong();
                offsets.set(0, offsets.get(1));
                offsets.set(1, JsonNodeFactory.instance.numberNode(begin));
                return name + ": offsets swapped";
            }
            case 4 -> {
                header.remove(name);
                return name + ": removed";
            }
            case 5 -> {
                entry.put("shape", "[8, 768]");
                return name + ": shape as a string";
            }
            default -> {
                entry.remove("data_offsets");
                return name + ": no data_offsets";
            }
        }
    }

    /** Loads, summarises, computes spectra and saves a truncation of {@code m}, checking what the class says. */
    private void check(Mutant m, Map<String, int[]> outcomes) {
        String before = TestFiles.checksum(m.input());
        int[] counts = outcomes.computeIfAbsent(m.kind(), k -> new int[2]);
        try {
            Adapter a = Lora.load(m.input());
            a.summary();
            SortedMap<String, double[]> spectra = a.spectrum().values();
            boolean folder = Files.isDirectory(m.input());
            Path out = m.input().resolveSibling(m.input().getFileName() + (folder ? "-out" : "-out.safetensors"));
            a.truncate(2).save(out.toString());
            SortedMap<String, double[]> saved = Lora.load(out).spectrum().values();
            for (Map.Entry<String, double[]> e : spectra.entrySet()) {
                checkSpectrum(m, e.getKey(), e.getValue(), saved.get(e.getKey()));
            }
            counts[0]++;
        } catch (LoraException e) {
            if (e instanceof AdapterFormatException
                    && !e.getMessage().contains(m.input().getFileName().toString())) {
                fail(m.kind() + " (" + m.description() + "): the refusal does not name the file: " + e.getMessage());
            }
            counts[1]++;
        } catch (Throwable e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            fail(m.kind() + " (" + m.description() + "): " + e + " instead of a LoraException\n" + trace);
        }
        assertEquals(before, TestFiles.checksum(m.input()), m.kind() + " (" + m.description() + "): input modified");
    }

    private static void checkSpectrum(Mutant m, String module, double[] values, double[] saved) {
        String where = m.kind() + " (" + m.description() + "), module " + module;
        for (int i = 0; i < values.length; i++) {
            assertTrue(Double.isFinite(values[i]) && values[i] >= 0, where + ": σ" + (i + 1) + " = " + values[i]);
            assertTrue(i == 0 || values[i] <= values[i - 1], where + ": not descending at σ" + (i + 1));
        }
        if (saved == null) {
            assertTrue(values.length == 0 || values[0] == 0, where + ": left out of the saved truncation");
            return;
        }
        double sigma1 = values.length == 0 ? 0 : values[0];
        for (int i = 0; i < Math.min(2, values.length); i++) {
            double got = i < saved.length ? saved[i] : 0;
            double error = Math.abs(got - values[i]);
            assertTrue(
                    error <= 1e-5 * sigma1 + 1e-30,
                    where + ": saved σ" + (i + 1) + " " + got + " vs " + values[i] + " (error " + error + ")");
        }
    }

    /** A copy of {@code source} under {@code name}, its weights file passed through {@code weights}. */
    private Path copy(Path source, String name, Function<byte[], byte[]> weights) {
        try {
            if (Files.isDirectory(source)) {
                Path folder = TestFiles.copyFolder(source, tmp.resolve(name));
                Path file = weights(folder);
                Files.write(file, weights.apply(Files.readAllBytes(file)));
                return folder;
            }
            return TestFiles.write(tmp.resolve(name + ".safetensors"), weights.apply(Files.readAllBytes(source)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path weights(Path source) {
        return Files.isDirectory(source) ? source.resolve("adapter_model.safetensors") : source;
    }

    private static long littleEndianLong(byte[] b, int at) {
        long v = 0;
        for (int k = 7; k >= 0; k--) {
            v = v << 8 | (b[at + k] & 0xff);
        }
        return v;
    }

    private static void putLittleEndianLong(byte[] b, long v) {
        for (int k = 0; k < 8; k++) {
            b[k] = (byte) (v >>> (8 * k));
        }
    }

    private static String table(Map<String, int[]> outcomes) {
        StringBuilder s = new StringBuilder();
        outcomes.forEach((k, v) -> s.append(k)
                .append(": ")
                .append(v[0])
                .append(" worked, ")
                .append(v[1])
                .append(" refused; "));
        return s.toString();
    }
}
