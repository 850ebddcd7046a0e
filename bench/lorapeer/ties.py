"""PEFT's ``add_weighted_adapter(..., combination_type="ties_svd")`` on one module (TIES-Merging,
Yadav et al. 2023, applied to dense updates, then SVD back to a rank-``k`` LoRA).

Per PEFT's ``merge_utils.ties``: each task tensor ``t_i = dW_i`` is magnitude-pruned to its top
``int(density * numel)`` entries by ``|t_i|``; a sign is elected per entry on the *unweighted* pruned stack
(``total``: ``sign(sum_i t_i)``, ``frequency``: ``sign(sum_i sign(t_i))``, zero elects ``+``); the result is
the disjoint mean ``sum_i [sign(t_i) == elected] * w_i * t_i / max(#agreeing, 1)``. Then
:func:`lorapeer.dense.svd_to_module`. Each ``dW_i`` carries its scale ``s_i`` once (PEFT versions that
multiplied the weight by ``s_i`` again on this path had a bug; this is the fixed semantics).
"""
import numpy as np

from lorapeer.dense import dense_update, svd_to_module


def magnitude_prune(t, density):
    """``t`` with all but its ``int(density * t.size)`` largest-magnitude entries set to zero."""
    keep = int(density * t.size)
    flat = t.ravel()
    out = np.zeros_like(flat)
    if keep > 0:
        idx = np.argpartition(np.abs(flat), flat.size - keep)[flat.size - keep:]
        out[idx] = flat[idx]
    return out.reshape(t.shape)


def majority_sign_mask(stack, method="total"):
    """``sign(t_i) == elected`` per task and entry, the elected sign from the stack ``[n, ...]``."""
    if method == "total":
        magnitude = stack.sum(axis=0)
    elif method == "frequency":
        magnitude = np.sign(stack).sum(axis=0)
    else:
        raise ValueError(f"majority_sign_method must be 'total' or 'frequency', found {method!r}")
    elected = np.where(magnitude >= 0, 1.0, -1.0).astype(stack.dtype)
    return np.sign(stack) == elected


def disjoint_merge(stack, weights, mask):
    """``sum_i mask_i * w_i * t_i / max(sum_i mask_i, 1)``."""
    w = np.asarray(weights, dtype=stack.dtype).reshape((-1,) + (1,) * (stack.ndim - 1))
    total = np.where(mask, stack * w, 0).sum(axis=0)
    return total / np.maximum(mask.sum(axis=0), 1).astype(stack.dtype)


def ties(tensors, weights, density, method="total"):
    """TIES merge of same-shaped dense tensors."""
    stack = np.stack([magnitude_prune(t, density) for t in tensors])
    return disjoint_merge(stack, weights, majority_sign_mask(stack, method))


def ties_svd(modules, weights, density, k, method="total"):
    """The rank-``k`` LoRA module PEFT's ``ties_svd`` combination makes from one module of each adapter."""
    merged = ties([dense_update(m) for m in modules], weights, density, method)
    return svd_to_module(modules[0].name, merged, k)
