#!/usr/bin/env python3
"""PEFT parity on the GPU machine (issue 19): PEFT's own ``add_weighted_adapter`` against ``lora merge``.

  python3 device/peft_parity.py PEFT_DIR [--json OUT.json]

PEFT_DIR (made by device/build-bundle) holds two Llama-shaped adapters ``a``, ``b`` (2 layers, hidden 64,
intermediate 172, rank 8, every projection) and ``merged-METHOD`` for each line of device/peft-methods.txt: our CPU
merge with weights 0.6, 0.4 and the density on that line. Here a LlamaForCausalLM is built from a config (random
weights, no download), both adapters are loaded into it, and ``add_weighted_adapter`` makes each combination type;
per module, PEFT's delta weight is compared with ours (scale*B@A from our folder) relative to its largest entry:
deterministic types must agree to 1e-4. The dare_* types draw their masks from torch's generator, not ours, so their
error is reported, not judged on: dare_linear and dare_ties prune the factors A and B themselves (PEFT merges them
factor by factor), and the fraction of non-zero entries of each merged factor must be within 0.05 of PEFT's (about
0.75 at density 0.5 for two adapters); dare_linear_svd and dare_ties_svd prune the dense update and then truncate it
by an SVD, whose factors are dense, so nothing of theirs is judged ("ok": null, "not judged"). The delta weights'
own non-zero fraction is no judge: a product of pruned factors has almost no zero entry. When the model or the
adapters cannot be set up (an import or a loading error), the JSON still comes out, with "error" saying why.
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
from lorapeer.peft_io import load_adapter  # noqa: E402

TOL = 1e-4


def methods():
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "peft-methods.txt"), encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if parts:
                density = float(parts[parts.index("-d") + 1]) if "-d" in parts else None
                yield parts[0], density


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("peft_dir")
    p.add_argument("--json")
    a = p.parse_args(argv)
    report = {"peft": None, "torch": None, "methods": [], "failed": 0}
    try:
        import peft
        import torch
        from peft import PeftModel
        from transformers import LlamaConfig, LlamaForCausalLM

        report.update(peft=peft.__version__, torch=torch.__version__)
        torch.manual_seed(0)
        config = LlamaConfig(hidden_size=64, intermediate_size=172, num_hidden_layers=2, num_attention_heads=4,
                             num_key_value_heads=4, vocab_size=128, max_position_embeddings=64)
        base = LlamaForCausalLM(config)
        model = PeftModel.from_pretrained(base, os.path.join(a.peft_dir, "a"), adapter_name="a")
        model.load_adapter(os.path.join(a.peft_dir, "b"), adapter_name="b")
    except Exception as ex:  # the report still says what happened
        report.update(error=f"setup: {type(ex).__name__}: {ex}", failed=len(list(methods())))
        print(f"FAIL {report['error']}")
        if a.json:
            with open(a.json, "w", encoding="utf-8") as f:
                json.dump(report, f, indent=1, default=str)
        return 1
    lora_modules = {name: mod for name, mod in model.named_modules() if hasattr(mod, "lora_A") and "a" in mod.lora_A}
    results, failed = [], 0
    for method, density in methods():
        new = f"m_{method}"
        kwargs = {"density": density} if density is not None else {}
        entry = {"method": method, "density": density}
        try:
            model.add_weighted_adapter(["a", "b"], [0.6, 0.4], new, combination_type=method, **kwargs)
            ours = load_adapter(os.path.join(a.peft_dir, f"merged-{method}"))
            worst, frac_gap, where = 0.0, 0.0, None
            for name, mod in lora_modules.items():
                theirs = mod.get_delta_weight(new).detach().double().cpu().numpy()
                key = name if name in ours.modules else "base_model.model." + name.split("base_model.model.")[-1]
                m = ours.modules[key]
                mine = m.scale * (m.B.astype(np.float64) @ m.A.astype(np.float64))
                err = float(np.max(np.abs(theirs - mine)) / max(np.max(np.abs(theirs)), 1e-30))
                if err > worst:
                    worst, where = err, name
                for t, o in ((mod.lora_A[new].weight, m.A), (mod.lora_B[new].weight, m.B)):
                    kept = float((t.detach().cpu() != 0).double().mean())
                    frac_gap = max(frac_gap, abs(kept - float(np.mean(o != 0))))
            if not method.startswith("dare"):
                ok, judged = worst <= TOL, "delta weights"
            elif method.endswith("_svd"):
                ok, judged = None, "not judged: random masks, and the SVD's factors are dense"
            else:
                ok, judged = frac_gap <= 0.05, "non-zero fraction of the merged factors"
            entry.update({"error": worst, "largest_at": where, "factor_nonzero_fraction_gap": frac_gap,
                          "judged_on": judged, "ok": ok})
            model.delete_adapter(new)
        except Exception as ex:  # one method's failure does not stop the others
            entry.update({"ok": False, "error": f"{type(ex).__name__}: {ex}"})
        failed += entry["ok"] is False
        results.append(entry)
        verdict = {True: "ok  ", False: "FAIL", None: "----"}[entry["ok"]]
        print(f"{verdict} {method}: {entry.get('error')} ({entry.get('judged_on', 'failed')})")
    report.update(methods=results, failed=failed)
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=1, default=str)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
