"""Correctness of the PyTorch peer of the GPU benchmark (``device/peer_torch.py``), on the CPU: each op it times
computes what ours computes, checked against a float64 dense reference or the numpy peer (``bench/lorapeer``, itself
tested against dense references in ``bench/test_peer_numpy.py``), and a whole run of the script ends with every op.

Run from the repository root with a Python that has torch, numpy and safetensors (``.ci/run`` makes one: the PEFT
environment): ``python -m unittest device/test_peer_torch.py``. No timing is judged.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "bench"))

import make_synthetic  # noqa: E402
import peer_numpy  # noqa: E402
import peer_torch  # noqa: E402
from lorapeer.bake import bake_module  # noqa: E402
from lorapeer.factored import plus_truncate as numpy_plus_truncate  # noqa: E402
from lorapeer.peft_io import Module, load_adapter  # noqa: E402
from lorapeer.route import route as numpy_route  # noqa: E402
from lorapeer.safetensors_io import SafetensorsFile, write_safetensors  # noqa: E402
from lorapeer.ties import ties_svd as numpy_ties_svd  # noqa: E402

# (out, in, r, scale): square, tall and wide updates, as Llama's attention and MLP modules
SHAPES = [(48, 48, 8, 2.0), (96, 40, 6, 0.5), (40, 96, 6, 1.25)]


def random_module(rng, out_dim, in_dim, r, scale):
    """A module whose update has full rank r with spread singular values (B's columns on different scales)."""
    A = rng.standard_normal((r, in_dim)).astype(np.float32) / np.float32(np.sqrt(in_dim))
    B = (rng.standard_normal((out_dim, r)) * np.logspace(0, -1.5, r)).astype(np.float32)
    return A, B, scale


def as_torch(m):
    A, B, s = m
    return torch.from_numpy(A), torch.from_numpy(B), s


def dense64(m):
    A, B, s = m
    return s * (B.astype(np.float64) @ A.astype(np.float64))


def relative(x, reference):
    """The largest entry difference as a fraction of the reference's largest entry."""
    x = np.asarray(x, dtype=np.float64)
    reference = np.asarray(reference, dtype=np.float64)
    return float(np.abs(x - reference).max() / np.abs(reference).max())


class PeerTorchOpsTest(unittest.TestCase):
    def setUp(self):
        self.rng = np.random.default_rng(19)

    def test_spectrum_is_the_dense_updates_singular_values(self):
        for out_dim, in_dim, r, s in SHAPES:
            m = random_module(self.rng, out_dim, in_dim, r, s)
            got = peer_torch.spectrum(*as_torch(m)).numpy()
            want = np.linalg.svd(dense64(m), compute_uv=False)[:r]
            err = relative(got, want)
            self.assertLess(err, 1e-5, f"{out_dim}x{in_dim} r{r}: spectrum differs from the dense SVD by {err:.2e}"
                                       " of sigma_1")

    def test_batched_spectrum_is_each_modules_spectrum(self):
        mods = [random_module(self.rng, 64, 40, 5, s) for s in (1.0, 0.5, 3.0, 2.0)]
        got = peer_torch.spectrum_batched(torch.stack([torch.from_numpy(A) for A, _, _ in mods]),
                                          torch.stack([torch.from_numpy(B) for _, B, _ in mods]),
                                          torch.tensor([s for _, _, s in mods], dtype=torch.float32)).numpy()
        self.assertEqual(got.shape, (4, 5))
        for i, m in enumerate(mods):
            want = np.linalg.svd(dense64(m), compute_uv=False)[:5]
            err = relative(got[i], want)
            self.assertLess(err, 1e-5, f"module {i} of the batch: {err:.2e} of sigma_1 from the dense SVD")

    def test_dense_spectrum_has_the_rank_r_values_and_a_zero_tail(self):
        out_dim, in_dim, r, s = SHAPES[1]
        m = random_module(self.rng, out_dim, in_dim, r, s)
        got = peer_torch.dense_spectrum(*as_torch(m)).numpy()
        want = np.linalg.svd(dense64(m), compute_uv=False)
        self.assertEqual(got.shape, (min(out_dim, in_dim),))
        err = relative(got, want)
        self.assertLess(err, 1e-5, f"dense spectrum: {err:.2e} of sigma_1 from float64 (tail included)")

    def test_plus_truncate_is_the_best_rank_k_approximation_of_the_sum(self):
        for out_dim, in_dim, r, s in SHAPES:
            m1 = random_module(self.rng, out_dim, in_dim, r, s)
            m2 = random_module(self.rng, out_dim, in_dim, r - 2, 1.0)
            k = r - 1
            B, A = (t.numpy() for t in peer_torch.plus_truncate(as_torch(m1), as_torch(m2), k))
            self.assertEqual((B.shape, A.shape), ((out_dim, k), (k, in_dim)))
            U, S, Vt = np.linalg.svd(dense64(m1) + dense64(m2), full_matrices=False)
            best = (U[:, :k] * S[:k]) @ Vt[:k]
            err = relative(B.astype(np.float64) @ A, best)
            self.assertLess(err, 1e-5, f"{out_dim}x{in_dim}: B A is {err:.2e} from the best rank-{k} sum")
            # sqrt(S) on each side: B's column norms and A's row norms are both sqrt(sigma)
            for side, norms in (("B's columns", np.linalg.norm(B, axis=0)), ("A's rows", np.linalg.norm(A, axis=1))):
                err = relative(norms, np.sqrt(S[:k]))
                self.assertLess(err, 1e-5, f"{side}' norms are {err:.2e} from sqrt(sigma)")
            # the numpy peer's op, the one lora bench --peer numpy times, gives the same update
            theirs = numpy_plus_truncate(Module("m", *m1), Module("m", *m2), k)
            err = relative(B.astype(np.float64) @ A, theirs.B.astype(np.float64) @ theirs.A)
            self.assertLess(err, 1e-5, f"{out_dim}x{in_dim}: {err:.2e} from the numpy peer's plus_truncate")

    def test_ties_svd_is_peft_s_ties_svd_as_the_numpy_peer_computes_it(self):
        for out_dim, in_dim, r, s in SHAPES:
            mods = [random_module(self.rng, out_dim, in_dim, r, s * (i + 1)) for i in range(3)]
            for density in (0.5, 0.2):
                B, A = (t.numpy() for t in peer_torch.ties_svd([as_torch(m) for m in mods], density, r))
                theirs = numpy_ties_svd([Module("m", *m) for m in mods], [1.0, 1.0, 1.0], density, r)
                err = relative(B.astype(np.float64) @ A, theirs.B.astype(np.float64) @ theirs.A)
                self.assertLess(err, 1e-5, f"{out_dim}x{in_dim} density {density}: {err:.2e} from the numpy "
                                           "peer's ties_svd")

    def test_ties_svd_before_its_cut_is_the_looped_ties_merge(self):
        # an independent loop over entries: prune to the top int(d * n) magnitudes, elect the sum's sign, mean
        mods = [random_module(self.rng, 12, 10, 3, 1.0) for _ in range(3)]
        density = 0.4
        deltas = [dense64(m) for m in mods]
        k = int(density * deltas[0].size)
        pruned = []
        for d in deltas:
            cut = np.sort(np.abs(d).ravel())[-k]
            pruned.append(np.where(np.abs(d) >= cut, d, 0.0))
        want = np.zeros_like(deltas[0])
        for i in range(want.shape[0]):
            for j in range(want.shape[1]):
                values = [p[i, j] for p in pruned]
                elected = 1.0 if sum(values) >= 0 else -1.0
                agreeing = [v for v in values if v != 0 and np.sign(v) == elected]
                want[i, j] = sum(agreeing) / max(len(agreeing), 1)
        B, A = (t.numpy() for t in peer_torch.ties_svd([as_torch(m) for m in mods], density, 10))
        err = relative(B.astype(np.float64) @ A, want)
        self.assertLess(err, 1e-5, f"ties_svd at full rank is {err:.2e} from the looped TIES merge")

    def test_bake_writes_the_base_plus_the_update_in_the_bases_dtype(self):
        tmp = tempfile.mkdtemp(prefix="peer-torch-test-")
        self.addCleanup(shutil.rmtree, tmp)
        m = random_module(self.rng, 40, 96, 6, 2.0)
        base = os.path.join(tmp, "40x96")
        os.makedirs(base)
        w = (self.rng.standard_normal((40, 96)) * 0.05).astype(np.float16)
        write_safetensors(os.path.join(base, "model.safetensors"), {"layer.weight": w}, metadata={"format": "pt"})
        with open(os.path.join(base, "config.json"), "w", encoding="utf-8") as f:
            f.write('{"model_type": "test"}')
        baked = peer_torch.bake(base, as_torch(m), os.path.join(tmp, "baked"), torch.device("cpu"))
        self.assertEqual(baked.dtype, torch.float16)
        written = SafetensorsFile.read(os.path.join(tmp, "baked", "model.safetensors"))
        self.assertEqual(list(written.entries), ["layer.weight"])
        self.assertEqual(written.entries["layer.weight"].dtype, "F16")
        np.testing.assert_array_equal(written.float32("layer.weight"), baked.float().numpy())
        with open(os.path.join(tmp, "baked", "config.json"), encoding="utf-8") as f:
            self.assertEqual(f.read(), '{"model_type": "test"}')
        # float64 reference rounded to F16: each entry within one F16 step of it (float32 sums may round apart)
        want = (w.astype(np.float64) + dense64(m)).astype(np.float16)
        steps = np.abs(baked.numpy().astype(np.float64) - want) / np.spacing(np.abs(want))
        self.assertLessEqual(float(steps.max()), 1.0, f"bake is {steps.max():.1f} F16 steps from W + s B A")
        theirs = bake_module(base, Module("m", *m), os.path.join(tmp, "numpy"))
        steps = np.abs(baked.numpy().astype(np.float64) - theirs) / np.spacing(np.abs(theirs.astype(np.float64)))
        self.assertLessEqual(float(steps.max()), 1.0, f"bake is {steps.max():.1f} F16 steps from the numpy peer's")

    def test_route_is_the_looped_mixture_of_the_top_k_experts(self):
        T, in_dim, out_dim, E, top_k = 37, 24, 20, 5, 2
        experts = [random_module(self.rng, out_dim, in_dim, 4, 1.0 + e) for e in range(E)]
        X = self.rng.standard_normal((T, in_dim)).astype(np.float32)
        gate = (self.rng.standard_normal((in_dim, E)) / np.sqrt(in_dim)).astype(np.float32)
        got = peer_torch.route(torch.from_numpy(X), torch.from_numpy(gate), [as_torch(m) for m in experts],
                               top_k).numpy()
        logits = X.astype(np.float64) @ gate
        want = np.zeros((T, out_dim))
        for t in range(T):
            top = sorted(range(E), key=lambda e: (-logits[t, e], e))[:top_k]
            g = np.exp(logits[t, top] - logits[t, top].max())
            g /= g.sum()
            for weight, e in zip(g, top):
                want[t] += weight * (dense64(experts[e]) @ X[t])
        err = relative(got, want)
        self.assertLess(err, 1e-5, f"route is {err:.2e} from the looped mixture")
        theirs = numpy_route(X, gate, [Module("m", *m) for m in experts], top_k)
        err = relative(got, theirs)
        self.assertLess(err, 1e-5, f"route is {err:.2e} from the numpy peer's")

    def test_route_breaks_tied_logits_towards_the_lower_expert(self):
        in_dim, out_dim = 8, 6
        experts = [random_module(self.rng, out_dim, in_dim, 2, 1.0) for _ in range(3)]
        X = self.rng.standard_normal((5, in_dim)).astype(np.float32)
        column = self.rng.standard_normal((in_dim, 1)).astype(np.float32)
        gate = np.concatenate([-column, column, column], axis=1)  # experts 1 and 2 tie on every token
        X = X * np.sign(X @ column)  # and lead it: X @ column > 0 > expert 0's -X @ column
        got = peer_torch.route(torch.from_numpy(X), torch.from_numpy(gate), [as_torch(m) for m in experts],
                               1).numpy()
        want = (dense64(experts[1]) @ X.T.astype(np.float64)).T
        err = relative(got, want)
        self.assertLess(err, 1e-5, f"a tie must go to expert 1 (the lower index): {err:.2e} from its output")

    def test_route_inputs_are_the_numpy_peers_batches(self):
        tmp = tempfile.mkdtemp(prefix="peer-torch-test-")
        self.addCleanup(shutil.rmtree, tmp)
        folders = [make_synthetic.make(os.path.join(tmp, f"a{i}"), layers=2, hidden=16, intermediate=24, r=2,
                                       seed=i) for i in range(3)]
        args = peer_numpy.parse_args(["--adapters", ",".join(folders), "--tokens", "11", "--experts", "3",
                                      "--seed", "5"])
        adapters = [load_adapter(f) for f in folders]
        work = peer_numpy.Bench(adapters, None, args).work("route")
        experts = [{n: as_torch((m.A, m.B, m.scale)) for n, m in ad.modules.items()} for ad in adapters]
        names = [n for n, _, _ in work.items]
        ours = peer_torch.route_inputs(names, experts, args, torch.device("cpu"))
        for n, _, (X, gate, ms) in work.items:
            np.testing.assert_array_equal(ours[n][0].numpy(), X, err_msg=f"{n}: tokens")
            np.testing.assert_array_equal(ours[n][1].numpy(), gate, err_msg=f"{n}: gate")
            got = peer_torch.route(*ours[n], [x[n] for x in experts], args.top_k).numpy()
            err = relative(got, numpy_route(X, gate, ms, args.top_k))
            self.assertLess(err, 1e-5, f"{n}: route is {err:.2e} from the numpy peer's on its batch")


class PeerTorchRunTest(unittest.TestCase):
    """The script as the device runs it, with ``--device cpu``, over small Llama-shaped adapters."""

    def test_a_whole_run_reports_every_op(self):
        tmp = tempfile.mkdtemp(prefix="peer-torch-run-")
        self.addCleanup(shutil.rmtree, tmp)
        hidden, intermediate = 32, 48
        for i in range(3):
            make_synthetic.make(os.path.join(tmp, "cache", f"adapter-{i}"), layers=2, hidden=hidden,
                                intermediate=intermediate, r=4, seed=i)
        # a scratch folder of the bench cache is not an input, as on the device
        make_synthetic.make(os.path.join(tmp, "cache", "scratch", "merged"), layers=1, hidden=8, intermediate=8, r=2)
        rng = np.random.default_rng(3)
        for out_dim, in_dim in ((hidden, hidden), (intermediate, hidden), (hidden, intermediate)):
            base = os.path.join(tmp, "bases", f"{out_dim}x{in_dim}")
            os.makedirs(base)
            write_safetensors(os.path.join(base, "model.safetensors"),
                              {"w": (rng.standard_normal((out_dim, in_dim)) * 0.02).astype(np.float16)})
            with open(os.path.join(base, "config.json"), "w", encoding="utf-8") as f:
                f.write("{}")
        report = os.path.join(tmp, "torch.json")
        command = [sys.executable, os.path.join(HERE, "peer_torch.py"), "--device", "cpu",
                   "--adapters", os.path.join(tmp, "cache"), "--bake-base", os.path.join(tmp, "bases"),
                   "--rank", "4", "--reps", "2", "--sample", "1", "--tokens", "16", "--experts", "3",
                   "--json", report]
        run = subprocess.run(command, capture_output=True, text=True, timeout=300)
        output = run.stdout + run.stderr
        self.assertEqual(run.returncode, 0, output)
        self.assertNotIn("failed", output)
        with open(report, encoding="utf-8") as f:
            got = json.load(f)
        self.assertEqual(got["peer"], "torch")
        self.assertTrue(got["device"].startswith("cpu"), got["device"])
        self.assertEqual(len(got["adapters"]), 3, got["adapters"])
        self.assertEqual(set(got["ops"]), {"spectrum", "spectrum_batched", "plus_truncate", "route",
                                           "dense_spectrum", "ties_svd", "bake"}, output)
        for op, entry in got["ops"].items():
            self.assertGreater(entry["median_s"], 0, op)
            self.assertEqual(entry["modules"], 14, op)
            self.assertEqual(entry["extrapolated"], op in ("dense_spectrum", "ties_svd", "bake"), op)
        self.assertEqual(got["ops"]["route"]["experts"], 3)
        self.assertEqual(set(got["ops"]["bake"]["by_shape"]), {"32x32", "48x32", "32x48"})

    def test_fewer_than_three_adapters_is_a_clear_error(self):
        tmp = tempfile.mkdtemp(prefix="peer-torch-run-")
        self.addCleanup(shutil.rmtree, tmp)
        make_synthetic.make(os.path.join(tmp, "only"), layers=1, hidden=8, intermediate=8, r=2)
        run = subprocess.run([sys.executable, os.path.join(HERE, "peer_torch.py"), "--device", "cpu",
                              "--adapters", tmp], capture_output=True, text=True, timeout=300)
        self.assertEqual(run.returncode, 2, run.stdout + run.stderr)
        self.assertIn("expected at least 3 PEFT folders", run.stderr)


if __name__ == "__main__":
    unittest.main()
