#!/usr/bin/env python3
"""``lora bake`` against PEFT's own ``merge_and_unload`` on real adapters (PeftBakeParityIT).

  python peft_bake_parity.py --lora PATH_TO_LORA --work DIR ADAPTER_DIR... [--bake-arg ARG]... [--json OUT]

For each PEFT adapter folder: a base model of its architecture is built from a default config (seeded random
weights, no download: DistilBERT for sequence classification with as many labels as the adapter's saved head,
GPT-2), saved with ``save_pretrained`` as the base model folder, baked by ``lora bake`` (with ``--bake-arg``s, if
any), and merged by PEFT (``PeftModel.from_pretrained(...).merge_and_unload()``). Every tensor of the base is compared:
the change ours made (baked - W) against the change PEFT made, max |difference| over PEFT's largest change; tensors
neither changed are skipped, and the count of changed tensors is reported (LoRA modules and the heads PEFT saved in
``modules_to_save``). Exits 0 when every adapter's largest difference is at most 1e-5 and both sides changed the
same tensors, 1 otherwise.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

# the device kit's PEFT parity judge: one measure of a difference for all PEFT parity checks
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "device"))
from peft_parity import relative_difference  # noqa: E402

TOL = 1e-5


def base_model(adapter):
    import torch
    from safetensors.numpy import load_file
    from transformers import DistilBertConfig, DistilBertForSequenceClassification, GPT2Config, GPT2LMHeadModel

    with open(os.path.join(adapter, "adapter_config.json"), encoding="utf-8") as f:
        base = json.load(f).get("base_model_name_or_path") or ""
    torch.manual_seed(0)
    if "distilbert" in base:
        tensors = load_file(os.path.join(adapter, "adapter_model.safetensors"))
        labels = [v.shape[0] for k, v in tensors.items() if k.endswith("classifier.weight")]
        return DistilBertForSequenceClassification(DistilBertConfig(num_labels=labels[0] if labels else 2))
    if "gpt2" in base:
        return GPT2LMHeadModel(GPT2Config())
    raise ValueError(f"{adapter}: no config-built model for base {base!r}")


def compare(adapter, lora, work, bake_args):
    from peft import PeftModel
    from safetensors.numpy import load_file

    name = os.path.basename(os.path.normpath(adapter))
    model = base_model(adapter)
    base_dir, out = os.path.join(work, name + "-base"), os.path.join(work, name + "-baked")
    model.save_pretrained(base_dir, safe_serialization=True)
    run = subprocess.run([lora, "bake", base_dir, adapter, "-o", out, "--overwrite"] + bake_args,
                         stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if run.returncode != 0:
        return {"adapter": name, "ok": False, "error": f"lora bake exited {run.returncode}: {run.stderr.strip()}"}
    base = load_file(os.path.join(base_dir, "model.safetensors"))
    ours = load_file(os.path.join(out, "model.safetensors"))
    theirs = {k: v.detach().numpy() for k, v in PeftModel.from_pretrained(model, adapter).merge_and_unload()
              .state_dict().items()}
    worst, where, changed, one_sided = 0.0, None, 0, []
    for key, w in base.items():
        mine = ours[key].astype(np.float64) - w
        peft = theirs[key].astype(np.float64) - w
        if not mine.any() and not peft.any():
            continue
        if not mine.any() or not peft.any():
            one_sided.append(key)
        changed += 1
        err = relative_difference(mine, peft)
        if err > worst:
            worst, where = err, key
    return {"adapter": name, "ok": worst <= TOL and not one_sided and set(ours) == set(base), "error": worst,
            "largest_at": where, "changed": changed, "changed_by_one_side_only": one_sided,
            "keys_ours_lacks_or_adds": sorted(set(ours) ^ set(base))}


def judge_each(adapters, compare, json_path):
    """compare(adapter) for each adapter (an exception is that adapter's failure), printed and written to json_path;
    the exit status: 0 when every one is ok."""
    results = []
    for adapter in adapters:
        try:
            r = compare(adapter)
        except Exception as ex:  # one adapter's failure does not stop the others
            r = {"adapter": adapter, "ok": False, "error": f"{type(ex).__name__}: {ex}"}
        results.append(r)
        print(("ok   " if r["ok"] else "FAIL ") + json.dumps(r))
    if json_path:
        with open(json_path, "w", encoding="utf-8") as f:
            json.dump({"adapters": results}, f, indent=1)
    return 0 if all(r["ok"] for r in results) else 1


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("adapters", nargs="+")
    p.add_argument("--lora", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--bake-arg", action="append", default=[])
    p.add_argument("--json")
    a = p.parse_args(argv)
    return judge_each(a.adapters, lambda adapter: compare(adapter, a.lora, a.work, a.bake_arg), a.json)


if __name__ == "__main__":
    sys.exit(main())
