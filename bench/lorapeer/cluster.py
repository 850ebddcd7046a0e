"""LoRA-LEGO merging by clustering rank units (Zhao et al. 2024, "Merging LoRAs like Playing LEGO").

A LoRA update is a sum of rank-one units: ``s * B @ A = sum_j s * b_j a_j^T`` (``b_j`` column ``j`` of
``B``, ``a_j`` row ``j`` of ``A``). The paper clusters the units of all adapters with k-means and makes
each centroid one unit of the merged rank-``k`` adapter. The paper gives no code; our exact choices:

* **Unit vector.** ``u_j = concat(sqrt(mu_j) * b_j / |b_j|, sqrt(mu_j) * a_j / |a_j|)`` with magnitude
  ``mu_j = |s| |b_j| |a_j|`` (a negative scale's sign goes on the ``b`` half): the scale is baked in and
  split evenly, so ``u``'s two halves give back
  ``s * b_j a_j^T`` and units are comparable whatever ``(c b, a / c)`` rescaling or scale an adapter used.
  Units are *not* normalised to unit length (a big unit pulls its centroid harder). A zero unit stays zero.
* **Sign.** ``(b, a)`` and ``(-b, -a)`` are the same unit: each is flipped so that the largest-magnitude
  entry of its ``b`` half is positive (first such entry on ties).
* **k-means.** k-means++ seeding (Arthur & Vassilvitskii 2007: first centre uniform, then each drawn
  with probability proportional to the squared distance to the nearest chosen centre; when all points
  coincide with chosen centres, the remaining centres are the first unchosen points), from a seeded
  ``numpy.random.default_rng``; then exactly ``iters`` Lloyd iterations (assign each point to the
  nearest centre by squared Euclidean distance, lowest index on ties; move each centre to its members'
  mean; a centre with no members stays), no early stop, so the work is fixed.
* **Parameter reweighting** (the paper's fix for norm decay): each centroid is rescaled to the mean norm
  of the members of its last assignment. The paper's output reweighting has no published formula and is
  not applied.

The merged module has ``B = [b'_1 .. b'_k]``, ``A = [a'_1; ..; a'_k]``, scale 1. Merging copies of one
adapter with ``k = r`` gives that adapter's update back.
"""
import numpy as np

from lorapeer.peft_io import Module


def units(m):
    """``m``'s rank units as rows ``[r, out + in]`` (see the module doc for the exact vector)."""
    nb = np.linalg.norm(m.B, axis=0)
    na = np.linalg.norm(m.A, axis=1)
    root = np.sqrt(abs(m.scale) * nb * na)
    with np.errstate(divide="ignore", invalid="ignore"):
        fb = np.where(nb > 0, np.copysign(root, m.scale) / nb, 0.0).astype(np.float32)
        fa = np.where(na > 0, root / na, 0.0).astype(np.float32)
    b = m.B.T * fb[:, None]
    a = m.A * fa[:, None]
    top = b[np.arange(b.shape[0]), np.argmax(np.abs(b), axis=1)]
    sign = np.where(top < 0, -1.0, 1.0).astype(np.float32)[:, None]
    return np.concatenate([b * sign, a * sign], axis=1)


def kmeans_pp(X, k, rng):
    """Indices of ``k`` k-means++ seeds among the rows of ``X``."""
    n = X.shape[0]
    chosen = [int(rng.integers(n))]
    d2 = _sq_dist_to(X, X[chosen[0]])
    while len(chosen) < k:
        total = float(d2.sum(dtype=np.float64))
        if total > 0:
            p = d2.astype(np.float64) / total
            nxt = int(rng.choice(n, p=p))
        else:
            nxt = next(i for i in range(n) if i not in chosen)
        chosen.append(nxt)
        d2 = np.minimum(d2, _sq_dist_to(X, X[nxt]))
    return np.array(chosen)


def lloyd(X, C, iters):
    """``iters`` Lloyd iterations from centres ``C``; returns ``(centres, labels of the last assignment)``."""
    C = C.copy()
    k = C.shape[0]
    xx = np.einsum("ij,ij->i", X, X)
    labels = np.zeros(X.shape[0], dtype=np.int64)
    for _ in range(iters):
        labels = np.argmin(_sq_dist(X, C, xx), axis=1)
        onehot = np.zeros((X.shape[0], k), dtype=X.dtype)
        onehot[np.arange(X.shape[0]), labels] = 1
        counts = onehot.sum(axis=0)
        sums = onehot.T @ X
        moved = counts > 0
        C[moved] = sums[moved] / counts[moved, None]
    return C, labels


def _sq_dist(X, C, xx):
    """Squared Euclidean distances ``[n, k]`` between rows of ``X`` (squared norms ``xx``) and rows of ``C``."""
    d = xx[:, None] - 2 * (X @ C.T) + np.einsum("ij,ij->i", C, C)[None, :]
    return np.maximum(d, 0)


def _sq_dist_to(X, c):
    """Squared Euclidean distance of each row of ``X`` to ``c``, computed exactly (no cancellation)."""
    diff = X - c
    return np.einsum("ij,ij->i", diff, diff)


def reweight(C, X, labels):
    """Each centre rescaled to the mean norm of its members (centres without members unchanged)."""
    norms = np.linalg.norm(X, axis=1)
    C = C.copy()
    for j in range(C.shape[0]):
        members = labels == j
        c = np.linalg.norm(C[j])
        if members.any() and c > 0:
            C[j] *= norms[members].mean() / c
    return C


def cluster(modules, k, iters, rng):
    """The LoRA-LEGO merge of one module of each adapter: rank ``min(k, total units)``, scale 1."""
    X = np.concatenate([units(m) for m in modules], axis=0)
    k = min(k, X.shape[0])
    C, labels = lloyd(X, X[kmeans_pp(X, k, rng)], iters)
    C = reweight(C, X, labels)
    out = modules[0].B.shape[0]
    return Module(modules[0].name, np.ascontiguousarray(C[:, out:]), np.ascontiguousarray(C[:, :out].T), 1.0)
