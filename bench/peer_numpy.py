#!/usr/bin/env python3
"""The numpy peer of `lora bench` (issue 9): adapter algebra as a careful numpy user would write it, timed.

Usage:
  python3 bench/peer_numpy.py --adapters DIR[,DIR...] [--other DIR] [--ops OP[,OP...]] [--reps 5]
      [--warmup 1] [--sample N] [--dense-reps 1] [--dense-warmup 0] [--threads T] [--rank 16]
      [--density 0.5] [--kmeans-iters 10] [--tokens 4096] [--experts 8] [--top-k 2] [--seed 0]
      [--modules REGEX] [--tmp DIR] [--json]

Every adapter is read once before timing; no op but ``load`` reads files while timed. ``--modules REGEX``
keeps only matching modules (``re.search`` on the name, ``base_model.model.`` prefix included) for every op
but ``load``. Ops (per module, over the modules the inputs have in common, in the first input's order):
  load           read adapter 1's safetensors file and decode every A, B to float32 (page cache warm).
  spectrum       singular values of adapter 1's update, factored (QR of B and A^T, SVD of the r x r core).
  dense_spectrum the same the way PEFT's svd merge does it: dense s*B@A, np.linalg.svd(full_matrices=False).
                 Sampled: ``--sample N`` modules of each distinct [out, in] shape (evenly spaced), each
                 timed alone; the total is extrapolated by shape (mean sample time x modules of that shape).
  plus_truncate  adapter 1 + adapter 2 truncated to ``--rank`` (rank concatenation, QR, core SVD, sqrt(S)
                 split to both sides).
  ties_svd       PEFT's ties_svd combination of adapters 1..3 (weights 1, ``--density``, 'total' sign
                 election, dense SVD to ``--rank``). Sampled like dense_spectrum.
  cluster        LoRA-LEGO: k-means (k = ``--rank``, k-means++ seeded, ``--kmeans-iters`` Lloyd iterations)
                 of the rank units of adapters 1..4 (see bench/lorapeer/cluster.py for the unit vector).
  project        adapter 1's B projected off the top ``--rank`` left singular vectors of the other adapter's
                 update (``--other``, else adapter 2), that subspace computed factored.
  route          ``--tokens`` random tokens per module class through ``--experts`` adapters (1..8) with a
                 random linear top-``--top-k`` gate: tokens grouped by expert, one matmul pair per expert.
  save           write the plus_truncate result as a new PEFT folder (safetensors + config, temp + rename).
  bake           adapter 1 baked into a base weight, W + s*B@A in float32, stored back as F16, written as a
                 new folder (temp + rename, no sync): one module per shape, base ``--bake-base DIR/OUTxIN``
                 (its one tensor, written by ``lora bench``), extrapolated by shape like dense_spectrum.
  core_space, knots_ties, knots_dare_ties, tsv, iso_c, iso_cts, breadcrumbs, breadcrumbs_ties, della,
  della_linear, sce, model_stock, karcher, nuslerp
                 the 2025 merging methods the way their reference code computes them, on dense updates
                 (bench/lorapeer/methods.py; inputs and parameters fixed there in BENCH_PARAMS). Sampled like
                 dense_spectrum. ``--emit DIR`` writes each one's result (every module, untimed) to DIR/OP.safetensors.
Ops needing more adapters than given reuse them in turn (``inputs`` in the JSON says which were used).
Sampled ops run ``--dense-reps`` reps after ``--dense-warmup`` warmups (one dense SVD of a 4096 x 4096
update takes about a minute); the others ``--reps`` after ``--warmup``.

``--threads T`` sets OMP/OPENBLAS/MKL/BLIS/VECLIB/NUMEXPR thread counts before numpy is imported.

``--json`` prints one object:
  {"peer": "numpy", "numpy": "2.4.6", "python": "3.11.7", "blas": {"name", "version", "config"} | null,
   "threads": T | null, "thread_env": {VAR: value}, "cpu_count": n,
   "params": {"rank", "density", "majority_sign_method", "ties_weights", "kmeans_iters", "tokens",
              "experts", "top_k", "seed", "sample", "reps", "warmup", "dense_reps", "dense_warmup", "modules"},
   "adapters": [{"path", "modules", "modules_in_file", "ranks": [..distinct..], "shapes": {"OUTxIN": count}}],
   "ops": {OP: {"median_s", "min_s", "max_s", "reps", "warmup", "modules", "extrapolated",
                "sample_modules", "inputs": [folder names], "reused_inputs",
                "by_shape": {"OUTxIN": {"modules", "sampled", "median_module_s"}}  (sampled ops only)}}}
Times are seconds of wall clock (``time.perf_counter``) for the op over all its modules; ``median_s`` is
the median over reps. Errors go to stderr as ``peer_numpy: error: ...`` with exit status 2.
"""
import os
import sys

