"""Top-k routing of a token batch over LoRA experts on one module (a mixture of LoRA experts).

Gate: ``logits = X @ G`` (``G`` ``[in, E]``, a fixed linear gate); each token keeps its ``top_k`` experts
and weighs them by the softmax of their logits (Mixtral-style). Output
``Y[t] = sum_{e in top(t)} g_e(t) * s_e * B_e (A_e X[t])`` (``[T, out]``).

Computed as a grouped GEMM: the ``T * top_k`` (token, expert) pairs are sorted by expert (stable), the
tokens gathered once, and each expert does one matmul pair on its contiguous group, the gate weight and
scale applied to the small ``[n_e, r]`` intermediate; each token's ``top_k`` output rows are then summed.
"""
import numpy as np


def top_experts(logits, top_k):
    """``(experts [T, top_k], weights [T, top_k])``: highest logits first (lower index on ties), softmax weights."""
    order = np.argsort(-logits, axis=1, kind="stable")[:, :top_k]
    sel = np.take_along_axis(logits, order, axis=1)
    w = np.exp(sel - sel[:, :1])
    return order, (w / w.sum(axis=1, keepdims=True)).astype(np.float32)


def route(X, gate, experts, top_k):
    """``Y`` ``[T, out]`` for tokens ``X`` ``[T, in]``, gate ``[in, E]`` and one module per expert."""
    T = X.shape[0]
    chosen, weights = top_experts(X @ gate, top_k)
    pairs = chosen.ravel()  # pair p = (token p // top_k, slot p % top_k)
    order = np.argsort(pairs, kind="stable")
    counts = np.bincount(pairs, minlength=len(experts))
    Xs = X[order // top_k]
    ws = weights.ravel()[order]
    Z = np.empty((T * top_k, experts[0].B.shape[0]), dtype=np.float32)
    start = 0
    for e, m in enumerate(experts):
        end = start + counts[e]
        if end > start:
            H = (Xs[start:end] @ m.A.T) * (ws[start:end] * np.float32(m.scale))[:, None]
            np.matmul(H, m.B.T, out=Z[start:end])
        start = end
    where = np.empty(T * top_k, dtype=np.int64)
    where[order] = np.arange(T * top_k)
    where = where.reshape(T, top_k)
    Y = Z[where[:, 0]]
    for j in range(1, top_k):
        Y += Z[where[:, j]]
    return Y
