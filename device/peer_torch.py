#!/usr/bin/env python3
"""The PyTorch peer of the GPU benchmark (issue 19): the same adapters as ``lora bench --backend cuda``, on the GPU.

  python3 device/peer_torch.py --adapters BENCH_CACHE [--rank 16] [--reps 5] [--sample 2] [--tokens 4096]
      [--experts 8] [--top-k 2] [--seed 0] [--device cuda|cpu] [--json OUT.json]

Finds the PEFT folders under BENCH_CACHE (the bench's synthetic Llama-2-7B-shaped adapters, sorted by name; its
scratch folder left out), moves every factor to the GPU in float32 before timing, and times, with
torch.cuda.synchronize around each rep (``--device cpu`` runs the same code on the CPU: what the tests check it with,
``device/test_peer_torch.py``; its times are not the benchmark's):
  spectrum          factored, per module: R of the QRs of B and A^T (mode "r": Q is not formed), singular values
                    of the r x r core (torch.linalg).
  spectrum_batched  the same with the modules of one shape stacked into batched QRs and one batched svdvals.
  dense_spectrum    PEFT's path: dense scale*B@A, torch.linalg.svd(full_matrices=False); sampled (``--sample``
                    modules per shape), total extrapolated by shape.
  plus_truncate     adapter 1 + adapter 2 to ``--rank``: concatenated factors, two QRs, core SVD, sqrt(S) split.
  ties_svd          PEFT's ties_svd of adapters 1..3 (weights 1, density 0.5, total sign election), dense, then
                    torch.linalg.svd to ``--rank``; sampled and extrapolated like dense_spectrum.
  bake              adapter 1 baked into the base weight of its shape (``--bake-base DIR``: DIR/OUTxIN holds one F16
                    tensor, as ``lora bench`` writes it): read (safetensors), to the GPU, W + s*B@A in float32, back
                    to F16 and to the host, written as a new folder (no sync, as the numpy peer); sampled like
                    dense_spectrum.
  route             what bench/lorapeer/route.py does with numpy (the numpy peer's route, the same batches and gates:
                    per module class ``--tokens`` N(0, 1) tokens and a gate N(0, 1/in) [in, E] from
                    numpy.random.default_rng([seed, class index])), on the GPU: logits X @ G, each token's ``--top-k``
                    experts (highest first, lower index on ties) weighed by a softmax, the (token, expert) pairs
                    sorted by expert, one matmul pair per expert on its gathered rows, each token's rows summed;
                    adapters 1..``--experts`` (8, as ``lora bench``'s route, when the cache holds them), every module.
Prints one line per op; ``--json`` writes {"peer": "torch", "torch", "device", "ops": {OP: {"median_s", ...}}}, again
after each op, so that a run stopped at its time limit still reports the ops it finished.
"""
import argparse
import glob
import json
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
from lorapeer.peft_io import load_adapter  # noqa: E402


def timed(fn, reps, warmup, sync):
    for _ in range(warmup):
        fn()
    sync()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - t)
    return times


def module_class(name):
    """The module's name with layer indices replaced by ``*``, as the numpy peer groups route's batches."""
    return re.sub(r"\.\d+(?=\.|$)", ".*", name)


def spectrum(A, B, scale):
    """Singular values of ``scale * B @ A``, descending (``r`` of them), from the factors: the R of the QRs of ``B``
    and ``A^T`` (``Q`` not formed), then the r x r core's singular values."""
    import torch

    rb = torch.linalg.qr(B, mode="r").R
    ra = torch.linalg.qr(A.T, mode="r").R
    return torch.linalg.svdvals(scale * rb @ ra.T)


def spectrum_batched(As, Bs, scales):
    """:func:`spectrum` of a stack of same-shaped modules (``As`` [n, r, in], ``Bs`` [n, out, r], ``scales`` [n]) in
    batched calls: ``[n, r]``."""
    import torch

    rb = torch.linalg.qr(Bs, mode="r").R
    ra = torch.linalg.qr(As.transpose(1, 2), mode="r").R
    return torch.linalg.svdvals(scales.view(-1, 1, 1) * rb @ ra.transpose(1, 2))


