package org.loralgebra.stdlib.lab;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.loralgebra.lang.LoraException;

/**
 * Fashion-MNIST (Xiao et al. 2017; 60,000 training and 10,000 test images, 28×28, ten classes, MIT licence) read
 * from the gzipped IDX files that Debian's {@code dataset-fashion-mnist} package installs in
 * {@code /usr/share/datasets/fashion-mnist}. Nothing is downloaded: a missing file is an error naming the package.
 * Pixels are scaled to [0, 1] (byte / 255).
 */
public final class FashionMnist {
    /** The Debian package that provides the files. */
    public static final String DEBIAN_PACKAGE = "dataset-fashion-mnist";
    /** Where the Debian package puts them. */
    public static final Path DEFAULT_FOLDER = Path.of("/usr/share/datasets/fashion-mnist");

    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    private final Path folder;

    private FashionMnist(Path folder) {
        this.folder = folder;
    }

    /** The files in the Debian package's folder. */
    public static FashionMnist installed() {
        return in(DEFAULT_FOLDER);
    }

    /** The files in another folder (the same four file names). */
    public static FashionMnist in(Path folder) {
        return new FashionMnist(folder);
    }

    /** The folder read. */
    public Path folder() {
        return folder;
    }

    /** The first {@code n} training images (at most 60,000). */
    public LabeledImages train(int n) {
        return read("train", n);
    }

    /** The first {@code n} test images (at most 10,000). */
    public LabeledImages test(int n) {
        return read("t10k", n);
    }

    private LabeledImages read(String split, int n) {
        Path images = folder.resolve(split + "-images-idx3-ubyte.gz");
        Path labels = folder.resolve(split + "-labels-idx1-ubyte.gz");
        for (Path p : new Path[] {images, labels}) {
            if (!Files.isRegularFile(p)) {
                throw new LoraException("Fashion-MNIST: " + p + " is missing; install the Debian package "
                        + DEBIAN_PACKAGE + " (apt-get install " + DEBIAN_PACKAGE + ")");
            }
        }
        int[] l = readLabels(labels, n);
        float[] v = readImages(images, n);
        return new LabeledImages(ImageDomain.SIDE * ImageDomain.SIDE, v, l);
    }

    private static int[] readLabels(Path file, int n) {
        try (DataInputStream in = open(file)) {
            int count = header(in, file, LABELS_MAGIC, n);
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                out[i] = in.readUnsignedByte();
                if (out[i] > 9) {
                    throw new LoraException("Fashion-MNIST: " + file + ": label " + i + " is " + out[i]
                            + ", expected 0..9 (of " + count + ")");
                }
            }
            return out;
        } catch (EOFException e) {
            throw truncated(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Fashion-MNIST: cannot read " + file, e);
        }
    }

    private static float[] readImages(Path file, int n) {
        try (DataInputStream in = open(file)) {
            header(in, file, IMAGES_MAGIC, n);
            int rows = in.readInt();
            int cols = in.readInt();
            if (rows != ImageDomain.SIDE || cols != ImageDomain.SIDE) {
                throw new LoraException("Fashion-MNIST: " + file + ": images of " + rows + "×" + cols + ", expected "
                        + ImageDomain.SIDE + "×" + ImageDomain.SIDE);
            }
            byte[] raw = new byte[n * rows * cols];
            in.readFully(raw);
            float[] out = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                out[i] = (raw[i] & 0xff) / 255f;
            }
            return out;
        } catch (EOFException e) {
            throw truncated(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Fashion-MNIST: cannot read " + file, e);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        try {
            return new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16));
        } catch (IOException e) {
            raw.close();
            throw new LoraException("Fashion-MNIST: " + file + " is not a gzip file: " + e.getMessage());
        }
    }

    private static int header(DataInputStream in, Path file, int magic, int n) throws IOException {
        int found = in.readInt();
        if (found != magic) {
            throw new LoraException(
                    String.format("Fashion-MNIST: %s: IDX magic 0x%08x, expected 0x%08x", file, found, magic));
        }
        int count = in.readInt();
        if (n < 0 || n > count) {
            throw new LoraException("Fashion-MNIST: " + file + " holds " + count + " items, " + n + " asked for");
        }
        return count;
    }

    private static LoraException truncated(Path file) {
        return new LoraException("Fashion-MNIST: " + file + " ends early (truncated download or copy?)");
    }
}
