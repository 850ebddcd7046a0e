package org.loralgebra.io.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.loralgebra.io.files.InputFiles;
import org.loralgebra.lang.AdapterFormatException;
import org.loralgebra.tensor.DType;
import org.loralgebra.tensor.Tensor;
import org.loralgebra.tensor.TensorSource;

/**
 * A safetensors file opened lazily: {@link #open} reads and validates only the header; {@link #read} gives a
 * tensor whose bytes are read when they are asked for.
 *
 * <p>The format: an 8-byte little-endian header length {@code N}, {@code N} bytes of JSON mapping tensor
 * names to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (plus an optional
 * {@code "__metadata__"} string map), then the data section. Validation follows the reference
 * implementation: the header is at most 100,000,000 bytes and starts with {@code '{'}; names are unique;
 * {@code end - begin = numel × dtype size}; the byte ranges, sorted, tile the data section from 0 to its
 * end with no hole or overlap.
 *
 * <p>Instances are immutable and hold no open file: each read of a tensor's bytes opens, reads and closes, and
 * checks that the file has not changed since it was opened.
 */
public final class SafetensorsFile {
    /** The reference implementation's limit on the header size. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Path path;
    private final long dataStart;
    private final long fileSize;
    private final FileTime modified;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(
            Path path,
            long dataStart,
            long fileSize,
            FileTime modified,
            Map<String, TensorInfo> tensors,
            Map<String, String> metadata) {
        this.path = path;
        this.dataStart = dataStart;
        this.fileSize = fileSize;
        this.modified = modified;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /**
     * Reads and validates the header of {@code path}.
     *
     * @throws AdapterFormatException naming the file and the tensor when the header is malformed, and when the
     *                                path is no regular file (a FIFO, a device) or is a Git LFS pointer
     */
    public static SafetensorsFile open(Path path) {
        InputFiles.checkReadable(path, "a safetensors file");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            FileTime modified = Files.getLastModifiedTime(path);
            if (size < 8) {
                throw new AdapterFormatException(
                        path,
                        "truncated: " + size + " bytes, but a safetensors file starts with an 8-byte header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 0 || headerLen > MAX_HEADER_BYTES) {
                throw new AdapterFormatException(
                        path,
                        "header length " + Long.toUnsignedString(headerLen) + " exceeds the limit of "
                                + MAX_HEADER_BYTES + " bytes (not a safetensors file?)");
            }
            if (8 + headerLen > size) {
                throw new AdapterFormatException(
                        path,
                        "header length " + headerLen + " runs past the end of the file (" + size
                                + " bytes): the file is truncated");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            readFully(ch, header, 8);
            long dataStart = 8 + headerLen;
            return parse(path, header.array(), dataStart, size, modified);
        } catch (NoSuchFileException e) {
            throw new AdapterFormatException(path, "no such file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private static SafetensorsFile parse(Path path, byte[] header, long dataStart, long size, FileTime modified) {
        if (header.length == 0 || header[0] != '{') {
            throw new AdapterFormatException(path, "the header must be a JSON object starting with '{'");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(header))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new AdapterFormatException(path, "the header is not valid UTF-8 text");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new AdapterFormatException(path, "invalid JSON header: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new AdapterFormatException(path, "the header must be a JSON object");
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                readMetadata(path, e.getValue(), metadata);
            } else {
                tensors.put(e.getKey(), readEntry(path, e.getKey(), e.getValue()));
            }
        }
        checkTiling(path, tensors.values(), size - dataStart);
        return new SafetensorsFile(
                path,
                dataStart,
                size,
                modified,
                Collections.unmodifiableMap(tensors),
                Collections.unmodifiableMap(metadata));
    }

    private static void readMetadata(Path path, JsonNode node, Map<String, String> into) {
        if (!node.isObject()) {
            throw new AdapterFormatException(
                    path, "__metadata__ must be an object of strings, found " + node.getNodeType());
        }
        node.fields().forEachRemaining(m -> {
            if (!m.getValue().isTextual()) {
                throw new AdapterFormatException(
                        path, "__metadata__ entry '" + m.getKey() + "' must be a string, found " + m.getValue());
            }
            into.put(m.getKey(), m.getValue().textValue());
        });
    }

    private static TensorInfo readEntry(Path path, String name, JsonNode node) {
        if (!node.isObject()) {
            throw AdapterFormatException.tensor(
                    path, name, "an object with dtype, shape and data_offsets", node.toString());
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw AdapterFormatException.tensor(path, name, "a string \"dtype\"", String.valueOf(dtypeNode));
        }
        DType dtype = DType.fromHeaderName(dtypeNode.textValue())
                .orElseThrow(() -> AdapterFormatException.tensor(
                        path,
                        name,
                        "a known dtype (F64, F32, F16, BF16, F8_E4M3, F8_E5M2, I64..I8, U64..U8, BOOL)",
                        "dtype \"" + dtypeNode.textValue() + "\""));
        long[] shape = readLongs(path, name, node.get("shape"), "shape", -1);
        long[] offsets = readLongs(path, name, node.get("data_offsets"), "data_offsets", 2);
        if (offsets[1] < offsets[0]) {
            throw AdapterFormatException.tensor(
                    path,
                    name,
                    "data_offsets [begin, end] with begin <= end",
                    "[" + offsets[0] + ", " + offsets[1] + "]");
        }
        long numel;
        try {
            numel = Tensor.numel(shape);
            Math.multiplyExact(numel, dtype.byteSize());
        } catch (ArithmeticException e) {
            throw AdapterFormatException.tensor(
                    path, name, "a shape whose byte count fits in 64 bits", Arrays.toString(shape));
        }
        long expected = numel * dtype.byteSize();
        if (offsets[1] - offsets[0] != expected) {
            throw AdapterFormatException.tensor(
                    path,
                    name,
                    expected + " bytes for dtype " + dtype + " and shape " + Arrays.toString(shape),
                    (offsets[1] - offsets[0]) + " bytes in data_offsets [" + offsets[0] + ", " + offsets[1] + "]");
        }
        return new TensorInfo(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static long[] readLongs(Path path, String name, JsonNode node, String field, int length) {
        if (node == null || !node.isArray() || (length >= 0 && node.size() != length)) {
            throw AdapterFormatException.tensor(
                    path,
                    name,
                    "\"" + field + "\" as an array of " + (length >= 0 ? length + " " : "") + "non-negative integers",
                    String.valueOf(node));
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
                throw AdapterFormatException.tensor(
                        path, name, "\"" + field + "\" of non-negative integers", node.toString());
            }
            out[i] = v.asLong();
        }
        return out;
    }

    private static void checkTiling(Path path, Iterable<TensorInfo> infos, long dataLength) {
        List<TensorInfo> sorted = new ArrayList<>();
        infos.forEach(sorted::add);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long expectedBegin = 0;
        TensorInfo previous = null;
        for (TensorInfo t : sorted) {
            if (t.end() > dataLength) {
                throw AdapterFormatException.tensor(
                        path,
                        t.name(),
                        "data_offsets within the data section of " + dataLength + " bytes",
                        "[" + t.begin() + ", " + t.end() + "]: the file is truncated or the offsets are out of range");
            }
            if (t.begin() < expectedBegin) {
                throw AdapterFormatException.tensor(
                        path,
                        t.name(),
                        "bytes that do not overlap another tensor's",
                        "[" + t.begin() + ", " + t.end() + ") overlapping '" + previous.name() + "' ["
                                + previous.begin() + ", " + previous.end() + ")");
            }
            if (t.begin() > expectedBegin) {
                throw AdapterFormatException.tensor(
                        path,
                        t.name(),
                        "data starting at byte " + expectedBegin
                                + " (tensors must tile the data section with no holes)",
                        "begin " + t.begin());
            }
            expectedBegin = t.end();
            previous = t;
        }
        if (expectedBegin != dataLength) {
            throw new AdapterFormatException(
                    path,
                    "the tensors cover " + expectedBegin + " bytes of data but the data section holds " + dataLength
                            + " bytes (trailing bytes after the last tensor)");
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + pos);
            }
            pos += n;
        }
    }

    /** The file this header was read from. */
    public Path path() {
        return path;
    }

    /** Every tensor, in header order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The tensor called {@code name}, if the file has one. */
    public Optional<TensorInfo> info(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    /** The {@code __metadata__} map (empty if absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Size of the whole file in bytes. */
    public long fileSize() {
        return fileSize;
    }

    /**
     * Maps the bytes of tensor {@code name}.
     *
     * @throws AdapterFormatException when the file has no such tensor or changed since it was opened
     */
    public Tensor read(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw AdapterFormatException.tensor(path, name, "a tensor of that name", "none");
        }
        return read(info);
    }

    /** The bytes of a tensor of this file: read when they are asked for (see {@link #read(TensorInfo, NonFiniteListener)}). */
    public Tensor read(TensorInfo info) {
        return read(info, null);
    }

    /**
     * A tensor of this file whose bytes are read when asked for: small ones ({@literal <} 64 KiB) now, larger ones on
     * every {@link Tensor#bytes()} or {@link Tensor#copyTo}, by positional reads straight into the destination
     * (no memory mapping: mapping costs a page fault per 4 KiB page on first touch, several times a read's cost on
     * virtual machines). Each read checks that the file has not changed since it was opened, and scans what it
     * read for NaN and infinities while the bytes are in cache, telling {@code listener} (if not null) of the first.
     *
     * @throws AdapterFormatException when the tensor is over 2 GiB (one buffer), or, on reading, the file changed
     */
    public Tensor read(TensorInfo info, NonFiniteListener listener) {
        return read(info, listener, false);
    }

    /**
     * {@link #read(TensorInfo, NonFiniteListener)}, telling {@code listener} also of the first element of magnitude
     * at least {@link Tensor#LARGE} when {@code bounded} (a LoRA factor, whose products must stay finite in F32).
     */
    public Tensor read(TensorInfo info, NonFiniteListener listener, boolean bounded) {
        if (info.byteSize() > Integer.MAX_VALUE) {
            throw AdapterFormatException.tensor(
                    path, info.name(), "a tensor of at most 2 GiB (one buffer)", info.byteSize() + " bytes");
        }
        if (info.byteSize() == 0) {
            return Tensor.ofBytes(info.dtype(), info.shape(), ByteBuffer.allocate(0));
        }
        TensorSource source = dst -> readInto(info, dst, listener, bounded);
        if (info.byteSize() < 1 << 16) {
            ByteBuffer bytes = ByteBuffer.allocate((int) info.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
            source.readInto(bytes);
            bytes.flip();
            return Tensor.ofBytes(info.dtype(), info.shape(), bytes);
        }
        return Tensor.deferred(info.dtype(), info.shape(), source);
    }

    /** Bytes read per positional read, then scanned while in cache. A multiple of every element size. */
    private static final int CHUNK = 256 << 10;

    private void readInto(TensorInfo info, ByteBuffer dst, NonFiniteListener listener, boolean bounded) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            if (ch.size() != fileSize || !Files.getLastModifiedTime(path).equals(modified)) {
                throw new AdapterFormatException(
                        path,
                        "the file changed since it was opened (size " + fileSize + " then, " + ch.size()
                                + " now): load it again");
            }
            int start = dst.position();
            int size = (int) info.byteSize();
            boolean found = listener == null;
            for (int done = 0; done < size; ) {
                int n = Math.min(CHUNK, size - done);
                ByteBuffer part = dst.duplicate();
                part.limit(start + done + n).position(start + done);
                readFully(ch, part, dataStart + info.begin() + done);
                if (!found) {
                    part.flip().position(start + done);
                    long bad = bounded
                            ? Tensor.firstNonFiniteOrLarge(info.dtype(), part)
                            : Tensor.firstNonFinite(info.dtype(), part);
                    if (bad >= 0) {
                        found = true;
                        long index = done / info.dtype().byteSize() + bad;
                        listener.found(
                                info, index, valueAt(info, part.slice().order(ByteOrder.LITTLE_ENDIAN), (int) bad));
                    }
                }
                done += n;
            }
            dst.position(start + size);
        } catch (NoSuchFileException e) {
            throw new AdapterFormatException(path, "the file was removed since it was opened");
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read tensor '" + info.name() + "' of " + path + ": " + e.getMessage(), e);
        }
    }

    private static double valueAt(TensorInfo info, ByteBuffer bytes, int index) {
        int width = info.dtype().byteSize();
        ByteBuffer one = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        one.position(index * width).limit(index * width + width);
        return Tensor.ofBytes(info.dtype(), new long[] {1}, one).toDoubleArray()[0];
    }
}
