#!/usr/bin/env python3
"""PEFT parity: PEFT's own ``add_weighted_adapter`` against ``lora merge``, for every combination type.

  python3 device/peft_parity.py CASES_DIR [--json OUT.json]

CASES_DIR is made by device/peft_cases.py: pairs of tiny Llama-shaped adapters and our CPU merges of each pair by
every line (a combination type and options) of device/peft-methods.txt. For each pair a LlamaForCausalLM is built from a config (random weights, no
download, so it runs on the GPU machine and in CI alike), both adapters are loaded into it, and PEFT's
``add_weighted_adapter`` makes each combination type. The judges:

- linear, cat, svd, ties, ties_svd, magnitude_prune, magnitude_prune_svd are deterministic: per module, PEFT's delta
  weight and ours (scale*B@A) must agree to 1e-4 of PEFT's largest entry.
- dare_linear and dare_ties draw random masks (torch's there, ours here), so no two runs agree entry by entry; but
  PEFT merges lora_A and lora_B separately, entry by entry, so every entry of a merged factor must be one of the
  values that one of the 2^n keep patterns gives (computed here from the inputs with PEFT's weights: sqrt|w*s| with
  the sign on A; DARE's rescaling by 1/density; TIES's sign election on the pruned, unweighted factors), to 1e-4 of
  the factor's largest entry, for ours and for PEFT's; and the fraction of zero entries (nothing kept:
  (1-density)^n) must lie within 5 binomial standard deviations of its expectation, pooled over the modules.
- dare_linear_svd and dare_ties_svd prune the dense updates at random, then truncate by an SVD, whose factors are
  dense: judged as distributions. Two statistics pooled over the modules, against PEFT's own svd merge of the pair
  (ref): the distance |dW - ref| / |ref| and the gain <dW, ref> / |ref|^2 (about 1 with DARE's rescaling, about
  density without it). Ours must lie within 5 standard deviations of PEFT's over 32 draws of torch's masks.
- PEFT's merged factors are meant at scale 1 (the new adapter's lora_alpha is its rank); they are judged at that
  scale. PEFT 0.21.0 copies use_rslora from the first adapter into the merge's config, so that its scaling becomes
  sqrt(r) there (reported upstream: huggingface/peft#3761): "peft_scaling" reports what PEFT applied.
- With svd_clamp, PEFT clamps B = U*S and A = Vh to the quantile of their *signed* entries, which depends on the sign
  of each singular pair: LAPACK's choice, which we fix (the largest entry of each column of B positive; SvdFactors).
  Ours must equal PEFT's clamp applied to PEFT's unclamped factors under that sign choice, and PEFT's clamp
  reproduced on its own factors must equal its result (1e-4 each); the difference as they come is reported.
- Other options of a line (svd_rank, majority_sign_method) go to add_weighted_adapter as they go to lora merge.
- Every merge we wrote is also loaded by PEFT itself (load_adapter): no key it misses or does not expect, and its
  update (get_delta_weight, with the scale it reads from our config) equal to ours to 1e-5.
- Where PEFT refuses a pair (it raises: linear with two ranks, say), lora merge must have refused it (exit 2, the
  message kept in merged-METHOD.refused), and the other way round.

The JSON lists each (pair, case) with "ok" (true, false), what it was "judged_on", the "measure" and, as
"error", its number (the difference, the pattern error or the largest z); "failed" counts the false ones. When
torch, transformers or peft cannot be imported or a pair's model cannot be set up, the JSON still comes out, with
"error" saying why.
"""
import argparse
import itertools
import json
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bench"))
sys.path.insert(0, HERE)
from lorapeer.peft_io import load_adapter  # noqa: E402
from peft_cases import PAIRS, cases  # noqa: E402

TOL = 1e-4
READ_TOL = 1e-5  # PEFT's float32 product of the factors we wrote against ours in float64
DRAWS = 32
Z = 5.0
DETERMINISTIC = {"linear", "cat", "svd", "ties", "ties_svd", "magnitude_prune", "magnitude_prune_svd"}


def build_model(pair_dir):
    """A config-built tiny Llama (seeded) carrying the pair's adapters "a" and "b"; its LoRA modules by name."""
    import torch
    from peft import PeftModel
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    config = LlamaConfig(hidden_size=64, intermediate_size=172, num_hidden_layers=2, num_attention_heads=4,
                         num_key_value_heads=4, vocab_size=128, max_position_embeddings=64)
    model = PeftModel.from_pretrained(LlamaForCausalLM(config), os.path.join(pair_dir, "a"), adapter_name="a")
    model.load_adapter(os.path.join(pair_dir, "b"), adapter_name="b")
    modules = {name: mod for name, mod in model.named_modules() if hasattr(mod, "lora_A") and "a" in mod.lora_A}
    return model, modules


