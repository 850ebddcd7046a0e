"""The 2025 merging methods on one module, the way their reference code computes them: on dense ``[out, in]``
updates ``dW_t = s_t * B_t @ A_t`` (numpy, float32 arrays as the references' torch tensors; float64 where the
reference asks for it), each returning the merged dense update. ``shared/MERGING.md`` names the reference
commits; LoRAlgebra's definitions where a reference is ill-defined on LoRA (TSV with k_t = r_t, Iso in the span
of the inputs) are followed, so that the results equal ``lora merge``'s and only the way of computing differs.

Element-wise methods (breadcrumbs, DELLA, SCE) end, as LoRAlgebra's do, with the rank-``k`` SVD that turns a dense
update back into a LoRA (PEFT's ``*_svd`` path, :func:`lorapeer.dense.svd_to_module`).
"""
import math

import numpy as np

from lorapeer.dense import dense_update, svd_to_module

# What `lora bench --methods` runs on both sides (inputs, parameters); LoRAlgebra's MethodOps mirrors it.
BENCH_PARAMS = {
    "core_space": {"inputs": 3, "core_merge": "ta"},
    "knots_ties": {"inputs": 3, "density": 0.2},
    "knots_dare_ties": {"inputs": 3, "density": 0.9, "seed": 0},
    "tsv": {"inputs": 3},
    "iso_c": {"inputs": 3},
    "iso_cts": {"inputs": 3, "common_space_fraction": 0.8},
    "breadcrumbs": {"inputs": 3, "density": 0.9, "gamma": 0.01, "rank": 16},
    "breadcrumbs_ties": {"inputs": 3, "density": 0.9, "gamma": 0.01, "rank": 16},
    "della": {"inputs": 3, "density": 0.5, "epsilon": 0.15, "seed": 0, "rank": 16},
    "della_linear": {"inputs": 3, "density": 0.5, "epsilon": 0.15, "seed": 0, "rank": 16},
    "sce": {"inputs": 3, "select_topk": 0.5, "rank": 16},
    "model_stock": {"inputs": 3},
    "karcher": {"inputs": 3},
    "nuslerp": {"inputs": 2},
}
METHODS = tuple(BENCH_PARAMS)
RANDOM = ("knots_dare_ties", "della", "della_linear")


def _polar(X):
    """``P Q^T`` of the thin SVD ``X = P D Q^T`` (the orthogonal polar factor, Procrustes' whitening)."""
    P, _, Qt = np.linalg.svd(X, full_matrices=False)
    return P @ Qt


def _numerical_rank(S, shape, dtype):
    if S.size == 0 or S[0] == 0:
        return 0
    tol = S[0] * max(shape) * np.finfo(dtype).eps
    return int(np.count_nonzero(S > tol))


def core_space(modules, p):
    """Core Space merging with task arithmetic on the cores: float64 thin SVDs of ``[B_1 ... B_T]`` and
    ``[A_1; ...; A_T]`` give the reference bases, ``M_t = U^T B_t A_t V``, ``dW = U (sum M_t) V^T``."""
    Bs = [m.scale * m.B.astype(np.float64) for m in modules]
    As = [m.A.astype(np.float64) for m in modules]
    U = np.linalg.svd(np.hstack(Bs), full_matrices=False)[0]
    Vt = np.linalg.svd(np.vstack(As), full_matrices=False)[2]
    M = sum((U.T @ B) @ (A @ Vt.T) for B, A in zip(Bs, As))
    return (U @ M @ Vt).astype(np.float32)


def _ties_blocks(Z, density, dare, rng):
    """KnOTS' TIES (or DARE-TIES) on the task blocks ``Z_t``: prune (top ``floor(d * size)`` by magnitude, or keep
    each entry with probability ``d`` and divide by ``d``), elect the sign of the sum (``+`` at zero), mean of the
    agreeing nonzero entries."""
    pruned = []
    for z in Z:
        if dare:
            pruned.append(np.where(rng.random(z.shape) < density, z / density, 0.0))
        else:
            keep = int(density * z.size)
            flat = np.abs(z).ravel()
            if keep <= 0:
                threshold = flat.max()
            else:
                threshold = np.partition(flat, flat.size - keep)[flat.size - keep]
            pruned.append(np.where(np.abs(z) >= threshold, z, 0.0))
    stack = np.stack(pruned)
    elected = np.where(stack.sum(axis=0) >= 0, 1.0, -1.0)
    agree = (np.sign(stack) == elected) & (stack != 0)
    return np.where(agree, stack, 0.0).sum(axis=0) / np.maximum(agree.sum(axis=0), 1)


def knots(modules, p, dare=False):
    """KnOTS: float64 thin SVD of ``[dW_1 | ... | dW_T]`` (``sigma > 1e-5`` kept), TIES or DARE-TIES on the task
    blocks ``Z_t = diag(sigma) V_t^T``, ``dW = U Z*``."""
    updates = [dense_update(m).astype(np.float64) for m in modules]
    n = updates[0].shape[1]
    U, S, Vt = np.linalg.svd(np.hstack(updates), full_matrices=False)
    keep = S > 1e-5
    U, S, Vt = U[:, keep], S[keep], Vt[keep]
    Z = [S[:, None] * Vt[:, t * n:(t + 1) * n] for t in range(len(updates))]
    rng = np.random.default_rng(p.get("seed", 0))
    return (U @ _ties_blocks(Z, p["density"], dare, rng)).astype(np.float32)