_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
                "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


def _threads_arg(argv):
    for i, a in enumerate(argv):
        if a == "--threads" and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith("--threads="):
            return a.split("=", 1)[1]
    return None


if __name__ == "__main__":
    _t = _threads_arg(sys.argv[1:])
    if _t is not None and _t.isdigit() and int(_t) > 0:
        for _v in _THREAD_VARS:
            os.environ[_v] = _t

import argparse  # noqa: E402  (numpy must come after the thread variables)
import gc  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lorapeer.bake import bake_module  # noqa: E402
from lorapeer.cluster import cluster  # noqa: E402
from lorapeer.dense import dense_spectrum  # noqa: E402
from lorapeer.factored import plus_truncate, project, spectrum  # noqa: E402
from lorapeer.methods import BENCH_PARAMS, METHODS, as_dense, merge  # noqa: E402
from lorapeer.peft_io import AdapterError, load_adapter, save_adapter  # noqa: E402
from lorapeer.route import route  # noqa: E402
from lorapeer.safetensors_io import SafetensorsError, write_safetensors  # noqa: E402
from lorapeer.ties import ties_svd  # noqa: E402

STANDARD_OPS = ("load", "spectrum", "dense_spectrum", "plus_truncate", "ties_svd", "cluster", "project", "route",
                "save")
OPS = STANDARD_OPS + ("bake",) + METHODS
SAMPLED = ("dense_spectrum", "ties_svd", "bake") + METHODS


class Work:
    """What one op does: ``run(payload)`` for each item (``(module, shape, payload)``), all prepared untimed."""

    def __init__(self, items, run, modules, inputs, reused, cleanup=None):
        self.items = items
        self.run = run
        self.modules = modules
        self.inputs = inputs
        self.reused = reused
        self.cleanup = cleanup or (lambda: None)


def common_modules(adapters):
    """Module names present in every adapter (first adapter's order), with equal update shapes."""
    first = adapters[0]
    names = [n for n in first.modules if all(n in a.modules for a in adapters[1:])]
    for n in names:
        for a in adapters[1:]:
            if a.modules[n].shape != first.modules[n].shape:
                raise AdapterError(f"module '{n}' is {_shape(first.modules[n].shape)} in {first.path} "
                                   f"but {_shape(a.modules[n].shape)} in {a.path}; they cannot be combined")
    if not names:
        raise AdapterError("no module is common to " + ", ".join(a.path for a in adapters))
    return names


def module_class(name):
    """The module's name with layer indices replaced by ``*`` (``layers.3.self_attn.q_proj`` -> ``layers.*.…``)."""
    return re.sub(r"\.\d+(?=\.|$)", ".*", name)


def _shape(shape):
    return f"{shape[0]}x{shape[1]}"