def numpy_of(t):
    return t.detach().double().cpu().numpy()


def peft_merge(mod, adapter):
    """PEFT's merged update at the scale add_weighted_adapter means (1: lora_alpha is the new rank)."""
    return numpy_of(mod.lora_B[adapter].weight) @ numpy_of(mod.lora_A[adapter].weight)


def our_module(ours, name):
    key = name if name in ours.modules else "base_model.model." + name.split("base_model.model.")[-1]
    return ours.modules[key]


def our_delta(ours, name):
    m = our_module(ours, name)
    return m.scale * (m.B.astype(np.float64) @ m.A.astype(np.float64))


def relative_difference(x, reference):
    """max |x - reference| over max |reference|."""
    return float(np.max(np.abs(x - reference)) / max(float(np.max(np.abs(reference))), 1e-30))


def keep_patterns(method, tensors, weights, density, majority="total"):
    """Each entry's value under each keep pattern of the inputs (shape [2^n, *entry shape]), as PEFT computes it."""
    n = len(tensors)
    w = np.asarray(weights, dtype=np.float64).reshape((n,) + (1,) * tensors[0].ndim)
    values = []
    for keep in itertools.product((False, True), repeat=n):
        t = np.stack([x / density if k else np.zeros_like(x) for x, k in zip(tensors, keep)])
        if method == "dare_linear":
            values.append((t * w).sum(0))
        else:  # dare_ties: the sign elected from the pruned, unweighted sum; a disjoint mean of the agreeing ones
            votes = t.sum(0) if majority == "total" else np.sign(t).sum(0)
            mask = np.sign(t) == np.where(votes >= 0, 1.0, -1.0)
            values.append((t * w * mask).sum(0) / np.maximum(mask.sum(0), 1))
    return np.stack(values)


def pattern_error(merged, candidates):
    """The largest distance of an entry from its nearest keep pattern, relative to the largest entry."""
    nearest = np.min(np.abs(candidates - merged[None]), axis=0)
    return float(nearest.max() / max(float(np.abs(merged).max()), 1e-30))


def peft_factor_weights(mod, adapters, weights):
    """PEFT's weights of the A and the B factors: sqrt|w*s| each, the sign of w*s on A alone."""
    wa, wb = [], []
    for adapter, w in zip(adapters, weights):
        c = w * mod.scaling[adapter]
        wb.append(math.sqrt(abs(c)))
        wa.append(wb[-1] if c >= 0 else -wb[-1])
    return wa, wb


def judge_deterministic(modules, new, ours):
    worst, where = 0.0, None
    for name, mod in modules.items():
        theirs = peft_merge(mod, new)
        err = relative_difference(our_delta(ours, name), theirs)
        if err > worst:
            worst, where = err, name
    return {"ok": worst <= TOL, "judged_on": "delta weights", "error": worst, "largest_at": where,
            "measure": f"max |ours - PEFT's| / max |PEFT's| {worst:.3g}"}


def judge_factor_patterns(method, modules, new, ours, weights, density, majority):
    errors, zeros, where = {"ours": 0.0, "peft": 0.0}, {"ours": 0, "peft": 0}, None
    entries = 0
    for name, mod in modules.items():
        wa, wb = peft_factor_weights(mod, ["a", "b"], weights)
        cand_a = keep_patterns(method, [numpy_of(mod.lora_A[x].weight) for x in ("a", "b")], wa, density, majority)
        cand_b = keep_patterns(method, [numpy_of(mod.lora_B[x].weight) for x in ("a", "b")], wb, density, majority)
        m = our_module(ours, name)
        sides = {"peft": (numpy_of(mod.lora_A[new].weight), numpy_of(mod.lora_B[new].weight)),
                 "ours": (m.A.astype(np.float64), m.B.astype(np.float64) * m.scale)}
        for side, (a, b) in sides.items():
            err = max(pattern_error(a, cand_a), pattern_error(b, cand_b))
            if err > errors[side]:
                errors[side] = err
                where = name if side == "ours" else where
            zeros[side] += int(np.count_nonzero(a == 0) + np.count_nonzero(b == 0))
        entries += cand_a[0].size + cand_b[0].size
    expected = (1 - density) ** 2
    sd = math.sqrt(expected * (1 - expected) / entries)
    fractions = {side: zeros[side] / entries for side in zeros}
    ok = max(errors.values()) <= TOL and all(abs(f - expected) <= Z * sd for f in fractions.values())
    worst = max(errors.values())
    return {"ok": ok, "judged_on": "every entry of the merged factors is one of the keep patterns' values",
            "error": worst, "largest_at": where, "pattern_error": errors,
            "zero_fraction": {**fractions, "expected": expected, "sd": sd, "entries": entries},
            "measure": (f"pattern error ours {errors['ours']:.3g}, PEFT's {errors['peft']:.3g}; zero entries ours "
                        f"{fractions['ours']:.4f}, PEFT's {fractions['peft']:.4f}, expected {expected:.4f} "
                        f"(sd {sd:.4f})")}


