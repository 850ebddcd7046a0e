#!/usr/bin/env python3
"""``lora squeeze`` outputs as PEFT itself reads them (PeftSqueezeParityIT).

  python peft_squeeze_parity.py --lora PATH_TO_LORA --work DIR ADAPTER_DIR... [--json OUT] [--reuse]

For each PEFT adapter folder, ``lora squeeze`` writes a rank-3 and an energy-0.8 version (the latter with a
rank_pattern and an alpha_pattern, since its ranks differ by module). PEFT loads the original and both versions into
one config-built base model (as in peft_bake_parity.py) and, per module, the reference is computed here from PEFT's
own update of the original: its SVD, cut to rank min(3, r) or to the fewest directions holding 0.8 of Σσ². PEFT must
load each version with that rank (so it read our rank_pattern as we meant it), its update must equal the cut to 1e-5
of the cut's largest entry (so it read our alpha_pattern too), and the heads saved in modules_to_save must come back
unchanged. Exits 0 when all of that holds, 1 otherwise.
"""
import argparse
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peft_bake_parity import base_model, judge_each, relative_difference  # noqa: E402

TOL = 1e-5
VARIANTS = {"r3": ["--rank", "3"], "e08": ["--energy", "0.8"]}


def kept(sigma, variant, r):
    """The rank the variant keeps of a module with singular values ``sigma`` and rank ``r``."""
    if variant == "r3":
        return min(3, r)
    energy = np.cumsum(sigma[:r] ** 2) / np.sum(sigma[:r] ** 2)
    return int(np.searchsorted(energy, 0.8 - 1e-12) + 1)


def compare(adapter, lora, work, reuse):
    from peft import PeftModel

    name = os.path.basename(os.path.normpath(adapter))
    folders = {}
    for variant, args in VARIANTS.items():
        folders[variant] = os.path.join(work, f"{name}-{variant}")
        if reuse and os.path.isdir(folders[variant]):
            continue
        subprocess.run([lora, "squeeze", adapter, "-o", folders[variant], "--overwrite"] + args,
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, check=True)
    model = PeftModel.from_pretrained(base_model(adapter), adapter, adapter_name="orig")
    for variant, folder in folders.items():
        model.load_adapter(folder, adapter_name=variant)
    result = {"adapter": name, "modules": 0, "heads": 0}
    for variant in VARIANTS:
        result[variant] = {"error": 0.0, "largest_at": None, "wrong_ranks": [], "heads_changed": []}
    for module_name, mod in model.named_modules():
        saved = getattr(mod, "modules_to_save", None)  # a ModuleDict in PEFT's wrapper; a list or None elsewhere
        if hasattr(saved, "keys") and "orig" in saved:
            result["heads"] += 1
            orig = mod.modules_to_save["orig"].state_dict()
            for variant in VARIANTS:
                mine = mod.modules_to_save[variant].state_dict()
                if any(not np.array_equal(orig[k].numpy(), mine[k].numpy()) for k in orig):
                    result[variant]["heads_changed"].append(module_name)
        if not (hasattr(mod, "lora_A") and "orig" in mod.lora_A):
            continue
        result["modules"] += 1
        d0 = mod.get_delta_weight("orig").detach().double().numpy()
        u, s, vt = np.linalg.svd(d0, full_matrices=False)
        for variant in VARIANTS:
            k = kept(s, variant, mod.r["orig"])
            r = result[variant]
            if mod.r[variant] != k:
                r["wrong_ranks"].append(f"{module_name}: {mod.r[variant]}, expected {k}")
                continue
            cut = (u[:, :k] * s[:k]) @ vt[:k]
            got = mod.get_delta_weight(variant).detach().double().numpy()
            err = relative_difference(got, cut)
            if err > r["error"]:
                r["error"], r["largest_at"] = err, module_name
    result["ok"] = result["modules"] > 0 and all(
        result[v]["error"] <= TOL and not result[v]["wrong_ranks"] and not result[v]["heads_changed"]
        for v in VARIANTS)
    return result


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("adapters", nargs="+")
    p.add_argument("--lora", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--json")
    p.add_argument("--reuse", action="store_true", help="judge the outputs already in --work (the test damages one)")
    a = p.parse_args(argv)
    return judge_each(a.adapters, lambda adapter: compare(adapter, a.lora, a.work, a.reuse), a.json)


if __name__ == "__main__":
    sys.exit(main())