def tsv(modules, p):
    """TSV-Merge with ``k_t = r_t``: a dense SVD per task, ``polar([U_1 ... U_T]) diag(sigma) polar([V_1 ...
    V_T])^T``."""
    Us, Ss, Vs = [], [], []
    for m in modules:
        U, S, Vt = np.linalg.svd(dense_update(m), full_matrices=False)
        k = min(m.rank, S.size)
        Us.append(U[:, :k])
        Ss.append(S[:k])
        Vs.append(Vt[:k].T)
    return ((_polar(np.hstack(Us)) * np.concatenate(Ss)) @ _polar(np.hstack(Vs)).T).astype(np.float32)


def iso_c(modules, p):
    """Iso-C in the span: dense SVD of ``sum dW_t``, every nonzero singular value replaced by their mean."""
    D = sum(dense_update(m) for m in modules)
    U, S, Vt = np.linalg.svd(D, full_matrices=False)
    k = _numerical_rank(S, D.shape, D.dtype)
    return (S[:k].mean() * U[:, :k] @ Vt[:k]).astype(np.float32)


def iso_cts(modules, p):
    """Iso-CTS in the span (``r = R = sum r_t``): the top ``k`` directions of the sum (``k`` from the common-space
    fraction, Python's half-even rounding as the reference), then each task's top ``s`` directions of what the
    common space leaves (left side), all singular values replaced by their mean, both sides whitened."""
    updates = [dense_update(m) for m in modules]
    T = len(updates)
    R = min(sum(m.rank for m in modules), min(updates[0].shape))
    k = math.floor(p["common_space_fraction"] * R)
    s_total = round((R - k) / T) * T
    k = R - s_total
    s = s_total // T
    U, S, Vt = np.linalg.svd(sum(updates), full_matrices=False)
    Uk = U[:, :k]
    us, ss, vs = [Uk], [S[:k]], [Vt[:k].T]
    for d in updates:
        Ut, St, Vtt = np.linalg.svd(d - Uk @ (Uk.T @ d), full_matrices=False)
        us.append(Ut[:, :s])
        ss.append(St[:s])
        vs.append(Vtt[:s].T)
    sigma = np.concatenate(ss).mean()
    return (sigma * _polar(np.hstack(us)) @ _polar(np.hstack(vs)).T).astype(np.float32)


def _breadcrumbs_prune(d, density, gamma):
    N = d.size
    keep = math.floor(density * N)
    n_top = math.floor(gamma * N)
    n_bot = N - keep - n_top
    if n_bot < 0:
        n_top += n_bot
        n_bot = 0
    order = np.argsort(np.abs(d).ravel(), kind="stable")
    mask = np.zeros(N, dtype=bool)
    mask[order[n_bot:N - n_top]] = True
    return np.where(mask.reshape(d.shape), d, 0)


def _consensus(stack):
    """mergekit's sign consensus 'sum' on the weighted deltas: the elected sign (``+`` at zero) and the mask."""
    elected = np.where(stack.sum(axis=0) >= 0, 1, -1).astype(stack.dtype)
    return np.sign(stack) == elected


def breadcrumbs(modules, p, ties=False):
    """mergekit's breadcrumbs (magnitude outliers) per tensor, then sum (or sign consensus and sum), rank-k SVD."""
    stack = np.stack([_breadcrumbs_prune(dense_update(m), p["density"], p["gamma"]) for m in modules])
    merged = np.where(_consensus(stack), stack, 0).sum(axis=0) if ties else stack.sum(axis=0)
    return svd_to_module(modules[0].name, merged, p["rank"])


def della(modules, p, consensus=True):
    """mergekit's DELLA: per row, keep probability ``(d - eps) + 2 eps (rank - 1)/(n - 1)`` by ascending magnitude
    rank, L1 rescale over the tensor; ``della`` adds sign consensus and the mean of the agreeing; rank-k SVD."""
    d, eps = p["density"], p["epsilon"]
    rng = np.random.default_rng(p["seed"])
    pruned = []
    for m in modules:
        delta = dense_update(m)
        n = delta.shape[1]
        order = np.argsort(np.abs(delta), axis=1, kind="stable")
        ranks = np.empty_like(order)
        np.put_along_axis(ranks, order, np.arange(n)[None, :].repeat(delta.shape[0], axis=0), axis=1)
        prob = (d - eps) + 2 * eps * ranks / (n - 1) if n > 1 else np.full(delta.shape, d)
        kept = np.where(rng.random(delta.shape) < prob, delta, 0)
        before, after = np.abs(delta).sum(dtype=np.float64), np.abs(kept).sum(dtype=np.float64)
        if before > 1e-7 and after > 1e-7:
            kept = kept * np.float32(before / after)
        pruned.append(kept)
    stack = np.stack(pruned)
    if consensus:
        agree = _consensus(stack)
        merged = np.where(agree, stack, 0).sum(axis=0) / np.maximum(agree.sum(axis=0), 1).astype(np.float32)
    else:
        merged = stack.sum(axis=0)
    return svd_to_module(modules[0].name, merged, p["rank"])


