"""Dense paths: what PEFT's ``svd`` combinations do, forming the ``[out, in]`` update and SVD-ing it.

``np.linalg.svd`` (LAPACK ``gesdd``, computed in float64 by numpy whatever the input) on a 4096 x 4096
update takes about a minute on two cores, which is why the factored :func:`lorapeer.factored.spectrum`
exists; this is the baseline it is measured against.
"""
import numpy as np

from lorapeer.peft_io import Module


def dense_update(m):
    """``s * B @ A`` as a float32 ``[out, in]`` array."""
    return m.scale * (m.B @ m.A)


def dense_spectrum(m):
    """Singular values of ``m``'s update the way PEFT's svd merge gets them: dense ``dW``, then a thin SVD
    with vectors (``full_matrices=False``), keeping only ``S``."""
    _, S, _ = np.linalg.svd(dense_update(m), full_matrices=False)
    return S


def svd_to_module(name, dW, k):
    """PEFT's ``*_svd`` factorisation of a dense update: ``U S Vh = svd(dW)``, ``B = U_k diag(S_k)``,
    ``A = Vh_k`` (all of ``S`` on ``B``), scale 1."""
    U, S, Vh = np.linalg.svd(dW, full_matrices=False)
    k = min(k, S.size)
    return Module(name, np.ascontiguousarray(Vh[:k], dtype=np.float32),
                  np.ascontiguousarray(U[:, :k] * S[:k], dtype=np.float32), 1.0)
