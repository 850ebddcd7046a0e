#!/usr/bin/env python3
"""Writes a synthetic Llama-shaped PEFT LoRA adapter folder (a fixture for bench/test_peer_numpy.py).

Layout as PEFT saves a Llama LoRA: keys
``base_model.model.model.layers.{i}.self_attn.{q,k,v,o}_proj.lora_{A,B}.weight`` (``[hidden, hidden]``
updates) and ``base_model.model.model.layers.{i}.mlp.{gate,up,down}_proj.lora_{A,B}.weight`` (gate/up
``[intermediate, hidden]``, down ``[hidden, intermediate]``), F32, ``lora_A`` ``[r, in]``, ``lora_B``
``[out, r]``; config with ``r``, ``lora_alpha``, ``target_modules``. Entries are seeded Gaussians
(``A`` with std ``1/sqrt(in)``, ``B`` with std ``--b-std``) so that every update has full rank ``r``.

  python3 bench/make_synthetic.py OUT [--layers 2] [--hidden 64] [--intermediate 172] [--r 16]
      [--alpha 32] [--seed 0] [--b-std 0.02] [--rslora]

Llama-2-7B is ``--layers 32 --hidden 4096 --intermediate 11008``.
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lorapeer.peft_io import CONFIG, WEIGHTS  # noqa: E402
from lorapeer.safetensors_io import write_safetensors  # noqa: E402

ATTENTION = ("q_proj", "k_proj", "v_proj", "o_proj")
MLP = ("gate_proj", "up_proj", "down_proj")


def module_shapes(layers, hidden, intermediate):
    """``(module name, (out, in))`` in layer order, names with PEFT's ``base_model.model.`` prefix."""
    out = []
    for i in range(layers):
        for p in ATTENTION:
            out.append((f"base_model.model.model.layers.{i}.self_attn.{p}", (hidden, hidden)))
        for p in MLP:
            shape = (hidden, intermediate) if p == "down_proj" else (intermediate, hidden)
            out.append((f"base_model.model.model.layers.{i}.mlp.{p}", shape))
    return out


def config(r, alpha, rslora=False):
    """A PEFT LoRA config for a Llama causal LM."""
    return {
        "alpha_pattern": {}, "base_model_name_or_path": "meta-llama/Llama-2-7b-hf", "bias": "none",
        "fan_in_fan_out": False, "inference_mode": True, "init_lora_weights": True, "lora_alpha": alpha,
        "lora_dropout": 0.05, "modules_to_save": None, "peft_type": "LORA", "r": r, "rank_pattern": {},
        "target_modules": list(ATTENTION + MLP), "task_type": "CAUSAL_LM", "use_dora": False,
        "use_rslora": rslora,
    }


def make(folder, layers=2, hidden=64, intermediate=172, r=16, alpha=32, seed=0, b_std=0.02, rslora=False):
    """Writes the adapter folder (which must not exist) and returns its path."""
    if os.path.exists(folder):
        raise FileExistsError(f"{folder}: already exists; refusing to overwrite")
    rng = np.random.default_rng(seed)
    tensors = {}
    for name, (out_dim, in_dim) in module_shapes(layers, hidden, intermediate):
        tensors[f"{name}.lora_A.weight"] = (rng.standard_normal((r, in_dim), dtype=np.float32)
                                            / np.float32(np.sqrt(in_dim)))
        tensors[f"{name}.lora_B.weight"] = rng.standard_normal((out_dim, r), dtype=np.float32) * np.float32(b_std)
    os.makedirs(folder)
    write_safetensors(os.path.join(folder, WEIGHTS), tensors, metadata={"format": "pt"})
    with open(os.path.join(folder, CONFIG), "w", encoding="utf-8") as f:
        f.write(json.dumps(config(r, alpha, rslora), indent=2, sort_keys=True))
    return folder


def main(argv=None):
    p = argparse.ArgumentParser(prog="make_synthetic.py", description=__doc__.split("\n")[0])
    p.add_argument("out")
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--intermediate", type=int, default=172)
    p.add_argument("--r", type=int, default=16)
    p.add_argument("--alpha", type=float, default=32)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--b-std", type=float, default=0.02)
    p.add_argument("--rslora", action="store_true")
    a = p.parse_args(argv)
    alpha = int(a.alpha) if a.alpha == int(a.alpha) else a.alpha
    try:
        make(a.out, a.layers, a.hidden, a.intermediate, a.r, alpha, a.seed, a.b_std, a.rslora)
    except FileExistsError as ex:
        print(f"make_synthetic: error: {ex}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
