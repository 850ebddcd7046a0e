"""Correctness of the numpy peer: every factored op against a dense or looped numpy reference.

Run from the repository root: ``python3 -m unittest bench/test_peer_numpy.py`` (numpy only, no timing).
"""
import json
import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import make_synthetic  # noqa: E402
import peer_numpy  # noqa: E402
from lorapeer import cluster as lego  # noqa: E402
from lorapeer.bake import bake_module  # noqa: E402
from lorapeer import methods  # noqa: E402
from lorapeer.dense import dense_spectrum, dense_update  # noqa: E402
from lorapeer.factored import plus_truncate, project, spectrum, top_left_vectors  # noqa: E402
from lorapeer.peft_io import AdapterError, Module, load_adapter, module_scale, save_adapter  # noqa: E402
from lorapeer.route import route  # noqa: E402
from lorapeer.safetensors_io import SafetensorsError, SafetensorsFile, write_safetensors  # noqa: E402
from lorapeer.ties import ties, ties_svd  # noqa: E402

ROOT = os.path.dirname(HERE)
IMDB = os.path.join(ROOT, "examples", "adapters", "distilbert-imdb")


def random_module(rng, out_dim, in_dim, r, scale, name="m"):
    return Module(name, rng.standard_normal((r, in_dim)).astype(np.float32),
                  rng.standard_normal((out_dim, r)).astype(np.float32), scale)


def dense64(m):
    """The update in float64, computed independently of the code under test."""
    return m.scale * (m.B.astype(np.float64) @ m.A.astype(np.float64))


def product(m):
    return dense64(m)


def best_rank(D, k):
    U, S, Vt = np.linalg.svd(D, full_matrices=False)
    return (U[:, :k] * S[:k]) @ Vt[:k]


def raw_safetensors(path, header, data):
    text = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


class TempDirCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="peer-numpy-test-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