def canonical_signs(b, a):
    """B = U*S and A = Vh with each column of B's largest-magnitude entry positive (the first on ties)."""
    b, a = b.copy(), a.copy()
    for j in range(b.shape[1]):
        if b[int(np.argmax(np.abs(b[:, j]))), j] < 0:
            b[:, j], a[j, :] = -b[:, j], -a[j, :]
    return b, a


def peft_clamp(b, a, q):
    """PEFT's svd_clamp: B and A clamped to +-the q-quantile (torch.quantile) of their signed entries together."""
    import torch

    hi = float(torch.quantile(torch.cat([torch.from_numpy(b).flatten(), torch.from_numpy(a).flatten()]), q))
    return np.clip(b, -hi, hi), np.clip(a, -hi, hi)


def judge_clamp(model, modules, new, ours, weights, kwargs):
    """svd_clamp's quantile is of signed entries, so it depends on each singular pair's sign, which LAPACK picks and
    we fix (SvdFactors): ours must be PEFT's clamp applied to PEFT's unclamped factors under our signs."""
    q = kwargs["svd_clamp"]
    unclamped = {k: v for k, v in kwargs.items() if k != "svd_clamp"}
    model.add_weighted_adapter(["a", "b"], list(weights), "unclamped", **unclamped)
    worst = own = raw = 0.0
    where = None
    for name, mod in modules.items():
        b, a = numpy_of(mod.lora_B["unclamped"].weight), numpy_of(mod.lora_A["unclamped"].weight)
        theirs, mine = peft_merge(mod, new), our_delta(ours, name)
        raw = max(raw, relative_difference(mine, theirs))  # the results as they come
        cb, ca = peft_clamp(b, a, q)
        own = max(own, relative_difference(cb @ ca, theirs))
        sb, sa = peft_clamp(*canonical_signs(b, a), q)
        err = relative_difference(mine, sb @ sa)
        if err > worst:
            worst, where = err, name
    model.delete_adapter("unclamped")
    return {"ok": worst <= TOL and own <= TOL, "judged_on": "PEFT's clamp on factors signed as ours",
            "error": worst, "largest_at": where, "peft_clamp_reproduced": own, "raw_difference": raw,
            "measure": (f"ours vs PEFT's clamp of its factors under our signs {worst:.3g} (PEFT's clamp reproduced on "
                        f"its own signs to {own:.3g}); the results as they come differ by {raw:.3g}: the quantile "
                        "is of signed entries, and LAPACK picks each singular pair's sign")}


def statistics(deltas, ref):
    """(distance, gain) of the updates ``deltas`` from ``ref``, pooled over the modules."""
    num = den = gain = 0.0
    for name, r in ref.items():
        d = deltas(name)
        num += float(np.sum((d - r) ** 2))
        den += float(np.sum(r * r))
        gain += float(np.sum(d * r))
    return math.sqrt(num / den), gain / den


def judge_draws(model, modules, method, ours, weights, kwargs):
    import torch

    model.add_weighted_adapter(["a", "b"], list(weights), "ref", combination_type="svd")
    ref = {name: peft_merge(mod, "ref") for name, mod in modules.items()}
    model.delete_adapter("ref")
    draws = []
    for k in range(DRAWS):
        torch.manual_seed(1000 + k)
        model.add_weighted_adapter(["a", "b"], list(weights), "draw", combination_type=method, **kwargs)
        draws.append(statistics(lambda name: peft_merge(modules[name], "draw"), ref))
        model.delete_adapter("draw")
    draws = np.asarray(draws)
    mean, sd = draws.mean(0), np.maximum(draws.std(0, ddof=1), 1e-3 * np.abs(draws.mean(0)))
    mine = np.asarray(statistics(lambda name: our_delta(ours, name), ref))
    z = np.abs(mine - mean) / sd
    return {"ok": bool(z.max() <= Z), "judged_on": f"distance and gain from the svd merge, against {DRAWS} PEFT draws",
            "error": float(z.max()), "z": z.tolist(), "ours": mine.tolist(), "peft_mean": mean.tolist(),
            "peft_sd": sd.tolist(),
            "measure": (f"distance ours {mine[0]:.4f}, PEFT's {mean[0]:.4f} ± {sd[0]:.4f}; gain ours {mine[1]:.4f}, "
                        f"PEFT's {mean[1]:.4f} ± {sd[1]:.4f} (largest z {z.max():.2f})")}