def plus_truncate(m1, m2, rank):
    """``(B, A)`` of the best rank-``rank`` approximation of ``s1 B1 A1 + s2 B2 A2`` (modules as ``(A, B, scale)``),
    from the factors: the rank concatenation's two QRs, the core's SVD, ``sqrt(S)`` on each side (scale 1)."""
    import torch

    A1, B1, s1 = m1
    A2, B2, s2 = m2
    B = torch.cat([s1 * B1, s2 * B2], dim=1)
    A = torch.cat([A1, A2], dim=0)
    qb, rb = torch.linalg.qr(B)
    qa, ra = torch.linalg.qr(A.T)
    u, sv, vh = torch.linalg.svd(rb @ ra.T)
    root = torch.sqrt(sv[:rank])
    return (qb @ u[:, :rank]) * root, root.unsqueeze(1) * (vh[:rank] @ qa.T)


def dense_spectrum(A, B, scale):
    """PEFT's path to the singular values: the dense update ``scale * B @ A``, then a thin SVD with vectors."""
    import torch

    return torch.linalg.svd(scale * B @ A, full_matrices=False).S


def ties_svd(modules, density, rank):
    """``(B, A)`` of PEFT's ``ties_svd`` of ``modules`` [(A, B, scale)] with weights 1 (``merge_utils.ties``): each
    dense update magnitude-pruned to its top ``int(density * numel)`` entries, the sign elected by the sum (zero
    elects +), the disjoint mean, then the SVD cut to ``rank`` with ``S`` on ``B``."""
    import torch

    deltas = [s * B @ A for A, B, s in modules]
    k = int(density * deltas[0].numel())
    pruned = []
    for d in deltas:
        keep = torch.zeros(d.numel(), dtype=torch.bool, device=d.device)
        keep[torch.topk(d.abs().flatten(), k, sorted=False).indices] = True
        pruned.append(torch.where(keep.view(d.shape), d, torch.zeros_like(d)))
    t = torch.stack(pruned)
    elected = torch.where(t.sum(0) >= 0, 1.0, -1.0)
    agree = torch.sign(t) == elected  # pruned (zero) entries agree with no sign
    merged = (t * agree).sum(0) / agree.sum(0).clamp(min=1)
    u, sv, vh = torch.linalg.svd(merged, full_matrices=False)
    return u[:, :rank] * sv[:rank], vh[:rank]


def bake(base_folder, module, out_folder, dev):
    """Writes ``base_folder`` (one tensor W in ``model.safetensors``, and ``config.json``) with W replaced by
    ``W + s * B @ A`` (on ``dev``, float32, back to W's dtype) as ``out_folder``; returns the new W (on the host)."""
    from safetensors.torch import load_file, save_file

    A, B, s = module
    tensors = load_file(os.path.join(base_folder, "model.safetensors"))
    (name, w), = tensors.items()
    w = w.to(dev)
    baked = (w.float() + s * (B @ A)).to(w.dtype).cpu()
    os.makedirs(out_folder)
    save_file({name: baked}, os.path.join(out_folder, "model.safetensors"), metadata={"format": "pt"})
    shutil.copyfile(os.path.join(base_folder, "config.json"), os.path.join(out_folder, "config.json"))
    return baked


def route_inputs(names, experts, a, dev):
    """Per module, its class's (X [tokens, in], gate [in, E]) on the GPU: the numpy peer's draws, untimed."""
    import numpy as np
    import torch

    by_class, out = {}, {}
    for n in names:
        cls = module_class(n)
        if cls not in by_class:
            rng = np.random.default_rng([a.seed, len(by_class)])
            fan_in = experts[0][n][0].shape[1]
            X = rng.standard_normal((a.tokens, fan_in), dtype=np.float32)
            gate = rng.standard_normal((fan_in, len(experts)), dtype=np.float32) / np.float32(np.sqrt(fan_in))
            by_class[cls] = (torch.from_numpy(X).to(dev), torch.from_numpy(gate).to(dev))
        out[n] = by_class[cls]
    return out


