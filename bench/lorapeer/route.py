"""Top-k routing of a token batch over LoRA experts on one module (a mixture of LoRA experts).

Gate: ``logits = X @ G`` (``G`` ``[in, E]``, a fixed linear gate); each token keeps its ``top_k`` experts
and weighs them by the softmax of their logits (Mixtral-style). Output
``Y[t] = sum_{e in top(t)} g_e(t) * s_e * B_e (A_e X[t])`` (``[T, out]``), computed by grouping the tokens
of each expert and doing one pair of matmuls per expert.
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
    chosen, weights = top_experts(X @ gate, top_k)
    Y = np.zeros((X.shape[0], experts[0].B.shape[0]), dtype=np.float32)
    for e, m in enumerate(experts):
        rows, slot = np.nonzero(chosen == e)
        if rows.size == 0:
            continue
        Ye = (X[rows] @ m.A.T) @ m.B.T
        Y[rows] += (weights[rows, slot] * m.scale)[:, None] * Ye
    return Y