class SafetensorsReaderTest(TempDirCase):
    def test_reads_distilbert_imdb_shapes_scale_and_values(self):
        a = load_adapter(IMDB)
        self.assertEqual(len(a.modules), 12)
        self.assertEqual(a.ignored, 4)  # classifier and pre_classifier weight + bias
        for layer in range(6):
            for proj in ("q_lin", "v_lin"):
                m = a.modules[f"base_model.model.distilbert.transformer.layer.{layer}.attention.{proj}"]
                self.assertEqual(m.A.shape, (8, 768))
                self.assertEqual(m.B.shape, (768, 8))
                self.assertEqual(m.scale, 2.0)
        # one tensor's bytes read independently of the reader, at the header's offsets
        path = os.path.join(IMDB, "adapter_model.safetensors")
        with open(path, "rb") as f:
            n = struct.unpack("<Q", f.read(8))[0]
            header = json.loads(f.read(n))
            key = "base_model.model.distilbert.transformer.layer.3.attention.v_lin.lora_B.weight"
            begin, end = header[key]["data_offsets"]
            f.seek(8 + n + begin)
            expected = np.frombuffer(f.read(end - begin), dtype="<f4").reshape(768, 8)
        np.testing.assert_array_equal(a.modules[key[:-len(".lora_B.weight")]].B, expected)

    def test_decodes_f16_bf16_f64_bit_patterns(self):
        f16 = struct.pack("<3H", 0x3C00, 0xC000, 0x3555)  # 1, -2, 0.333251953125
        bf16 = struct.pack("<3H", 0x3F80, 0xC040, 0x4049)  # 1, -3, 3.140625
        f64 = struct.pack("<d", -0.1)
        path = os.path.join(self.tmp, "mixed.safetensors")
        raw_safetensors(path, {
            "h": {"dtype": "F16", "shape": [3], "data_offsets": [0, 6]},
            "b": {"dtype": "BF16", "shape": [3], "data_offsets": [6, 12]},
            "d": {"dtype": "F64", "shape": [1], "data_offsets": [12, 20]},
        }, f16 + bf16 + f64)
        st = SafetensorsFile.read(path)
        np.testing.assert_array_equal(st.float32("h"), np.array([1, -2, 0.333251953125], np.float32))
        np.testing.assert_array_equal(st.float32("b"), np.array([1, -3, 3.140625], np.float32))
        self.assertEqual(st.float32("d").dtype, np.float32)
        self.assertEqual(st.float32("d")[0], np.float32(-0.1))

    def test_unaligned_f32_after_f16_is_copied_correctly(self):
        path = os.path.join(self.tmp, "unaligned.safetensors")
        raw_safetensors(path, {"h": {"dtype": "F16", "shape": [1], "data_offsets": [0, 2]},
                               "f": {"dtype": "F32", "shape": [2], "data_offsets": [2, 10]}},
                        struct.pack("<H2f", 0x3C00, 1.5, -7.25))
        f = SafetensorsFile.read(path).float32("f")
        np.testing.assert_array_equal(f, np.array([1.5, -7.25], np.float32))
        self.assertTrue(f.flags.c_contiguous and f.flags.aligned)

    def test_rejects_bad_files_naming_file_and_tensor(self):
        cases = {
            "hole": ({"t": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}, b"\0" * 8, "starts at byte 4"),
            "size": ({"t": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}, b"\0" * 4, "needs 8 bytes"),
            "dtype": ({"t": {"dtype": "F7", "shape": [1], "data_offsets": [0, 4]}}, b"\0" * 4, "unknown dtype"),
            "tail": ({"t": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, b"\0" * 6, "holds 6 data bytes"),
        }
        for name, (header, data, message) in cases.items():
            path = os.path.join(self.tmp, name + ".safetensors")
            raw_safetensors(path, header, data)
            with self.assertRaises(SafetensorsError) as ctx:
                SafetensorsFile.read(path)
            self.assertIn(path, str(ctx.exception))
            self.assertIn(message, str(ctx.exception))
        dup = os.path.join(self.tmp, "dup.safetensors")
        text = b'{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'
        with open(dup, "wb") as f:
            f.write(struct.pack("<Q", len(text)) + text + b"\0" * 4)
        with self.assertRaisesRegex(SafetensorsError, "duplicate key"):
            SafetensorsFile.read(dup)

    def test_writer_output_follows_the_format(self):
        path = os.path.join(self.tmp, "w.safetensors")
        a = np.arange(6, dtype=np.float32).reshape(2, 3)
        write_safetensors(path, {"z": a, "a": a[:1]}, metadata={"format": "pt"})
        with open(path, "rb") as f:
            n = struct.unpack("<Q", f.read(8))[0]
            text = f.read(n)
        self.assertEqual(n % 8, 0)
        self.assertTrue(text.startswith(b"{"))
        header = json.loads(text)
        self.assertEqual(header["a"]["data_offsets"], [0, 12])
        self.assertEqual(header["z"]["data_offsets"], [12, 36])
        st = SafetensorsFile.read(path)
        np.testing.assert_array_equal(st.float32("z"), a)
        self.assertEqual(st.metadata, {"format": "pt"})


class PeftConfigTest(TempDirCase):
    def test_scale_follows_rank_pattern_alpha_pattern_and_rslora(self):
        config = {"r": 8, "lora_alpha": 16, "rank_pattern": {"q_proj": 4, "layers\\.1\\..*": 2},
                  "alpha_pattern": {"model.layers.0.mlp.down_proj": 3}}
        self.assertEqual(module_scale(config, "base_model.model.model.layers.0.self_attn.q_proj"), (4, 16, 4.0))
        self.assertEqual(module_scale(config, "base_model.model.model.layers.0.self_attn.k_proj"), (8, 16, 2.0))
        self.assertEqual(module_scale(config, "base_model.model.model.layers.1.self_attn.q_proj"), (4, 16, 4.0))
        self.assertEqual(module_scale(config, "base_model.model.model.layers.1.mlp.up_proj"), (2, 16, 8.0))
        self.assertEqual(module_scale(config, "base_model.model.model.layers.0.mlp.down_proj"), (8, 3, 3 / 8))
        # a key matches only a whole dotted suffix of the name
        self.assertEqual(module_scale(config, "base_model.model.model.layers.0.self_attn.xq_proj"), (8, 16, 2.0))
        rs = dict(config, use_rslora=True)
        self.assertEqual(module_scale(rs, "base_model.model.model.layers.0.self_attn.k_proj")[2], 16 / math.sqrt(8))

    def test_rank_mismatch_with_config_names_module_and_tensor(self):
        folder = make_synthetic.make(os.path.join(self.tmp, "a"), layers=1, hidden=8, intermediate=12, r=4)
        with open(os.path.join(folder, "adapter_config.json")) as f:
            config = json.load(f)
        config["rank_pattern"] = {"k_proj": 2}
        with open(os.path.join(folder, "adapter_config.json"), "w") as f:
            json.dump(config, f)
        with self.assertRaises(AdapterError) as ctx:
            load_adapter(folder)
        self.assertIn("layers.0.self_attn.k_proj", str(ctx.exception))
        self.assertIn("lora_A.weight", str(ctx.exception))
        self.assertIn("rank 2", str(ctx.exception))

    def test_missing_file_is_named(self):
        with self.assertRaisesRegex(AdapterError, "adapter_config.json is missing"):
            load_adapter(self.tmp)
        with open(os.path.join(self.tmp, "adapter_config.json"), "w") as f:
            f.write("{}")
        with self.assertRaisesRegex(AdapterError, "adapter_model.safetensors is missing"):
            load_adapter(self.tmp)

    def test_synthetic_layout_is_llama_peft(self):
        folder = make_synthetic.make(os.path.join(self.tmp, "a"), layers=2, hidden=16, intermediate=24, r=4,
                                     alpha=8)
        a = load_adapter(folder)
        self.assertEqual(len(a.modules), 14)
        m = a.modules["base_model.model.model.layers.1.mlp.down_proj"]
        self.assertEqual((m.A.shape, m.B.shape, m.scale), ((4, 24), (16, 4), 2.0))
        self.assertEqual(a.modules["base_model.model.model.layers.0.mlp.up_proj"].shape, (24, 16))
        self.assertEqual(a.modules["base_model.model.model.layers.0.self_attn.o_proj"].shape, (16, 16))


class FactoredOpsTest(unittest.TestCase):
    def setUp(self):
        self.rng = np.random.default_rng(1234)

    def test_spectrum_equals_dense_svd(self):
        for out_dim, in_dim, r, s in ((40, 30, 6, 2.0), (25, 50, 9, 0.7), (12, 12, 12, 1.5)):
            m = random_module(self.rng, out_dim, in_dim, r, s)
            expected = np.linalg.svd(dense64(m), compute_uv=False)[:r]
            np.testing.assert_allclose(spectrum(m), expected, rtol=1e-5, atol=1e-6 * expected[0])

    def test_dense_spectrum_equals_dense_svd(self):
        m = random_module(self.rng, 30, 20, 5, 3.0)
        expected = np.linalg.svd(dense64(m), compute_uv=False)
        np.testing.assert_allclose(dense_spectrum(m)[:5], expected[:5], rtol=1e-5)

    def test_plus_truncate_is_the_best_rank_k_approximation_of_the_sum(self):
        m1 = random_module(self.rng, 48, 36, 12, 2.0)
        m2 = random_module(self.rng, 48, 36, 12, 0.5)
        result = plus_truncate(m1, m2, 16)
        self.assertEqual((result.A.shape, result.B.shape, result.scale), ((16, 36), (48, 16), 1.0))
        expected = best_rank(dense64(m1) + dense64(m2), 16)
        np.testing.assert_allclose(product(result), expected, atol=1e-4 * np.abs(expected).max())
        # sqrt(S) on both sides: column norms of B' equal row norms of A'
        np.testing.assert_allclose(np.linalg.norm(result.B, axis=0), np.linalg.norm(result.A, axis=1), rtol=1e-4)

    def test_plus_truncate_keeps_everything_when_the_sum_has_rank_below_k(self):
        m1 = random_module(self.rng, 20, 18, 4, 1.0)
        m2 = random_module(self.rng, 20, 18, 5, 2.0)
        result = plus_truncate(m1, m2, 16)
        self.assertEqual(result.rank, 9)
        expected = dense64(m1) + dense64(m2)
        np.testing.assert_allclose(product(result), expected, atol=1e-4 * np.abs(expected).max())

    def test_project_equals_dense_projection(self):
        m = random_module(self.rng, 40, 30, 8, 2.0)
        other = random_module(self.rng, 40, 30, 20, 1.0)
        U = np.linalg.svd(dense64(other), full_matrices=False)[0][:, :16]
        expected = (np.eye(40) - U @ U.T) @ dense64(m)
        result = project(m, other, 16)
        np.testing.assert_allclose(product(result), expected, atol=1e-4 * np.abs(expected).max())
        np.testing.assert_array_equal(result.A, m.A)
        # the projected update has no component in the removed subspace
        self.assertLess(np.abs(U.T @ product(result)).max(), 1e-4 * np.abs(dense64(m)).max())

    def test_top_left_vectors_span_the_dense_top_subspace(self):
        other = random_module(self.rng, 40, 30, 10, 1.0)
        U = top_left_vectors(other, 4).astype(np.float64)
        Ud = np.linalg.svd(dense64(other), full_matrices=False)[0][:, :4]
        np.testing.assert_allclose(U @ U.T, Ud @ Ud.T, atol=1e-5)

    def test_project_with_an_other_of_lower_rank_than_k(self):
        m = random_module(self.rng, 30, 20, 6, 1.0)
        other = random_module(self.rng, 30, 20, 5, 1.0)
        U = np.linalg.svd(dense64(other), full_matrices=False)[0][:, :5]
        expected = (np.eye(30) - U @ U.T) @ dense64(m)
        np.testing.assert_allclose(product(project(m, other, 16)), expected, atol=1e-4 * np.abs(expected).max())


def reference_ties(tensors, weights, density):
    """TIES written out entry by entry: top-k by sort, elected sign of the sum, mean of agreeing entries."""
    shape = tensors[0].shape
    flat = [t.astype(np.float64).ravel() for t in tensors]
    keep = int(density * flat[0].size)
    pruned = []
    for t in flat:
        order = sorted(range(t.size), key=lambda i: -abs(t[i]))
        p = np.zeros_like(t)
        for i in order[:keep]:
            p[i] = t[i]
        pruned.append(p)
    out = np.zeros(flat[0].size)
    for j in range(out.size):
        total = sum(p[j] for p in pruned)
        elected = 1.0 if total >= 0 else -1.0
        agreeing = [(w, p[j]) for w, p in zip(weights, pruned) if np.sign(p[j]) == elected]
        out[j] = sum(w * v for w, v in agreeing) / max(len(agreeing), 1)
    return out.reshape(shape)


class TiesTest(unittest.TestCase):
    def setUp(self):
        self.rng = np.random.default_rng(99)

    def test_ties_equals_entrywise_reference(self):
        tensors = [self.rng.standard_normal((9, 7)).astype(np.float32) for _ in range(3)]
        weights = [1.0, 0.5, 2.0]
        for density in (0.5, 0.3, 1.0):
            np.testing.assert_allclose(ties(tensors, weights, density), reference_ties(tensors, weights, density),
                                       rtol=1e-6, atol=1e-6)

    def test_a_zero_total_elects_plus_and_the_mean_counts_agreeing_entries(self):
        t1 = np.array([[1.0, 2.0, -4.0]], np.float32)
        t2 = np.array([[-1.0, 4.0, 0.0]], np.float32)
        t3 = np.array([[0.0, -3.0, 2.0]], np.float32)
        # totals 0, 3, -2 elect +, +, -; agreeing entries: {1}, {2, 4}, {-4}
        np.testing.assert_array_equal(ties([t1, t2, t3], [1.0, 1.0, 1.0], 1.0), [[1.0, 3.0, -4.0]])

    def test_ties_of_one_tensor_at_density_one_is_that_tensor(self):
        t = self.rng.standard_normal((5, 4)).astype(np.float32)
        np.testing.assert_array_equal(ties([t], [1.0], 1.0), t)

    def test_ties_svd_is_the_best_rank_k_of_the_reference_merge(self):
        modules = [random_module(self.rng, 14, 12, 4, s) for s in (2.0, 1.0, 0.5)]
        weights = [1.0, 1.0, 1.0]
        merged = reference_ties([dense64(m).astype(np.float32) for m in modules], weights, 0.5)
        result = ties_svd(modules, weights, 0.5, 5)
        self.assertEqual((result.rank, result.scale), (5, 1.0))
        expected = best_rank(merged, 5)
        np.testing.assert_allclose(product(result), expected, atol=1e-4 * np.abs(expected).max())
        # PEFT puts all of S on B: A's rows are orthonormal
        np.testing.assert_allclose(result.A @ result.A.T, np.eye(5), atol=1e-5)


class MethodsTest(unittest.TestCase):
    """The merge methods of ``lora bench --methods`` on closed forms and invariants (``lora merge`` agreeing with
    each to 1e-4 is checked by MethodPeerParityIT in stdlib)."""

    def setUp(self):
        self.rng = np.random.default_rng(21)
        self.modules = [random_module(self.rng, 16, 12, r, s) for r, s in ((2, 2.0), (3, 1.0), (4, 0.5))]

    def test_core_space_on_task_arithmetic_is_the_exact_sum(self):
        expected = sum(dense64(m) for m in self.modules)
        np.testing.assert_allclose(methods.merge("core_space", self.modules), expected,
                                   atol=1e-5 * np.abs(expected).max())

    def test_tsv_of_orthogonal_updates_is_their_sum(self):
        # updates on disjoint rows and columns are already orthogonal: the whitening changes nothing
        a = np.zeros((16, 12), np.float32)
        b = np.zeros((16, 12), np.float32)
        a[:6, :6] = self.rng.standard_normal((6, 6))
        b[8:14, 6:] = self.rng.standard_normal((6, 6))
        ma = Module("m", a[:6].copy(), np.eye(16, 6, dtype=np.float32), 1.0)
        mb = Module("m", b[8:14].copy(), np.eye(16, 6, -8, dtype=np.float32), 1.0)
        np.testing.assert_allclose(methods.merge("tsv", [ma, mb]), a + b, atol=1e-5)

    def test_iso_c_gives_every_direction_of_the_sum_its_mean_singular_value(self):
        total = sum(dense64(m) for m in self.modules)
        result = methods.merge("iso_c", self.modules).astype(np.float64)
        s_total = np.linalg.svd(total, compute_uv=False)[:9]
        s = np.linalg.svd(result, compute_uv=False)
        np.testing.assert_allclose(s[:9], np.full(9, s_total.mean()), rtol=1e-5)
        self.assertLess(s[9], 1e-5 * s[0])

    def test_knots_dare_keeping_everything_equals_knots_ties_at_density_one(self):
        ties_all = methods.merge("knots_ties", self.modules, {"density": 1.0})
        dare_all = methods.merge("knots_dare_ties", self.modules, {"density": 1.0, "seed": 3})
        np.testing.assert_allclose(dare_all, ties_all, atol=1e-6)

    def test_della_linear_keeping_everything_is_the_best_rank_k_of_the_sum(self):
        result = methods.merge("della_linear", self.modules,
                               {"density": 1.0, "epsilon": 0.0, "seed": 0, "rank": 5})
        expected = best_rank(sum(dense64(m) for m in self.modules), 5)
        np.testing.assert_allclose(product(result), expected, atol=1e-4 * np.abs(expected).max())

    def test_breadcrumbs_drops_exactly_the_smallest_and_the_largest(self):
        m = random_module(self.rng, 10, 10, 10, 1.0)
        result = methods._breadcrumbs_prune(dense_update(m), 0.8, 0.05)
        order = np.argsort(np.abs(dense_update(m)).ravel(), kind="stable")
        kept = np.flatnonzero(result.ravel())
        np.testing.assert_array_equal(np.sort(kept), np.sort(order[15:95]))

    def test_model_stock_of_copies_is_the_input_and_nuslerp_of_orthogonal_inputs_is_their_scaled_sum(self):
        m = self.modules[0]
        np.testing.assert_allclose(methods.merge("model_stock", [m, m]), dense64(m), atol=1e-6)
        a = np.zeros((4, 4), np.float32)
        b = np.zeros((4, 4), np.float32)
        a[0, 0], b[1, 1] = 3.0, 3.0
        ma = Module("m", a, np.eye(4, dtype=np.float32), 1.0)
        mb = Module("m", b, np.eye(4, dtype=np.float32), 1.0)
        np.testing.assert_allclose(methods.merge("nuslerp", [ma, mb]), (a + b) / math.sqrt(2), atol=1e-6)

    def test_karcher_of_equal_norm_inputs_is_on_their_sphere(self):
        a = np.zeros((4, 4), np.float32)
        b = np.zeros((4, 4), np.float32)
        a[0, 0], b[1, 1] = 2.0, 2.0
        result = methods.merge("karcher", [Module("m", a, np.eye(4, dtype=np.float32), 1.0),
                                           Module("m", b, np.eye(4, dtype=np.float32), 1.0)])
        np.testing.assert_allclose(result, (a + b) / math.sqrt(2), atol=1e-5)


def reference_lloyd(X, C, iters):
    """Lloyd's algorithm point by point."""
    C = C.astype(np.float64).copy()
    X = X.astype(np.float64)
    labels = [0] * X.shape[0]
    for _ in range(iters):
        for i, x in enumerate(X):
            d = [float(((x - c) ** 2).sum()) for c in C]
            labels[i] = d.index(min(d))
        for j in range(C.shape[0]):
            members = [X[i] for i in range(X.shape[0]) if labels[i] == j]
            if members:
                C[j] = np.mean(members, axis=0)
    return C, np.array(labels)


class ClusterTest(unittest.TestCase):
    def setUp(self):
        self.rng = np.random.default_rng(7)

    def test_units_rebuild_the_update_and_have_canonical_sign(self):
        for s in (2.0, -0.5):
            m = random_module(self.rng, 10, 8, 5, s)
            u = lego.units(m)
            b, a = u[:, :10].astype(np.float64), u[:, 10:].astype(np.float64)
            np.testing.assert_allclose(b.T @ a, dense64(m), atol=1e-5 * np.abs(dense64(m)).max())
            np.testing.assert_allclose(np.abs(np.linalg.norm(b, axis=1)), np.linalg.norm(a, axis=1), rtol=1e-5)
            top = b[np.arange(5), np.argmax(np.abs(b), axis=1)]
            self.assertTrue((top > 0).all(), f"scale {s}: largest-|·| entry of each b half {top}")

    def test_lloyd_equals_pointwise_reference(self):
        X = self.rng.standard_normal((30, 6)).astype(np.float32)
        C0 = X[[0, 5, 10, 15]]
        C, labels = lego.lloyd(X, C0, 4)
        Cr, labels_r = reference_lloyd(X, C0, 4)
        np.testing.assert_array_equal(labels, labels_r)
        np.testing.assert_allclose(C, Cr, rtol=1e-5, atol=1e-6)

    def test_kmeans_pp_is_seeded_and_picks_distinct_points(self):
        X = self.rng.standard_normal((40, 3)).astype(np.float32)
        a = lego.kmeans_pp(X, 10, np.random.default_rng(5))
        b = lego.kmeans_pp(X, 10, np.random.default_rng(5))
        np.testing.assert_array_equal(a, b)
        self.assertEqual(len(set(a.tolist())), 10)

    def test_kmeans_pp_with_fewer_distinct_points_than_k(self):
        X = np.repeat(np.eye(3, dtype=np.float32), 2, axis=0)
        picks = lego.kmeans_pp(X, 4, np.random.default_rng(0))
        self.assertEqual(len(set(picks.tolist())), 4)
        self.assertEqual(len({tuple(X[i]) for i in picks}), 3)

    def test_merging_copies_of_one_adapter_gives_it_back(self):
        m = random_module(self.rng, 12, 9, 6, 2.0)
        result = lego.cluster([m, m, m, m], 6, 10, np.random.default_rng(0))
        self.assertEqual((result.rank, result.scale), (6, 1.0))
        np.testing.assert_allclose(product(result), dense64(m), atol=1e-5 * np.abs(dense64(m)).max())

    def test_reweight_restores_mean_member_norm(self):
        X = np.array([[1, 0], [0, 1], [3, 0]], dtype=np.float32)
        C = np.array([[0.5, 0.5], [3, 0]], dtype=np.float32)
        out = lego.reweight(C, X, np.array([0, 0, 1]))
        self.assertAlmostEqual(float(np.linalg.norm(out[0])), 1.0, places=6)
        np.testing.assert_allclose(out[0] / np.linalg.norm(out[0]), C[0] / np.linalg.norm(C[0]), rtol=1e-6)
        np.testing.assert_array_equal(out[1], C[1])


class RouteTest(unittest.TestCase):
    def test_route_equals_per_token_loop(self):
        rng = np.random.default_rng(3)
        experts = [random_module(rng, 11, 9, r, s) for r, s in zip((2, 3, 4, 2, 5), (1.0, 2.0, 0.5, 1.5, 1.0))]
        X = rng.standard_normal((64, 9)).astype(np.float32)
        gate = rng.standard_normal((9, 5)).astype(np.float32)
        X_pos = np.abs(X)
        gate_starving = gate.copy()
        gate_starving[:, 4] = -10.0  # with positive tokens, expert 4 is never chosen at top_k <= 3
        for X, gate, top_k in ((X, gate, 1), (X, gate, 2), (X, gate, 3), (X_pos, gate_starving, 2)):
            Y = route(X, gate, experts, top_k)
            expected = np.zeros((64, 11))
            for t in range(64):
                logits = [float(X[t].astype(np.float64) @ gate[:, e].astype(np.float64)) for e in range(5)]
                top = sorted(range(5), key=lambda e: -logits[e])[:top_k]
                z = [math.exp(logits[e] - logits[top[0]]) for e in top]
                for e, w in zip(top, z):
                    expected[t] += w / sum(z) * (dense64(experts[e]) @ X[t].astype(np.float64))
            np.testing.assert_allclose(Y, expected, rtol=1e-4, atol=1e-4 * np.abs(expected).max())


class SaveTest(TempDirCase):
    def test_save_load_round_trip_is_byte_exact(self):
        rng = np.random.default_rng(11)
        modules = {f"base_model.model.layers.{i}.q": random_module(rng, 10, 8, 3 if i else 2, 1.0 if i else 2.5,
                                                                  name=f"base_model.model.layers.{i}.q")
                   for i in range(3)}
        base = {"peft_type": "LORA", "r": 3, "lora_alpha": 6, "target_modules": ["q"], "task_type": "CAUSAL_LM"}
        first = os.path.join(self.tmp, "first")
        save_adapter(first, modules, base)
        loaded = load_adapter(first)
        self.assertEqual(list(loaded.modules), sorted(modules))
        for name, m in modules.items():
            got = loaded.modules[name]
            self.assertEqual(got.scale, 1.0)
            np.testing.assert_array_equal(got.A, m.A)
            np.testing.assert_array_equal(got.B, (m.B * m.scale) if m.scale != 1.0 else m.B)
        self.assertEqual(loaded.config["rank_pattern"], {"layers.0.q": 2})
        second = os.path.join(self.tmp, "second")
        save_adapter(second, loaded.modules, loaded.config)
        for file in ("adapter_model.safetensors", "adapter_config.json"):
            with open(os.path.join(first, file), "rb") as f1, open(os.path.join(second, file), "rb") as f2:
                self.assertEqual(f1.read(), f2.read(), file)

    def test_save_refuses_an_existing_folder_and_leaves_no_temp(self):
        os.makedirs(os.path.join(self.tmp, "taken"))
        with self.assertRaisesRegex(AdapterError, "already exists"):
            save_adapter(os.path.join(self.tmp, "taken"), {}, {})
        self.assertEqual(os.listdir(self.tmp), ["taken"])


class BakeTest(TempDirCase):
    def _base(self, name, w):
        folder = os.path.join(self.tmp, "base")
        os.makedirs(folder)
        write_safetensors(os.path.join(folder, "model.safetensors"), {name: w}, metadata={"format": "pt"})
        with open(os.path.join(folder, "config.json"), "w") as f:
            f.write('{"model_type": "llama"}\n')
        return folder

    def test_baked_weight_is_the_base_plus_the_update_rounded_once_to_f16(self):
        rng = np.random.default_rng(7)
        m = random_module(rng, 24, 18, 4, 0.5)
        w = (rng.standard_normal((24, 18)) * 0.1).astype(np.float16)
        base = self._base("model.layers.0.q_proj.weight", w)
        out = os.path.join(self.tmp, "out")
        bake_module(base, m, out)
        f = SafetensorsFile.read(os.path.join(out, "model.safetensors"))
        self.assertEqual(f.entries["model.layers.0.q_proj.weight"].dtype, "F16")
        got = f.float32("model.layers.0.q_proj.weight").astype(np.float64)
        expected = w.astype(np.float64) + dense64(m)
        # one rounding to F16 (half an ulp, 2^-11 relative) plus float32 arithmetic
        err = np.max(np.abs(got - expected) / np.maximum(np.abs(expected), 2.0 ** -14))
        self.assertLess(err, 2.0 ** -10, f"relative error {err}")
        with open(os.path.join(out, "config.json")) as f:
            self.assertIn("llama", f.read())
        self.assertEqual(sorted(os.listdir(self.tmp)), ["base", "out"])  # no temp folder left

    def test_a_base_of_another_shape_is_refused_naming_file_tensor_and_module(self):
        rng = np.random.default_rng(8)
        m = random_module(rng, 24, 18, 4, 0.5, name="layers.0.q_proj")
        base = self._base("w", np.zeros((18, 24), dtype=np.float16))
        with self.assertRaises(SafetensorsError) as e:
            bake_module(base, m, os.path.join(self.tmp, "out"))
        self.assertIn("'w' is [18, 24]", str(e.exception))
        self.assertIn("layers.0.q_proj", str(e.exception))
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "out")))


