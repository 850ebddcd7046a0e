"""A small, validating safetensors reader and an atomic writer (numpy only).

Format (https://github.com/huggingface/safetensors): an 8-byte little-endian header length ``N``, ``N``
bytes of JSON (starting with ``{``, possibly right-padded with spaces), then the data buffer. Each
tensor entry has ``dtype``, ``shape`` and ``data_offsets`` ``[begin, end)`` relative to the buffer start;
sorted by offset the tensors tile the buffer with no holes and the file ends exactly there.
"""
import json
import os
import struct
import tempfile

import numpy as np

MAX_HEADER_SIZE = 100_000_000
"""The reference implementation's header size limit, in bytes."""

_DTYPES = {
    "F64": np.dtype("<f8"),
    "F32": np.dtype("<f4"),
    "F16": np.dtype("<f2"),
    "BF16": np.dtype("<u2"),  # raw bits, widened by decode_float32
}


class SafetensorsError(ValueError):
    """A safetensors file that cannot be read; the message names the file, the tensor and what was wrong."""


class TensorEntry:
    """One header entry: the name, dtype string, shape and ``[begin, end)`` offsets within the buffer."""

    __slots__ = ("name", "dtype", "shape", "begin", "end")

    def __init__(self, name, dtype, shape, begin, end):
        self.name = name
        self.dtype = dtype
        self.shape = tuple(shape)
        self.begin = begin
        self.end = end

    def __repr__(self):
        return f"TensorEntry({self.name!r}, {self.dtype}, {list(self.shape)}, [{self.begin}, {self.end}))"


class SafetensorsFile:
    """A safetensors file read whole into memory, header validated; tensors are views of that buffer."""

    def __init__(self, path, entries, metadata, data):
        self.path = path
        self.entries = entries  # name -> TensorEntry, in header order
        self.metadata = metadata
        self._data = data  # uint8 array holding the data buffer

    @staticmethod
    def read(path):
        """Reads ``path`` (one ``readinto`` of the whole file) and validates its header against its size."""
        path = os.fspath(path)
        size = os.path.getsize(path)
        buf = np.empty(size, dtype=np.uint8)
        with open(path, "rb") as f:
            got = f.readinto(memoryview(buf))
        if got != size:
            raise SafetensorsError(f"{path}: read {got} bytes of {size}")
        entries, metadata, data_start = _parse_header(path, buf)
        return SafetensorsFile(path, entries, metadata, buf[data_start:])

    def raw(self, name):
        """The tensor's stored elements as a numpy array of its own dtype (BF16 as raw ``uint16`` bits)."""
        e = self._entry(name)
        dt = _DTYPES.get(e.dtype)
        if dt is None:
            raise SafetensorsError(
                f"{self.path}: tensor '{name}' has dtype {e.dtype}; expected one of {', '.join(_DTYPES)}")
        return np.frombuffer(self._data[e.begin:e.end], dtype=dt).reshape(e.shape)

    def float32(self, name):
        """The tensor as a C-contiguous float32 array (a view of the buffer when stored aligned as F32)."""
        e = self._entry(name)
        return decode_float32(self.raw(name), e.dtype)

    def _entry(self, name):
        try:
            return self.entries[name]
        except KeyError:
            raise SafetensorsError(f"{self.path}: no tensor named '{name}'") from None


def decode_float32(raw, dtype):
    """Widens stored elements (``dtype`` a safetensors dtype string) to a C-contiguous float32 array."""
    if dtype == "F32":
        if raw.ctypes.data % 4 == 0:
            return raw  # frombuffer of an aligned slice: already contiguous float32
        return raw.copy()
    if dtype == "BF16":
        return (raw.astype(np.uint32) << 16).view(np.float32)
    return raw.astype(np.float32)


