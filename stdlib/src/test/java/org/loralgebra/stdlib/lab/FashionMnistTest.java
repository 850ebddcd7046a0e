package org.loralgebra.stdlib.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.lang.LoraException;

/** The IDX reader on Debian's files and on broken ones. */
class FashionMnistTest {
    @TempDir
    Path dir;

    @Test
    void readsTheInstalledFiles() {
        LabeledImages train = FashionMnist.installed().train(100);
        LabeledImages test = FashionMnist.installed().test(100);
        assertEquals(100, train.count());
        assertEquals(784, train.pixels());
        // the first training and test images of Fashion-MNIST are both ankle boots (class 9)
        assertEquals(9, train.label(0));
        assertEquals(9, test.label(0));
        for (float v : train.values()) {
            assertTrue(v >= 0 && v <= 1, "pixel " + v);
        }
        int[] counts = new int[10];
        for (int l : FashionMnist.installed().train(6000).labels()) {
            counts[l]++;
        }
        for (int c = 0; c < 10; c++) {
            assertTrue(counts[c] > 450 && counts[c] < 750, "class " + c + ": " + counts[c] + " of 6000");
        }
    }

    @Test
    void aMissingFileNamesItAndTheDebianPackage() {
        var e = assertThrows(LoraException.class, () -> FashionMnist.in(dir).train(1));
        assertTrue(
                e.getMessage()
                                .contains(dir.resolve("train-images-idx3-ubyte.gz")
                                        .toString())
                        || e.getMessage()
                                .contains(dir.resolve("train-labels-idx1-ubyte.gz")
                                        .toString()),
                e.getMessage());
        assertTrue(e.getMessage().contains("dataset-fashion-mnist"), e.getMessage());
    }

    @Test
    void aWrongMagicOrATruncatedFileIsNamed() throws Exception {
        write(dir.resolve("train-labels-idx1-ubyte.gz"), 0x801, 5, 3);
        write(dir.resolve("train-images-idx3-ubyte.gz"), 0x1234, 5, 0);
        var magic = assertThrows(LoraException.class, () -> FashionMnist.in(dir).train(2));
        assertTrue(
                magic.getMessage().contains("train-images-idx3-ubyte.gz")
                        && magic.getMessage().contains("0x00001234")
                        && magic.getMessage().contains("0x00000803"),
                magic.getMessage());
        var truncated =
                assertThrows(LoraException.class, () -> FashionMnist.in(dir).train(4));
        assertTrue(
                truncated.getMessage().contains("train-labels-idx1-ubyte.gz")
                        && truncated.getMessage().contains("ends early"),
                truncated.getMessage());
    }

    /** An IDX header (magic, count) followed by {@code items} zero bytes, gzipped. */
    private static void write(Path file, int magic, int count, int items) throws Exception {
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(magic);
            out.writeInt(count);
            out.write(new byte[items]);
        }
    }
}
