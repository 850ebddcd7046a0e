package org.loralgebra.io.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loralgebra.NumericAssertions.assertBelow;
import static org.loralgebra.io.TestFiles.f32;
import static org.loralgebra.io.TestFiles.file;
import static org.loralgebra.io.TestFiles.randomF32;
import static org.loralgebra.io.TestFiles.safetensors;
import static org.loralgebra.io.TestFiles.tensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loralgebra.io.TestFiles;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;

/** The safetensors reader: valid files read back exactly; every malformed file gets an error naming file and tensor. */
class SafetensorsFileTest {
    @TempDir
    Path tmp;

    @Test
    void readsTensorsMetadataScalarsAndEmptyTensors() throws Exception {
        TestFiles.Raw a = randomF32(1, 8, 768); // 24 KiB: copied
        TestFiles.Raw big = randomF32(2, 64, 300); // 75 KiB: deferred
        TestFiles.Raw scalar = f32(new long[0], 16f);
        TestFiles.Raw empty = new TestFiles.Raw("F16", new long[] {0, 4}, new byte[0]);
        TestFiles.Raw ids =
                new TestFiles.Raw("I64", new long[] {2}, new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0});
        Path p = TestFiles.write(
                tmp.resolve("ok.safetensors"),
                safetensors(
                        tensors("a", a, "big", big, "alpha", scalar, "empty", empty, "ids", ids),
                        Map.of("format", "pt")));
        SafetensorsFile f = SafetensorsFile.open(p);
        assertEquals(
                List.of("a", "big", "alpha", "empty", "ids"),
                List.copyOf(f.tensors().keySet()));
        assertEquals(Map.of("format", "pt"), f.metadata());
        assertArrayEquals(a.floats(), f.read("a").toFloatArray());
        assertArrayEquals(big.floats(), f.read("big").toFloatArray());
        Tensor alpha = f.read("alpha");
        assertEquals(0, alpha.rank());
        assertEquals(16.0, alpha.toDoubleArray()[0]);
        assertEquals(0, f.read("empty").numel());
        assertEquals(DType.I64, f.read("ids").dtype());
        assertEquals(2L, f.read("ids").bytes().order(ByteOrder.LITTLE_ENDIAN).getLong(8));
        assertEquals(Files.size(p), f.fileSize());
    }

    @Test
    void readsAFileWithNoTensors() {
        SafetensorsFile f =
                SafetensorsFile.open(TestFiles.write(tmp.resolve("none.safetensors"), file("{}", new byte[0])));
        assertTrue(f.tensors().isEmpty());
    }

    @Test
    void truncatedBelowTheLengthField() {
        Path p = TestFiles.write(tmp.resolve("tiny.safetensors"), new byte[] {1, 2, 3, 4, 5});
        assertError(p, null, "truncated", "5 bytes", "8-byte header length");
    }

    @Test
    void truncatedInTheData() {
        byte[] whole = safetensors(
                tensors(
                        "base_model.model.q.lora_A.weight",
                        randomF32(1, 8, 16),
                        "base_model.model.q.lora_B.weight",
                        randomF32(2, 16, 8)),
                Map.of());
        Path p = TestFiles.write(tmp.resolve("cut.safetensors"), Arrays.copyOf(whole, whole.length - 100));
        assertError(p, "base_model.model.q.lora_B.weight", "truncated", "[512, 1024]");
    }

    @Test
    void headerLengthPastTheEndOfTheFile() {
        ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN).putLong(1000);
        Path p = TestFiles.write(tmp.resolve("short.safetensors"), b.array());
        assertError(p, null, "header length 1000", "40 bytes", "truncated");
    }

    @Test
    void headerClaimedLargerThan100MB() {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(200_000_000L);
        Path p = TestFiles.write(tmp.resolve("huge.safetensors"), b.array());
        assertError(p, null, "200000000", "100000000");
        ByteBuffer neg = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1);
        assertError(TestFiles.write(tmp.resolve("neg.safetensors"), neg.array()), null, "18446744073709551615");
    }

    @Test
    void invalidJsonHeaders() {
        assertError(
                TestFiles.write(tmp.resolve("j1.safetensors"), file("{\"a\": ", new byte[0])), null, "invalid JSON");
        assertError(
                TestFiles.write(tmp.resolve("j2.safetensors"), file("[1, 2]", new byte[0])), null, "starting with '{'");
        assertError(TestFiles.write(tmp.resolve("j3.safetensors"), file("{} {}", new byte[0])), null, "invalid JSON");
        String dup = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertError(TestFiles.write(tmp.resolve("j4.safetensors"), file(dup, new byte[8])), null, "Duplicate", "'a'");
        byte[] badUtf8 = file("{\"\u00e9\":1}", new byte[0]);
        badUtf8[10] = (byte) 0xff; // inside the two bytes of é
        assertError(TestFiles.write(tmp.resolve("j5.safetensors"), badUtf8), null, "UTF-8");
    }

    @Test
    void overlappingOffsets() {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}";
        assertError(
                TestFiles.write(tmp.resolve("overlap.safetensors"), file(h, new byte[24])),
                "b",
                "overlapping 'a'",
                "[8, 24)");
    }

    @Test
    void offsetsOutOfRange() {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[16,32]}}";
        assertError(
                TestFiles.write(tmp.resolve("range.safetensors"), file(h, new byte[24])),
                "b",
                "24 bytes",
                "[16, 32]",
                "out of range");
        String reversed = "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}";
        assertError(TestFiles.write(tmp.resolve("rev.safetensors"), file(reversed, new byte[8])), "a", "begin <= end");
    }

    @Test
    void holesAndTrailingBytes() {
        String hole = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[20,36]}}";
        assertError(
                TestFiles.write(tmp.resolve("hole.safetensors"), file(hole, new byte[36])),
                "b",
                "starting at byte 16",
                "begin 20");
        String fits = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
        assertError(
                TestFiles.write(tmp.resolve("trail.safetensors"), file(fits, new byte[20])),
                null,
                "cover 16 bytes",
                "holds 20",
                "trailing");
    }

    @Test
    void dtypeAndShapeDisagreeingWithTheByteCount() {
        String h = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}";
        assertError(
                TestFiles.write(tmp.resolve("count.safetensors"), file(h, new byte[12])),
                "w",
                "expected 16 bytes for dtype F32 and shape [2, 2]",
                "found 12 bytes");
    }

    @Test
    void unknownDtypeAndBadFields() {
        String h = "{\"w\":{\"dtype\":\"F17\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        assertError(
                TestFiles.write(tmp.resolve("dtype.safetensors"), file(h, new byte[4])), "w", "known dtype", "\"F17\"");
        String shape = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[0,4]}}";
        assertError(TestFiles.write(tmp.resolve("shape.safetensors"), file(shape, new byte[4])), "w", "\"shape\"");
        String negative = "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}";
        assertError(TestFiles.write(tmp.resolve("neg.safetensors"), file(negative, new byte[4])), "w", "non-negative");
        String missing = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}";
        assertError(TestFiles.write(tmp.resolve("miss.safetensors"), file(missing, new byte[4])), "w", "data_offsets");
        String meta = "{\"__metadata__\":{\"format\":1}}";
        assertError(
                TestFiles.write(tmp.resolve("meta.safetensors"), file(meta, new byte[0])),
                null,
                "__metadata__",
                "'format'",
                "string");
    }

    @Test
    void detectsAFileChangedAfterOpening() throws Exception {
        Path p = TestFiles.write(tmp.resolve("w.safetensors"), safetensors(tensors("w", randomF32(3, 4, 4)), Map.of()));
        SafetensorsFile f = SafetensorsFile.open(p);
        Files.write(p, safetensors(tensors("w", randomF32(4, 4, 4), "x", randomF32(5, 1)), Map.of()));
        Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis() + 5000));
        assertError(() -> f.read("w"), p, null, "changed since it was opened");
        assertError(() -> SafetensorsFile.open(p).read("nope"), p, "nope", "none");
    }

    @Test
    void largeTensorsAreReadOnDemandStraightIntoTheDestinationAndScannedForNonFiniteValues() throws Exception {
        TestFiles.Raw clean = randomF32(6, 300, 700); // 820 KiB: several read chunks
        float[] values = randomF32(7, 300, 700).floats();
        values[200_000] = Float.POSITIVE_INFINITY; // in the fourth 256 KiB chunk
        values[200_001] = Float.NaN; // a later one is not reported
        Path p = TestFiles.write(
                tmp.resolve("big.safetensors"),
                safetensors(tensors("clean", clean, "bad", f32(new long[] {300, 700}, values)), Map.of()));
        SafetensorsFile f = SafetensorsFile.open(p);
        List<String> found = new ArrayList<>();
        NonFiniteListener listener = (t, index, value) -> found.add(t.name() + "@" + index + "=" + value);
        Tensor t = f.read(f.info("clean").orElseThrow(), listener);
        assertTrue(!t.inMemory(), "deferred");
        assertEquals(300L * 700 * 4, t.byteSize());
        ByteBuffer direct = ByteBuffer.allocateDirect(16 + (int) t.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        direct.position(16);
        t.copyTo(direct);
        assertEquals(direct.capacity(), direct.position());
        float[] copied = new float[300 * 700];
        direct.position(16);
        direct.asFloatBuffer().get(copied);
        assertArrayEquals(clean.floats(), copied);
        assertArrayEquals(clean.floats(), t.toFloatArray());
        assertEquals(List.of(), found);
        Tensor bad = f.read(f.info("bad").orElseThrow(), listener);
        assertTrue(found.isEmpty(), "nothing is read before the bytes are asked for");
        assertTrue(Float.isInfinite(bad.toFloatArray()[200_000]));
        assertEquals(List.of("bad@200000=Infinity"), found);
        assertEquals(-1, Tensor.firstNonFinite(DType.F32, t.bytes()));
        assertEquals(200_000, bad.firstNonFinite());
        // a deferred read checks that the file is still the one opened
        Files.write(p, safetensors(tensors("clean", randomF32(8, 300, 700), "bad", clean), Map.of()));
        Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis() + 5000));
        assertError(t::bytes, p, null, "changed since it was opened");
        assertError(() -> t.copyTo(ByteBuffer.allocate((int) t.byteSize())), p, null, "changed since it was opened");
    }

    @Test
    void aFolderOrMissingFileIsNamed() {
        assertError(tmp, null, "folder");
        assertError(tmp.resolve("absent.safetensors"), null, "no such file");
    }

    private static void assertError(Path p, String tensor, String... fragments) {
        assertError(() -> SafetensorsFile.open(p), p, tensor, fragments);
    }

    private static void assertError(Runnable r, Path p, String tensor, String... fragments) {
        AdapterFormatException e = assertThrows(AdapterFormatException.class, r::run);
        String m = e.getMessage();
        assertTrue(m.startsWith(p.toString()), "names the file: " + m);
        assertEquals(p, e.file());
        if (tensor != null) {
            assertTrue(m.contains("tensor '" + tensor + "'"), "names the tensor: " + m);
        }
        for (String f : fragments) {
            assertTrue(m.contains(f), "says '" + f + "': " + m);
        }
        assertTrue(!m.contains("\n\tat "), "no stack trace in the message");
        assertBelow(m.getBytes(StandardCharsets.UTF_8).length, 2000, "bytes of a readable message");
    }
}