def _parse_header(path, buf):
    size = buf.size
    if size < 8:
        raise SafetensorsError(f"{path}: file is {size} bytes; expected at least the 8-byte header length")
    n = struct.unpack("<Q", buf[:8].tobytes())[0]
    if n > MAX_HEADER_SIZE:
        raise SafetensorsError(f"{path}: header length {n} exceeds the limit of {MAX_HEADER_SIZE} bytes")
    if 8 + n > size:
        raise SafetensorsError(f"{path}: header length {n} runs past the end of the {size}-byte file")
    text = buf[8:8 + n].tobytes()
    if not text.startswith(b"{"):
        raise SafetensorsError(f"{path}: header does not start with '{{'")
    try:
        header = json.loads(text.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, ValueError) as ex:
        raise SafetensorsError(f"{path}: header is not valid JSON: {ex}") from None
    if not isinstance(header, dict):
        raise SafetensorsError(f"{path}: header is not a JSON object")
    metadata = header.pop("__metadata__", None)
    entries = {}
    for name, spec in header.items():
        entries[name] = _entry(path, name, spec)
    data_len = size - 8 - n
    expected = 0
    for e in sorted(entries.values(), key=lambda e: (e.begin, e.end)):
        if e.begin != expected:
            raise SafetensorsError(
                f"{path}: tensor '{e.name}' starts at byte {e.begin}; expected {expected} (no holes or overlaps)")
        expected = e.end
    if expected != data_len:
        raise SafetensorsError(
            f"{path}: tensors end at byte {expected} of the data buffer; the file holds {data_len} data bytes")
    return entries, metadata, 8 + n


def _entry(path, name, spec):
    if not isinstance(spec, dict) or not {"dtype", "shape", "data_offsets"} <= spec.keys():
        raise SafetensorsError(f"{path}: tensor '{name}': expected dtype, shape and data_offsets, found {spec!r}")
    dtype, shape, offsets = spec["dtype"], spec["shape"], spec["data_offsets"]
    if not (isinstance(shape, list) and all(isinstance(d, int) and d >= 0 for d in shape)):
        raise SafetensorsError(f"{path}: tensor '{name}': shape must be a list of non-negative ints, found {shape!r}")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(isinstance(o, int) for o in offsets)
            and 0 <= offsets[0] <= offsets[1]):
        raise SafetensorsError(f"{path}: tensor '{name}': data_offsets must be [begin, end], found {offsets!r}")
    item = _DTYPES[dtype].itemsize if dtype in _DTYPES else _OTHER_SIZES.get(dtype)
    if item is None:
        raise SafetensorsError(f"{path}: tensor '{name}': unknown dtype {dtype!r}")
    numel = int(np.prod(shape, dtype=np.int64)) if shape else 1
    if offsets[1] - offsets[0] != numel * item:
        raise SafetensorsError(
            f"{path}: tensor '{name}': {dtype} {shape} needs {numel * item} bytes; "
            f"data_offsets {offsets} span {offsets[1] - offsets[0]}")
    return TensorEntry(name, dtype, shape, offsets[0], offsets[1])


_OTHER_SIZES = {"BOOL": 1, "U8": 1, "I8": 1, "I16": 2, "U16": 2, "I32": 4, "U32": 4, "I64": 8, "U64": 8,
                "F8_E4M3": 1, "F8_E5M2": 1}


def _no_duplicates(pairs):
    seen = {}
    for k, v in pairs:
        if k in seen:
            raise ValueError(f"duplicate key {k!r}")
        seen[k] = v
    return seen


def write_safetensors(path, tensors, metadata=None):
    """Writes ``tensors`` (name -> array) in name order, atomically (temp file + rename): float16 arrays as F16,
    every other array as F32.

    The header is compact JSON with sorted keys, padded with spaces to a multiple of 8 bytes, so the same
    tensors always give the same bytes.
    """
    path = os.fspath(path)
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    offset = 0
    arrays = []
    for name in sorted(tensors):
        half = np.asarray(tensors[name]).dtype == np.float16
        a = np.ascontiguousarray(tensors[name], dtype="<f2" if half else "<f4")
        header[name] = {"dtype": "F16" if half else "F32", "shape": list(a.shape),
                        "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
        arrays.append(a)
    text = json.dumps(header, separators=(",", ":"), sort_keys=True).encode("utf-8")
    text += b" " * (-len(text) % 8)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".safetensors", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(struct.pack("<Q", len(text)))
            f.write(text)
            for a in arrays:
                f.write(memoryview(a).cast("B"))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
