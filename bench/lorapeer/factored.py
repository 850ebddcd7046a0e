"""Operations on one module done on the factors, never forming the dense ``[out, in]`` update.

All rest on one identity: with ``B = Q_B R_B`` and ``A^T = Q_A R_A`` (thin QR),
``s * B @ A = Q_B (s * R_B R_A^T) Q_A^T``; the SVD of the small core ``s * R_B R_A^T = U_c S V_c^T`` gives
the update's SVD ``(Q_B U_c) S (Q_A V_c)^T`` at ``O((out + in) r^2 + r^3)`` cost instead of a dense SVD.
(numpy's ``linalg`` computes in float64 whatever the input; results are cast back to float32.)
"""
import numpy as np

from lorapeer.peft_io import Module


def core(B, A, scale):
    """``(Q_B, core, Q_A)`` with ``scale * B @ A == Q_B @ core @ Q_A.T`` and ``Q_B``, ``Q_A`` orthonormal."""
    QB, RB = np.linalg.qr(B)
    QA, RA = np.linalg.qr(A.T)
    return QB, scale * (RB @ RA.T), QA


def spectrum(m):
    """Singular values of ``m``'s update ``s * B @ A``, descending (``r`` of them).

    Only the ``R`` factors are needed (``mode="r"`` skips forming ``Q``): ``sigma(s B A) = sigma(s R_B R_A^T)``.
    """
    RB = np.linalg.qr(m.B, mode="r")
    RA = np.linalg.qr(m.A.T, mode="r")
    return np.linalg.svd(m.scale * (RB @ RA.T), compute_uv=False)


def truncated_svd(B, A, scale, k):
    """The top-``k`` SVD ``(U, S, V)`` of ``scale * B @ A``: ``U`` ``[out, k]``, ``S`` ``[k]``, ``V`` ``[in, k]``."""
    QB, c, QA = core(B, A, scale)
    Uc, S, Vch = np.linalg.svd(c)
    k = min(k, S.size)
    return QB @ Uc[:, :k], S[:k], QA @ Vch[:k].T


def plus_truncate(m1, m2, k, name=None):
    """Best rank-``k`` approximation (Eckart-Young) of ``dW1 + dW2``, as a module of scale 1.

    The sum is the rank concatenation ``B = [s1 B1 | s2 B2]``, ``A = [A1; A2]``; its top-``k`` SVD
    ``U S V^T`` is split evenly: ``B' = U sqrt(S)``, ``A' = sqrt(S) V^T``.
    """
    B = np.concatenate([m1.scale * m1.B, m2.scale * m2.B], axis=1)
    A = np.concatenate([m1.A, m2.A], axis=0)
    U, S, V = truncated_svd(B, A, 1.0, k)
    root = np.sqrt(S)
    return Module(name or m1.name, (root[:, None] * V.T).astype(np.float32), (U * root).astype(np.float32), 1.0)


def top_left_vectors(m, k):
    """The top-``k`` left singular vectors ``U`` ``[out, k]`` of ``m``'s update (fewer when ``r < k``).

    Only ``Q_B`` is formed: ``U = Q_B U_c`` with ``U_c`` the left singular vectors of ``s R_B R_A^T``.
    """
    QB, RB = np.linalg.qr(m.B)
    RA = np.linalg.qr(m.A.T, mode="r")
    Uc = np.linalg.svd(m.scale * (RB @ RA.T))[0]
    return QB @ Uc[:, :min(k, Uc.shape[1])]


def project_off(m, U):
    """``m`` with its output side projected off ``span(U)``: ``B' = B - U (U^T B)`` (``U`` orthonormal).

    The update becomes ``(I - U U^T) dW``; ``A`` and the scale are unchanged.
    """
    B = m.B - U @ (U.T @ m.B)
    return Module(m.name, m.A, B, m.scale)


def project(m, other, k):
    """``m`` projected off the top-``k`` left singular subspace of ``other``'s update (same module)."""
    return project_off(m, top_left_vectors(other, k))