def peft_reads(model, modules, folder, ours):
    """Our written folder loaded by PEFT itself: its update against ours, and the keys it missed or did not expect."""
    result = model.load_adapter(folder, adapter_name="ours")
    odd = list(getattr(result, "unexpected_keys", None) or [])
    odd += [k for k in getattr(result, "missing_keys", None) or [] if "lora_" in k and ".ours." in k]
    worst = max(relative_difference(numpy_of(mod.get_delta_weight("ours")), our_delta(ours, name))
                for name, mod in modules.items())
    model.delete_adapter("ours")
    return worst, odd


def judge(model, modules, pair, pair_dir, case):
    new = "merged"
    method, density = case.method, case.density
    refusal_file = os.path.join(pair_dir, f"merged-{case.label}.refused")
    ours_refused = None
    if os.path.exists(refusal_file):
        with open(refusal_file, encoding="utf-8") as f:
            ours_refused = f.read().strip()
    try:
        model.add_weighted_adapter(["a", "b"], list(pair.weights), new, combination_type=method, **case.kwargs)
        peft_refused = None
    except Exception as ex:  # PEFT refuses the pair: so must we
        peft_refused = f"{type(ex).__name__}: {ex}"
    if peft_refused or ours_refused:
        both = bool(peft_refused and ours_refused)
        if not peft_refused:
            model.delete_adapter(new)
        measure = "both refuse" if both else f"PEFT: {peft_refused or 'merges'}; ours: {ours_refused or 'merges'}"
        return {"ok": both, "judged_on": "refusal", "error": None, "measure": measure,
                "refused": {"peft": peft_refused, "ours": ours_refused}}
    ours = load_adapter(os.path.join(pair_dir, f"merged-{case.label}"))
    scaling = float(next(iter(modules.values())).scaling[new])
    try:
        if len(ours.modules) != len(modules):
            return {"ok": False, "judged_on": "modules", "error": None,
                    "measure": f"ours has {len(ours.modules)} modules, PEFT's model {len(modules)}"}
        if "svd_clamp" in case.kwargs:
            entry = judge_clamp(model, modules, new, ours, pair.weights, dict(case.kwargs, combination_type=method))
        elif method in DETERMINISTIC:
            entry = judge_deterministic(modules, new, ours)
        elif method in ("dare_linear", "dare_ties"):
            entry = judge_factor_patterns(method, modules, new, ours, pair.weights, density,
                                          case.kwargs.get("majority_sign_method", "total"))
        else:
            entry = judge_draws(model, modules, method, ours, pair.weights, case.kwargs)
        read, odd = peft_reads(model, modules, os.path.join(pair_dir, f"merged-{case.label}"), ours)
    finally:
        model.delete_adapter(new)
    entry.update(peft_reads_ours=read, peft_odd_keys=odd, ok=entry["ok"] and read <= READ_TOL and not odd)
    entry["measure"] += f"; PEFT reads our file to {read:.2g}" + (f", keys it did not expect: {odd}" if odd else "")
    entry["peft_scaling"] = scaling
    if abs(scaling - 1) > 1e-12:
        entry["measure"] += f"; PEFT applies scaling {scaling:.4g} to its merge, not 1 (huggingface/peft#3761)"
    return entry


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("cases_dir")
    p.add_argument("--json")
    a = p.parse_args(argv)
    report = {"peft": None, "torch": None, "transformers": None, "methods": [], "failed": 0}
    results = []
    try:
        import peft
        import torch
        import transformers

        report.update(peft=peft.__version__, torch=torch.__version__, transformers=transformers.__version__)
        for pair in PAIRS:
            pair_dir = os.path.join(a.cases_dir, pair.name)
            model, modules = build_model(pair_dir)
            for case in cases():
                entry = {"pair": pair.name, "case": case.label, "method": case.method, "arguments": case.kwargs,
                         "weights": list(pair.weights)}
                try:
                    entry.update(judge(model, modules, pair, pair_dir, case))
                except Exception as ex:  # one method's failure does not stop the others
                    entry.update({"ok": False, "error": f"{type(ex).__name__}: {ex}", "measure": "failed"})
                results.append(entry)
                verdict = {True: "ok  ", False: "FAIL"}[entry["ok"]]
                print(f"{verdict} {pair.name}/{case.label}: {entry['measure']} ({entry.get('judged_on', 'failed')})")
    except Exception as ex:  # the report still says what happened
        report["error"] = f"setup: {type(ex).__name__}: {ex}"
        print(f"FAIL {report['error']}")
    failed = sum(1 for r in results if r["ok"] is False)
    if "error" in report:
        failed += len(PAIRS) * len(cases()) - len(results)
    report.update(methods=results, failed=failed)
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=1, default=str)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
