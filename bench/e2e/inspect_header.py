"""What ``lora inspect`` shows, the way a Python user reads it: a PEFT folder's config and its safetensors header.

Reads ``adapter_config.json`` and the safetensors header only (8-byte length, then JSON; no tensor data, no numpy),
and prints one line per module: shape, rank, alpha, scale, dtype. The end-to-end peer of ``lora inspect``.

    python3 bench/e2e/inspect_header.py FOLDER
"""
import json
import math
import os
import re
import struct
import sys

KEY = re.compile(r"^(?:base_model\.model\.)?(.+)\.lora_([AB])\.weight$")


def main(folder):
    with open(os.path.join(folder, "adapter_config.json"), encoding="utf-8") as f:
        config = json.load(f)
    with open(os.path.join(folder, "adapter_model.safetensors"), "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
    modules = {}
    for key, info in header.items():
        m = KEY.match(key)
        if m:
            modules.setdefault(m.group(1), {})[m.group(2)] = info
    r_default, alpha_default = config.get("r", 8), config.get("lora_alpha", 8)
    print(f"{os.path.basename(os.path.normpath(folder))}: PEFT adapter folder, base model "
          f"{config.get('base_model_name_or_path')}")
    print(f"modules ({len(modules)})")
    print(f"  {'module':<60} {'out x in':>12} {'rank':>5} {'alpha':>6} {'scale':>7} dtype")
    params = 0
    for name in sorted(modules):
        a, b = modules[name]["A"], modules[name]["B"]
        r = (config.get("rank_pattern") or {}).get(name, r_default)
        alpha = (config.get("alpha_pattern") or {}).get(name, alpha_default)
        scale = alpha / math.sqrt(r) if config.get("use_rslora") else alpha / r
        params += a["shape"][0] * a["shape"][1] + b["shape"][0] * b["shape"][1]
        print(f"  {name:<60} {b['shape'][0]:>5}x{a['shape'][1]:<6} {a['shape'][0]:>5} {alpha:>6} {scale:>7.3g} "
              f"{a['dtype']}")
    print(f"total: {len(modules)} modules, {params} parameters")


if __name__ == "__main__":
    main(sys.argv[1])