class Bench:
    """The loaded inputs and parameters; :meth:`work` prepares an op (untimed)."""

    def __init__(self, adapters, other, args):
        self.adapters = adapters
        self.other = other
        self.args = args

    def _inputs(self, n):
        chosen = [self.adapters[i % len(self.adapters)] for i in range(n)]
        return chosen, n > len(self.adapters)

    def _items(self, adapters, make):
        names = common_modules(adapters)
        return [(n, adapters[0].modules[n].shape, make(n, [a.modules[n] for a in adapters])) for n in names]

    def work(self, op):
        a = self.args
        if op == "load":
            first = self.adapters[0]
            return Work([(None, None, first.path)], load_adapter, first.modules_in_file, [first.name], False)
        if op in ("spectrum", "dense_spectrum"):
            first = self.adapters[0]
            fn = spectrum if op == "spectrum" else dense_spectrum
            items = [(n, m.shape, m) for n, m in first.modules.items()]
            return Work(items, fn, len(items), [first.name], False)
        if op == "plus_truncate":
            ins, reused = self._inputs(2)
            items = self._items(ins, lambda n, ms: ms)
            return Work(items, lambda ms: plus_truncate(ms[0], ms[1], a.rank), len(items), _names(ins), reused)
        if op == "ties_svd":
            ins, reused = self._inputs(3)
            items = self._items(ins, lambda n, ms: ms)
            weights = [1.0] * len(ins)
            return Work(items, lambda ms: ties_svd(ms, weights, a.density, a.rank), len(items), _names(ins), reused)
        if op == "cluster":
            ins, reused = self._inputs(4)
            items = [(n, shape, (ms, (a.seed, i)))
                     for i, (n, shape, ms) in enumerate(self._items(ins, lambda n, ms: ms))]
            return Work(items, lambda p: cluster(p[0], a.rank, a.kmeans_iters, np.random.default_rng(p[1])),
                        len(items), _names(ins), reused)
        if op == "project":
            other = self.other or self.adapters[1 % len(self.adapters)]
            pair = [self.adapters[0], other]
            items = self._items(pair, lambda n, ms: ms)
            return Work(items, lambda ms: project(ms[0], ms[1], a.rank), len(items), _names(pair),
                        self.other is None and len(self.adapters) < 2)
        if op in METHODS:
            ins, reused = self._inputs(BENCH_PARAMS[op]["inputs"])
            items = self._items(ins, lambda n, ms: ms)
            return Work(items, lambda ms: merge(op, ms), len(items), _names(ins), reused)
        if op == "route":
            return self._route_work()
        if op == "save":
            return self._save_work()
        if op == "bake":
            return self._bake_work()
        raise ValueError(op)

    def _route_work(self):
        a = self.args
        ins, reused = self._inputs(a.experts)
        batches = {}

        def make(name, ms):
            cls = module_class(name)
            if cls not in batches:
                rng = np.random.default_rng([a.seed, len(batches)])
                fan_in = ms[0].shape[1]
                X = rng.standard_normal((a.tokens, fan_in), dtype=np.float32)
                gate = rng.standard_normal((fan_in, len(ms)), dtype=np.float32) / np.float32(np.sqrt(fan_in))
                batches[cls] = (X, gate)
            X, gate = batches[cls]
            if X.shape[1] != ms[0].shape[1]:
                raise AdapterError(f"module '{name}' has {ms[0].shape[1]} inputs; other modules of its class "
                                   f"'{cls}' have {X.shape[1]}")
            return X, gate, ms

        items = self._items(ins, make)
        return Work(items, lambda p: route(p[0], p[1], p[2], a.top_k), len(items), _names(ins), reused)

    def _save_work(self):
        ins, reused = self._inputs(2)
        names = common_modules(ins)
        result = {n: plus_truncate(ins[0].modules[n], ins[1].modules[n], self.args.rank) for n in names}
        config = ins[0].config
        root = tempfile.mkdtemp(prefix="peer-numpy-save-", dir=self.args.tmp)
        count = [0]

        def save(_):
            count[0] += 1
            save_adapter(os.path.join(root, f"out-{count[0]}"), result, config)

        def cleanup():
            for entry in os.listdir(root):
                shutil.rmtree(os.path.join(root, entry), ignore_errors=True)

        work = Work([(None, None, None)], save, len(names), _names(ins), reused, cleanup)
        work.root = root
        return work


    def _bake_work(self):
        base = self.args.bake_base
        if not base:
            raise AdapterError("bake needs --bake-base DIR (one base folder per shape, DIR/OUTxIN, as lora bench "
                               "writes them)")
        first = self.adapters[0]
        root = tempfile.mkdtemp(prefix="peer-numpy-bake-", dir=self.args.tmp)
        count = [0]

        def make(name, m):
            folder = os.path.join(base, _shape(m.shape))
            if not os.path.isfile(os.path.join(folder, "model.safetensors")):
                raise AdapterError(f"no bake base for module '{name}' ({_shape(m.shape)}): "
                                   f"{folder}/model.safetensors is missing")
            return folder, m

        def bake(payload):
            count[0] += 1
            bake_module(payload[0], payload[1], os.path.join(root, f"out-{count[0]}"))

        def cleanup():
            for entry in os.listdir(root):
                shutil.rmtree(os.path.join(root, entry), ignore_errors=True)

        items = [(n, m.shape, make(n, m)) for n, m in first.modules.items()]
        work = Work(items, bake, len(items), [first.name], False, cleanup)
        work.root = root
        return work


def _names(adapters):
    return [a.name for a in adapters]


