package org.loralgebra.stdlib.lab;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import org.loralgebra.Adapter;
import org.loralgebra.Lora;
import org.loralgebra.io.files.AtomicWrites;
import org.loralgebra.lang.LoraException;

/**
 * Where the lab keeps what it trained: {@code $XDG_CACHE_HOME/loralgebra/lab}, else
 * {@code ~/.cache/loralgebra/lab}. Entries are keyed by a hash of everything that determines them (so changed
 * settings never reuse a stale entry), written atomically, and checked when read: a base model file carries a
 * CRC-32, as does a float array (the text suite's encoded texts and head), an adapter folder must load and evaluate;
 * a corrupt entry is ignored and rebuilt.
 */
public final class LabCache {
    private static final int MAGIC = 0x4C4C4142; // "LLAB"
    private static final int VERSION = 1;

    private final Path root;

    private LabCache(Path root) {
        this.root = root;
    }

    /** The user's cache folder (see the class documentation). */
    public static LabCache user() {
        return at(userFolder(System.getenv(), Path.of(System.getProperty("user.home"))));
    }

    /** A cache in the given folder. */
    public static LabCache at(Path folder) {
        return new LabCache(folder);
    }

    /** The user's lab cache folder from the environment and home folder. */
    static Path userFolder(Map<String, String> env, Path home) {
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home.resolve(".cache");
        return base.resolve("loralgebra").resolve("lab");
    }

    /** The cache's folder. */
    public Path folder() {
        return root;
    }

    /** The hex SHA-256 (first 16 bytes) of a description of settings: the key of what they produce. */
    public static String key(String settings) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(settings.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JVM", e);
        }
    }

    /** The model stored under {@code key}, or the one {@code train} makes (then stored) if absent or corrupt. */
    public Mlp model(String key, Supplier<Mlp> train) {
        Path file = root.resolve("model-" + key + ".bin");
        if (Files.isRegularFile(file)) {
            Mlp m = readModel(file);
            if (m != null) {
                return m;
            }
        }
        Mlp m = train.get();
        byte[] bytes = encode(m);
        AtomicWrites.writeFile(file, tmp -> Files.write(tmp, bytes));
        return m;
    }

    /**
     * The adapter stored under {@code key}, or the one {@code write} writes into the folder it is given (then
     * stored) if absent or unreadable.
     */
    public Adapter adapter(String key, Consumer<Path> write) {
        Path folder = root.resolve("adapter-" + key);
        if (Files.isDirectory(folder)) {
            try {
                Adapter a = Lora.load(folder);
                for (String m : a.modules()) {
                    a.dense(m);
                }
                return a;
            } catch (LoraException | UncheckedIOException e) {
                // a corrupt entry is rebuilt below
            }
        }
        write.accept(folder);
        return Lora.load(folder);
    }

    /**
     * The float array stored under {@code key}, or the one {@code make} computes (then stored) if absent or
     * corrupt (a file of little-endian floats with its length and a CRC-32).
     */
    public float[] floats(String key, Supplier<float[]> make) {
        Path file = root.resolve("floats-" + key + ".bin");
        if (Files.isRegularFile(file)) {
            float[] v = readFloats(file);
            if (v != null) {
                return v;
            }
        }
        float[] v = make.get();
        ByteBuffer buf = ByteBuffer.allocate(16 + 4 * v.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(MAGIC).putInt(VERSION).putLong(v.length);
        buf.asFloatBuffer().put(v);
        buf.position(16 + 4 * v.length);
        CRC32 crc = new CRC32();
        crc.update(buf.array(), 0, 16 + 4 * v.length);
        buf.putLong(crc.getValue());
        byte[] bytes = buf.array();
        AtomicWrites.writeFile(file, tmp -> Files.write(tmp, bytes));
        return v;
    }

    private static float[] readFloats(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length < 24) {
                return null;
            }
            ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            if (buf.getInt() != MAGIC || buf.getInt() != VERSION) {
                return null;
            }
            long n = buf.getLong();
            if (n < 0 || bytes.length != 16 + 4 * n + 8) {
                return null;
            }
            CRC32 crc = new CRC32();
            crc.update(bytes, 0, (int) (16 + 4 * n));
            if (buf.getLong((int) (16 + 4 * n)) != crc.getValue()) {
                return null;
            }
            float[] v = new float[(int) n];
            buf.position(16);
            buf.asFloatBuffer().get(v);
            return v;
        } catch (IOException e) {
            return null;
        }
    }

    static byte[] encode(Mlp m) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(m.name());
            int[] sizes = m.sizes();
            out.writeInt(sizes.length);
            for (int s : sizes) {
                out.writeInt(s);
            }
            for (int l = 0; l < sizes.length - 1; l++) {
                for (float v : m.weight(l)) {
                    out.writeFloat(v);
                }
                for (float v : m.bias(l)) {
                    out.writeFloat(v);
                }
            }
            out.flush();
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The model in a cache file, or null when the file is corrupt (wrong magic, length or checksum). */
    static Mlp readModel(Path file) {
        try {
            byte[] all = Files.readAllBytes(file);
            if (all.length < 16) {
                return null;
            }
            CRC32 crc = new CRC32();
            crc.update(all, 0, all.length - 8);
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(all));
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                return null;
            }
            String name = in.readUTF();
            int n = in.readInt();
            if (n < 2 || n > 64) {
                return null;
            }
            int[] sizes = new int[n];
            long total = 0;
            for (int i = 0; i < n; i++) {
                sizes[i] = in.readInt();
                if (sizes[i] < 1) {
                    return null;
                }
            }
            for (int l = 0; l < n - 1; l++) {
                total += (long) sizes[l + 1] * sizes[l] + sizes[l + 1];
            }
            if (in.available() != total * 4 + 8) {
                return null;
            }
            float[][] w = new float[n - 1][];
            float[][] b = new float[n - 1][];
            for (int l = 0; l < n - 1; l++) {
                w[l] = floats(in, sizes[l + 1] * sizes[l]);
                b[l] = floats(in, sizes[l + 1]);
            }
            if (in.readLong() != crc.getValue()) {
                return null;
            }
            return new Mlp(name, sizes, w, b);
        } catch (IOException e) {
            return null;
        }
    }

    private static float[] floats(DataInputStream in, int n) throws IOException {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = in.readFloat();
        }
        return out;
    }
}