class CommandLineTest(TempDirCase):
    def test_json_report_for_every_op(self):
        folders = [make_synthetic.make(os.path.join(self.tmp, f"a{i}"), layers=2, hidden=16, intermediate=24,
                                       r=4 + i, alpha=8, seed=i) for i in range(3)]
        out = subprocess.run([sys.executable, os.path.join(HERE, "peer_numpy.py"), "--adapters", ",".join(folders),
                              "--reps", "2", "--warmup", "0", "--threads", "1", "--tokens", "32", "--rank", "4",
                              "--tmp", self.tmp, "--json"], capture_output=True, text=True, check=True)
        report = json.loads(out.stdout)
        self.assertEqual(report["peer"], "numpy")
        self.assertEqual(report["threads"], 1)
        self.assertEqual(report["thread_env"]["OPENBLAS_NUM_THREADS"], "1")
        self.assertEqual(set(report["ops"]), set(peer_numpy.STANDARD_OPS))
        for name, op in report["ops"].items():
            self.assertEqual(op["modules"], 14, name)
            self.assertLessEqual(op["min_s"], op["median_s"])
            self.assertLessEqual(op["median_s"], op["max_s"])
        dense = report["ops"]["dense_spectrum"]
        self.assertTrue(dense["extrapolated"])
        self.assertEqual(dense["sample_modules"], 3)  # one of each shape: 16x16, 24x16, 16x24
        self.assertEqual(dense["by_shape"]["16x16"]["modules"], 8)
        self.assertFalse(report["ops"]["spectrum"]["extrapolated"])
        self.assertEqual(report["ops"]["route"]["inputs"], ["a0", "a1", "a2", "a0", "a1", "a2", "a0", "a1"])
        self.assertTrue(report["ops"]["route"]["reused_inputs"])
        self.assertFalse(report["ops"]["ties_svd"]["reused_inputs"])
        self.assertEqual(sorted(os.listdir(self.tmp)), ["a0", "a1", "a2"])  # save's output removed

    def test_modules_filter_restricts_every_op_but_load(self):
        folder = make_synthetic.make(os.path.join(self.tmp, "a"), layers=2, hidden=8, intermediate=12, r=2)
        out = subprocess.run([sys.executable, os.path.join(HERE, "peer_numpy.py"), "--adapters", folder,
                              "--ops", "load,spectrum", "--reps", "1", "--modules", r"q_proj$", "--json"],
                             capture_output=True, text=True, check=True)
        ops = json.loads(out.stdout)["ops"]
        self.assertEqual((ops["load"]["modules"], ops["spectrum"]["modules"]), (14, 2))

    def test_bad_folder_is_a_clear_error(self):
        out = subprocess.run([sys.executable, os.path.join(HERE, "peer_numpy.py"), "--adapters", self.tmp,
                              "--ops", "load"], capture_output=True, text=True)
        self.assertEqual(out.returncode, 2)
        self.assertIn("peer_numpy: error:", out.stderr)
        self.assertIn(self.tmp, out.stderr)
        self.assertIn("adapter_config.json is missing", out.stderr)

    def test_module_class_replaces_layer_indices(self):
        self.assertEqual(peer_numpy.module_class("base_model.model.model.layers.12.mlp.up_proj"),
                         "base_model.model.model.layers.*.mlp.up_proj")

    def test_adapters_without_common_modules_are_an_error(self):
        a = load_adapter(IMDB)
        b = load_adapter(make_synthetic.make(os.path.join(self.tmp, "s"), layers=1, hidden=8, intermediate=12))
        with self.assertRaisesRegex(AdapterError, "no module is common"):
            peer_numpy.common_modules([a, b])


if __name__ == "__main__":
    unittest.main()
