package org.loralgebra.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Files for tests, built byte by byte without the code under test: safetensors files from raw tensors (header
 * JSON written by hand, offsets in the given order), checksums and listings of folders.
 */
public final class TestFiles {
    private TestFiles() {}

    /** A tensor as a header dtype name, a shape and its little-endian bytes. */
    public record Raw(String dtype, long[] shape, byte[] data) {
        /** The header entry for this tensor at {@code [begin, begin + size)}. */
        String entry(String name, long begin) {
            return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":"
                    + Arrays.toString(shape).replace(" ", "") + ",\"data_offsets\":[" + begin + ","
                    + (begin + data.length) + "]}";
        }

        /** The values, decoded as F32. */
        public float[] floats() {
            float[] out = new float[data.length / 4];
            ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }
    }

    /** An F32 tensor of {@code values}. */
    public static Raw f32(long[] shape, float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return new Raw("F32", shape, b.array());
    }

    /** An F32 tensor of seeded N(0, 1) values. */
    public static Raw randomF32(long seed, long... shape) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = (int) Arrays.stream(shape).reduce(1, (x, y) -> x * y);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return f32(shape, v);
    }

    /** A safetensors file: the tensors in the given order, each right after the previous one. */
    public static byte[] safetensors(Map<String, Raw> tensors, Map<String, String> metadata) {
        List<String> entries = new ArrayList<>();
        if (!metadata.isEmpty()) {
            entries.add("\"__metadata__\":{"
                    + metadata.entrySet().stream()
                            .map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
                            .collect(Collectors.joining(","))
                    + "}");
        }
        long offset = 0;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Map.Entry<String, Raw> e : tensors.entrySet()) {
            entries.add(e.getValue().entry(e.getKey(), offset));
            offset += e.getValue().data().length;
            data.writeBytes(e.getValue().data());
        }
        return file("{" + String.join(",", entries) + "}", data.toByteArray());
    }

    /** A safetensors file of {@code header} (padded with spaces to a multiple of 8) and {@code data}. */
    public static byte[] file(String header, byte[] data) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) {
            b.put((byte) ' ');
        }
        b.put(data);
        return b.array();
    }

    /** An ordered map, for tensors in file order. */
    public static Map<String, Raw> tensors(Object... nameThenRaw) {
        Map<String, Raw> out = new LinkedHashMap<>();
        for (int i = 0; i < nameThenRaw.length; i += 2) {
            out.put((String) nameThenRaw[i], (Raw) nameThenRaw[i + 1]);
        }
        return out;
    }

    /** Writes {@code bytes} to {@code file}, creating folders. */
    public static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code text} to {@code file}, creating folders. */
    public static Path write(Path file, String text) {
        return write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** SHA-256 over every file under {@code root} (relative names and contents, sorted), or of one file. */
    public static String checksum(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                md.update(root.relativize(p).toString().getBytes(StandardCharsets.UTF_8));
                md.update(Files.readAllBytes(p));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The names in {@code dir}, hidden ones included, sorted. */
    public static List<String> listing(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies a folder's files (one level) into {@code target}. */
    public static Path copyFolder(Path source, Path target) {
        try {
            Files.createDirectories(target);
            try (Stream<Path> s = Files.list(source)) {
                for (Path p : s.toList()) {
                    Files.copy(p, target.resolve(p.getFileName().toString()));
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