def time_all(work, reps, warmup):
    """Wall-clock seconds of running every item, per rep, after ``warmup`` untimed runs."""
    for _ in range(warmup):
        for _name, _shape_, payload in work.items:
            work.run(payload)
        work.cleanup()
    times = []
    for _ in range(reps):
        gc.collect()
        t0 = time.perf_counter()
        for _name, _shape_, payload in work.items:
            work.run(payload)
        times.append(time.perf_counter() - t0)
        work.cleanup()
    return times, None


def time_sampled(work, reps, warmup, sample):
    """Per rep, the total extrapolated by shape from ``sample`` evenly spaced modules of each shape."""
    groups = {}
    for item in work.items:
        groups.setdefault(item[1], []).append(item)
    picks = {}
    for shape, items in groups.items():
        idx = sorted(set(np.round(np.linspace(0, len(items) - 1, min(sample, len(items)))).astype(int)))
        picks[shape] = [items[i] for i in idx]
    for _ in range(warmup):
        for chosen in picks.values():
            for item in chosen:
                work.run(item[2])
    per_shape = {shape: [] for shape in groups}
    totals = []
    for _ in range(reps):
        total = 0.0
        for shape, chosen in picks.items():
            ts = []
            for item in chosen:
                gc.collect()
                t0 = time.perf_counter()
                work.run(item[2])
                ts.append(time.perf_counter() - t0)
            per_shape[shape].extend(ts)
            total += statistics.fmean(ts) * len(groups[shape])
        totals.append(total)
    by_shape = {_shape(s): {"modules": len(groups[s]), "sampled": len(picks[s]),
                            "median_module_s": statistics.median(per_shape[s]) if per_shape[s] else None}
                for s in groups}
    return totals, by_shape


def blas_info():
    """BLAS name, version and configuration from ``np.show_config``, or None when not obtainable."""
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return {"name": blas.get("name"), "version": blas.get("version"),
                "config": blas.get("openblas configuration")}
    except Exception:  # older numpy or a build without the info: report none rather than guess
        return None


