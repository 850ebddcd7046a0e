#!/usr/bin/env python3
"""Compares the cuda backend's outputs with the CPU reference results made by device/build-bundle (issue 19).

  python3 device/compare.py REFERENCE_DIR OURS_DIR [--json OUT.json]

REFERENCE_DIR holds ``cases.tsv`` (name, kind, arguments) and, per case, ``NAME.json`` (a spectrum: ``{"modules":
{NAME: [s1, ...]}}``), ``NAME/`` (a PEFT folder written by ``lora merge``/``cluster``/``orthogonalize``) or
``NAME.safetensors`` (kind route: ``lora route``'s ``output [tokens, out]``), the merges made with the exact top-k
SVD (LORA_TOPSVD=exact); OURS_DIR holds the same names from the cuda run. Spectra must agree to 1e-5 of each module's
sigma1, adapters by their updates scale*B@A (the factors' signs and bases may differ) and routed outputs (a token sent
to other experts shows as a large error) to 1e-4 of the largest entry. numpy only. Prints one line per case; exit 0
when all agree, 1 otherwise, 2 on a missing input.
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
from lorapeer.peft_io import load_adapter  # noqa: E402
from lorapeer.safetensors_io import SafetensorsFile  # noqa: E402

SPECTRUM_TOL = 1e-5
MERGE_TOL = 1e-4


def spectrum_error(ref_path, ours_path):
    with open(ref_path, encoding="utf-8") as f:
        ref = json.load(f)["modules"]
    with open(ours_path, encoding="utf-8") as f:
        ours = json.load(f)["modules"]
    if set(ref) != set(ours):
        return float("inf"), f"modules differ: {sorted(set(ref) ^ set(ours))[:3]}"
    worst, where = 0.0, None
    for name, s in ref.items():
        a, b = np.asarray(s, dtype=np.float64), np.asarray(ours[name], dtype=np.float64)
        if a.shape != b.shape:
            return float("inf"), f"{name}: {a.size} values vs {b.size}"
        err = float(np.max(np.abs(a - b)) / max(a[0], 1e-30)) if a.size else 0.0
        if err > worst:
            worst, where = err, name
    return worst, where


def adapter_error(ref_dir, ours_dir):
    ref, ours = load_adapter(ref_dir), load_adapter(ours_dir)
    if set(ref.modules) != set(ours.modules):
        return float("inf"), f"modules differ: {sorted(set(ref.modules) ^ set(ours.modules))[:3]}"
    worst, where = 0.0, None
    for name, m in ref.modules.items():
        o = ours.modules[name]
        dr = m.scale * (m.B.astype(np.float64) @ m.A.astype(np.float64))
        do = o.scale * (o.B.astype(np.float64) @ o.A.astype(np.float64))
        err = float(np.max(np.abs(dr - do)) / max(np.max(np.abs(dr)), 1e-30))
        if err > worst:
            worst, where = err, name
    return worst, where


def route_error(ref_path, ours_path):
    """max |ours - ref| / max |ref| over the routed ``output`` tensors, and the (token, feature) where it is largest."""
    ref = SafetensorsFile.read(ref_path).float32("output").astype(np.float64)
    ours = SafetensorsFile.read(ours_path).float32("output").astype(np.float64)
    if ref.shape != ours.shape:
        return float("inf"), f"output {list(ours.shape)} vs {list(ref.shape)}"
    diff = np.abs(ref - ours)
    at = np.unravel_index(int(np.argmax(diff)), diff.shape)
    return float(diff[at] / max(np.max(np.abs(ref)), 1e-30)), f"token {at[0]}, feature {at[1]}"


SUFFIX = {"spectrum": ".json", "route": ".safetensors"}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("reference")
    p.add_argument("ours")
    p.add_argument("--json")
    a = p.parse_args(argv)
    cases_path = os.path.join(a.reference, "cases.tsv")
    if not os.path.isfile(cases_path):
        print(f"compare: error: {cases_path}: no such file", file=sys.stderr)
        return 2
    results, failed = [], 0
    with open(cases_path, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            name, kind = line.rstrip("\n").split("\t")[:2]
            ours = os.path.join(a.ours, name + SUFFIX.get(kind, ""))
            ref = os.path.join(a.reference, name + SUFFIX.get(kind, ""))
            tol = SPECTRUM_TOL if kind == "spectrum" else MERGE_TOL
            try:
                if not os.path.exists(ours):
                    raise FileNotFoundError(f"{ours}: the cuda run wrote nothing")
                error = {"spectrum": spectrum_error, "route": route_error}.get(kind, adapter_error)
                err, where = error(ref, ours)
                ok = err <= tol
                note = f"largest at {where}"
            except Exception as ex:  # a failed case is reported, the others still run
                err, ok, note = float("inf"), False, f"{type(ex).__name__}: {ex}"
            failed += not ok
            results.append({"case": name, "kind": kind, "error": err, "tolerance": tol, "ok": ok, "note": note})
            print(f"{'ok  ' if ok else 'FAIL'} {name} ({kind}): relative error {err:.3g} (tolerance {tol:g}); {note}")
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump({"cases": results, "failed": failed}, f, indent=1, default=str)
    print(f"compare: {len(results) - failed} of {len(results)} agree")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