def route(X, gate, modules, top_k):
    """``Y [T, out]``: bench/lorapeer/route.py's grouped GEMM in torch, for ``modules`` [(A, B, scale)] per expert."""
    import torch

    T = X.shape[0]
    logits = X @ gate
    order = torch.sort(-logits, dim=1, stable=True).indices[:, :top_k]  # highest first, lower index on ties
    sel = torch.gather(logits, 1, order)
    w = torch.exp(sel - sel[:, :1])
    weights = w / w.sum(dim=1, keepdim=True)
    pairs = order.reshape(-1)  # pair p = (token p // top_k, slot p % top_k)
    perm = torch.sort(pairs, stable=True).indices
    counts = torch.bincount(pairs, minlength=len(modules)).tolist()
    Xs = X[perm // top_k]
    ws = weights.reshape(-1)[perm]
    Z = torch.empty((T * top_k, modules[0][1].shape[0]), dtype=X.dtype, device=X.device)
    start = 0
    for A, B, scale in modules:
        end = start + counts.pop(0)
        if end > start:
            H = (Xs[start:end] @ A.T) * (ws[start:end] * scale)[:, None]
            Z[start:end] = H @ B.T
        start = end
    where = torch.empty_like(perm)
    where[perm] = torch.arange(T * top_k, device=X.device)
    where = where.reshape(T, top_k)
    Y = Z[where[:, 0]]
    for j in range(1, top_k):
        Y += Z[where[:, j]]
    return Y


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--adapters", required=True)
    p.add_argument("--rank", type=int, default=16)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--sample", type=int, default=2)
    p.add_argument("--density", type=float, default=0.5)
    p.add_argument("--bake-base", help="bake: folder of base folders, one per module shape (OUTxIN)")
    p.add_argument("--tokens", type=int, default=4096, help="tokens per module class for route")
    p.add_argument("--experts", type=int, default=8, help="adapters (experts) for route")
    p.add_argument("--top-k", type=int, default=2, help="experts per token for route")
    p.add_argument("--seed", type=int, default=0, help="seed of route's batches and gates")
    p.add_argument("--device", choices=["cuda", "cpu"], default="cuda",
                   help="cuda (the benchmark); cpu runs the same code where there is no GPU (the tests)")
    p.add_argument("--json")
    a = p.parse_args(argv)
    import torch

    dev = torch.device(a.device)
    if a.device == "cuda":
        sync = torch.cuda.synchronize
        device_name = torch.cuda.get_device_name(0)
    else:
        def sync():
            pass
        device_name = f"cpu ({platform.machine()}, {torch.get_num_threads()} threads)"
    scratch = os.path.join(os.path.abspath(a.adapters), "scratch") + os.sep
    folders = sorted(os.path.dirname(c) for c in glob.glob(os.path.join(a.adapters, "**", "adapter_config.json"),
                                                          recursive=True)
                     if not os.path.abspath(c).startswith(scratch))
    if len(folders) < 3:
        print(f"peer_torch: error: {a.adapters}: expected at least 3 PEFT folders, found {folders}", file=sys.stderr)
        return 2
    adapters = []
    for f in folders[:max(3, a.experts)]:
        ad = load_adapter(f)
        adapters.append({n: (torch.from_numpy(m.A).to(dev), torch.from_numpy(m.B).to(dev), m.scale)
                         for n, m in ad.modules.items()})
    names = [n for n in adapters[0] if all(n in x for x in adapters[1:3])]
    by_shape = {}
    for n in names:
        A, B, _ = adapters[0][n]
        by_shape.setdefault((B.shape[0], A.shape[1]), []).append(n)
    stacks = {shape: (torch.stack([adapters[0][n][0] for n in group]),
                      torch.stack([adapters[0][n][1] for n in group]),
                      torch.tensor([adapters[0][n][2] for n in group], dtype=torch.float32, device=dev))
              for shape, group in by_shape.items()}
    ops = {}
    report = {"peer": "torch", "torch": torch.__version__, "device": device_name,
              "adapters": folders[:max(3, a.experts)], "rank": a.rank, "ops": ops}

    def save():
        """Writes the report so far: a run stopped at its time limit still leaves the ops it timed."""
        if a.json:
            with open(a.json, "w", encoding="utf-8") as f:
                json.dump(report, f, indent=1)

    def record(op, times, extrapolated=False, per_shape=None):
        ops[op] = {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times),
                   "reps": len(times), "modules": len(names), "extrapolated": extrapolated}
        if per_shape:
            ops[op]["by_shape"] = per_shape
        print(f"{op}: median {ops[op]['median_s']:.4f} s over {len(names)} modules"
              + (" (extrapolated from samples)" if extrapolated else ""))
        save()

    def spectrum_all():
        for n in names:
            spectrum(*adapters[0][n])

    def spectrum_batched_all():
        # the stacks are made before timing, as the modules are moved to the GPU before timing
        for As, Bs, scales in stacks.values():
            spectrum_batched(As, Bs, scales)

    def plus_truncate_all():
        for n in names:
            plus_truncate(adapters[0][n], adapters[1][n], a.rank)

    bake_out = tempfile.mkdtemp(prefix="peer-torch-bake-")

    def bake_one(n):
        A, B, _ = adapters[0][n]
        bake(os.path.join(a.bake_base, f"{B.shape[0]}x{A.shape[1]}"), adapters[0][n],
             os.path.join(tempfile.mkdtemp(dir=bake_out), "baked"), dev)

    def sampled(op, one):
        total = []
        per_shape = {}
        for shape, group in by_shape.items():
            picks = group[:: max(1, len(group) // a.sample)][: a.sample]
            times = []
            for n in picks:
                times.append(statistics.median(timed(lambda: one(n), 1, 1, sync)))
            per_shape[f"{shape[0]}x{shape[1]}"] = {"modules": len(group), "sampled": len(picks),
                                                   "median_module_s": statistics.median(times)}
            total.append(statistics.median(times) * len(group))
        record(op, [sum(total)], extrapolated=True, per_shape=per_shape)

    experts = adapters[:a.experts]
    route_names = [n for n in adapters[0] if all(n in x for x in experts[1:])]
    try:
        route_batches = route_inputs(route_names, experts, a, dev)
    except Exception as ex:  # the other ops still run
        route_batches = None
        print(f"route: failed: {type(ex).__name__}: {ex}")

    def route_all():
        for n in route_names:
            X, gate = route_batches[n]
            route(X, gate, [x[n] for x in experts], a.top_k)

    for op, fn in [("spectrum", spectrum_all), ("spectrum_batched", spectrum_batched_all),
                   ("plus_truncate", plus_truncate_all)] + ([("route", route_all)] if route_batches is not None else []):
        try:
            record(op, timed(fn, a.reps, a.warmup, sync))
            if op == "route":
                ops[op].update(modules=len(route_names), experts=len(experts), tokens=a.tokens, top_k=a.top_k)
                save()
        except Exception as ex:  # one failed op does not stop the others
            print(f"{op}: failed: {type(ex).__name__}: {ex}")
    # three adapters, as ours (lora bench's ties_svd): when route's bench ran first, the cache holds eight
    dense = [("dense_spectrum", lambda n: dense_spectrum(*adapters[0][n])),
             ("ties_svd", lambda n: ties_svd([x[n] for x in adapters[:3]], a.density, a.rank))]
    if a.bake_base:
        dense.append(("bake", bake_one))
    for op, one in dense:
        try:
            sampled(op, one)
        except Exception as ex:
            print(f"{op}: failed: {type(ex).__name__}: {ex}")
    shutil.rmtree(bake_out, ignore_errors=True)
    save()
    return 0


if __name__ == "__main__":
    sys.exit(main())