def sce(modules, p):
    """mergekit's sce: select (the ``floor(tau * #(var != 0))`` entries of largest variance across tasks), calculate
    (weights from mean squares), erase (sign consensus), then the rank-k SVD."""
    stack = np.stack([dense_update(m) for m in modules])
    T = stack.shape[0]
    tau = p["select_topk"]
    if tau < 1:
        var = stack.var(axis=0).ravel()
        kk = math.floor(tau * np.count_nonzero(var))
        order = np.argsort(-var, kind="stable")
        mask = np.zeros(var.size, dtype=bool)
        mask[order[:kk]] = True
        stack = np.where(mask.reshape(stack.shape[1:]), stack, 0)
    ms = np.array([np.mean(np.square(s, dtype=np.float64)) for s in stack])
    w = ms / ms.sum() if ms.sum() >= 1e-6 else np.full(T, 1.0 / T)
    w = w.astype(np.float32).reshape(T, 1, 1)
    agree = _consensus(stack) & (stack != 0)
    num = np.where(agree, w * stack, 0).sum(axis=0)
    den = np.maximum(np.where(agree, w, 0).sum(axis=0), 1e-6)
    return svd_to_module(modules[0].name, num / den, p["rank"])


def _flat(modules):
    return [dense_update(m).ravel().astype(np.float64) for m in modules]


def model_stock(modules, p):
    """mergekit's model_stock on the deltas: ``t = N c / (1 + (N - 1) c)`` from the mean pairwise cosine ``c``,
    result ``t * mean(dW_t)``."""
    x = _flat(modules)
    N = len(x)
    norms = [np.linalg.norm(v) for v in x]
    cos = [x[i] @ x[j] / max(norms[i] * norms[j], 1e-6) for i in range(N) for j in range(i + 1, N)]
    c = float(np.mean(cos))
    t = N * c / (1 + (N - 1) * c)
    return (t * sum(x) / N).reshape(modules[0].shape).astype(np.float32)


def karcher(modules, p, iterations=10, tol=1e-5):
    """mergekit's karcher on the deltas: the Riemannian mean of the unit vectors (at most 10 steps), times the mean
    norm."""
    x = _flat(modules)
    alpha = 1.0 / len(x)
    norms = [np.linalg.norm(v) for v in x]
    units = [v / n for v, n in zip(x, norms) if n > tol]
    u = sum(alpha * v for v in units)
    u = u / np.linalg.norm(u)
    for _ in range(iterations):
        g = np.zeros_like(u)
        for v in units:
            theta = math.acos(min(max(float(v @ u), -1.0), 1.0))
            if theta >= tol:
                g += alpha * theta / math.sin(theta) * (v - math.cos(theta) * u)
        gn = np.linalg.norm(g)
        if gn < tol:
            break
        u = math.cos(gn) * u + math.sin(gn) * g / gn
        u = u / np.linalg.norm(u)
    scale = sum(alpha * n for n in norms if n > tol)
    return (scale * u).reshape(modules[0].shape).astype(np.float32)


def nuslerp(modules, p):
    """mergekit's nuslerp of two deltas with equal weights (t = 1/2), whole flattened tensors."""
    v0, v1 = _flat(modules[:2])
    t = 0.5
    cos = float(v0 @ v1 / (np.linalg.norm(v0) * np.linalg.norm(v1)))
    theta = math.acos(min(max(cos, -1.0), 1.0))
    if abs(math.sin(theta)) < 1e-8:
        res = (1 - t) * v0 + t * v1
    else:
        res = (math.sin((1 - t) * theta) * v0 + math.sin(t * theta) * v1) / math.sin(theta)
    return res.reshape(modules[0].shape).astype(np.float32)


_RUN = {
    "core_space": core_space,
    "knots_ties": knots,
    "knots_dare_ties": lambda ms, p: knots(ms, p, dare=True),
    "tsv": tsv,
    "iso_c": iso_c,
    "iso_cts": iso_cts,
    "breadcrumbs": breadcrumbs,
    "breadcrumbs_ties": lambda ms, p: breadcrumbs(ms, p, ties=True),
    "della": della,
    "della_linear": lambda ms, p: della(ms, p, consensus=False),
    "sce": sce,
    "model_stock": model_stock,
    "karcher": karcher,
    "nuslerp": nuslerp,
}


def merge(method, modules, params=None):
    """``method``'s merge of one module of each input (a dense update, or a LoRA module for the methods that end in
    a rank-k SVD), with ``params`` (default: :data:`BENCH_PARAMS`)."""
    return _RUN[method](modules, params if params is not None else BENCH_PARAMS[method])


def as_dense(result):
    """The merged ``[out, in]`` update of :func:`merge`'s result, float32."""
    if isinstance(result, np.ndarray):
        return result
    return dense_update(result)