def parse_args(argv):
    p = argparse.ArgumentParser(prog="peer_numpy.py", description="numpy peer of `lora bench`.")
    p.add_argument("--adapters", required=True, help="comma-separated PEFT adapter folders")
    p.add_argument("--other", help="adapter whose top subspace `project` removes (default: adapter 2)")
    p.add_argument("--ops", default=",".join(STANDARD_OPS),
                   help="comma-separated ops (default: all but the merge methods): " + ", ".join(OPS))
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--sample", type=int, default=1, help="modules per distinct shape for sampled ops")
    p.add_argument("--dense-reps", type=int, default=1, help="reps of the sampled (dense) ops")
    p.add_argument("--dense-warmup", type=int, default=0, help="warmups of the sampled (dense) ops")
    p.add_argument("--threads", type=int, help="BLAS/OpenMP threads (set before numpy is imported)")
    p.add_argument("--rank", type=int, default=16, help="rank of merged results and k of cluster/project")
    p.add_argument("--density", type=float, default=0.5, help="ties_svd density")
    p.add_argument("--kmeans-iters", type=int, default=10, help="Lloyd iterations of cluster")
    p.add_argument("--tokens", type=int, default=4096, help="tokens per module class for route")
    p.add_argument("--experts", type=int, default=8, help="adapters (experts) for route")
    p.add_argument("--top-k", type=int, default=2, help="experts per token for route")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--modules", help="only modules whose name matches this regex (re.search); load reads all")
    p.add_argument("--tmp", help="folder for save's output (default: the system temp folder)")
    p.add_argument("--bake-base", help="bake: folder of base folders, one per module shape (OUTxIN)")
    p.add_argument("--emit", help="folder: write each merge method's result (every module, dense [out, in]) as "
                                  "OP.safetensors, untimed, after timing")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    args = p.parse_args(argv)
    args.ops = [o.strip() for o in args.ops.split(",") if o.strip()]
    unknown = [o for o in args.ops if o not in OPS]
    if unknown:
        p.error(f"unknown op(s) {', '.join(unknown)}; expected some of {', '.join(OPS)}")
    for name in ("reps", "sample", "dense_reps", "rank", "tokens", "experts", "top_k"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1, found {getattr(args, name)}")
    for name in ("warmup", "dense_warmup", "kmeans_iters"):
        if getattr(args, name) < 0:
            p.error(f"--{name.replace('_', '-')} must be at least 0, found {getattr(args, name)}")
    if not 0 <= args.density <= 1:
        p.error(f"--density must be in [0, 1], found {args.density}")
    if args.top_k > args.experts:
        p.error(f"--top-k ({args.top_k}) cannot exceed --experts ({args.experts})")
    if args.modules is not None:
        try:
            re.compile(args.modules)
        except re.error as ex:
            p.error(f"--modules is not a valid regex: {ex}")
    if args.threads is not None and args.threads < 1:
        p.error(f"--threads must be at least 1, found {args.threads}")
    return args


def describe(adapter):
    shapes = {}
    for m in adapter.modules.values():
        shapes[_shape(m.shape)] = shapes.get(_shape(m.shape), 0) + 1
    return {"path": adapter.path, "modules": len(adapter.modules), "modules_in_file": adapter.modules_in_file,
            "ranks": sorted({m.rank for m in adapter.modules.values()}), "shapes": shapes}


def select_modules(adapter, pattern):
    """``adapter`` keeping only modules whose name matches ``pattern`` (``re.search``; None keeps all)."""
    adapter.modules_in_file = len(adapter.modules)
    if pattern is not None:
        adapter.modules = {n: m for n, m in adapter.modules.items() if re.search(pattern, n)}
        if not adapter.modules:
            raise AdapterError(f"{adapter.path}: no module name matches --modules {pattern!r}")
    return adapter


def run(args):
    adapters = [select_modules(load_adapter(d), args.modules) for d in args.adapters.split(",") if d]
    other = select_modules(load_adapter(args.other), args.modules) if args.other else None
    bench = Bench(adapters, other, args)
    report = {
        "peer": "numpy", "numpy": np.__version__, "python": platform.python_version(), "blas": blas_info(),
        "threads": args.threads, "thread_env": {v: os.environ.get(v) for v in _THREAD_VARS if v in os.environ},
        "cpu_count": os.cpu_count(),
        "params": {"rank": args.rank, "density": args.density, "majority_sign_method": "total",
                   "ties_weights": [1.0, 1.0, 1.0], "kmeans_iters": args.kmeans_iters, "tokens": args.tokens,
                   "experts": args.experts, "top_k": args.top_k, "seed": args.seed, "sample": args.sample,
                   "reps": args.reps, "warmup": args.warmup, "dense_reps": args.dense_reps,
                   "dense_warmup": args.dense_warmup, "modules": args.modules,
                   "methods": {m: BENCH_PARAMS[m] for m in args.ops if m in METHODS}},
        "adapters": [describe(a) for a in adapters] + ([describe(other)] if other else []),
        "ops": {},
    }
    for op in args.ops:
        work = bench.work(op)
        try:
            if op in SAMPLED:
                times, by_shape = time_sampled(work, args.dense_reps, args.dense_warmup, args.sample)
                sampled = sum(v["sampled"] for v in by_shape.values())
                extrapolated = sampled < work.modules
                reps, warmup = args.dense_reps, args.dense_warmup
            else:
                times, by_shape = time_all(work, args.reps, args.warmup)
                sampled, extrapolated, reps, warmup = work.modules, False, args.reps, args.warmup
        finally:
            if hasattr(work, "root"):
                shutil.rmtree(work.root, ignore_errors=True)
        entry = {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times), "reps": reps,
                 "warmup": warmup, "modules": work.modules, "extrapolated": extrapolated,
                 "sample_modules": sampled, "inputs": work.inputs, "reused_inputs": work.reused}
        if by_shape is not None:
            entry["by_shape"] = by_shape
        report["ops"][op] = entry
        if args.emit and op in METHODS:
            os.makedirs(args.emit, exist_ok=True)
            write_safetensors(os.path.join(args.emit, op + ".safetensors"),
                              {name: as_dense(work.run(payload)) for name, _shape_, payload in work.items})
        if not args.json:
            note = f"  (extrapolated from {sampled} modules)" if extrapolated else ""
            print(f"{op:15s} median {entry['median_s']:10.4f} s  min {entry['min_s']:10.4f}  "
                  f"max {entry['max_s']:10.4f}  {work.modules:4d} modules{note}", flush=True)
    return report


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        report = run(args)
    except (AdapterError, SafetensorsError, OSError) as ex:
        print(f"peer_numpy: error: {ex}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report, indent=None, sort_keys=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
