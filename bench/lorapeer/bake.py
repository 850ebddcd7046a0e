"""Baking one LoRA module into its base weight, as PEFT's ``merge_and_unload`` does for a linear layer."""
import os
import shutil
import tempfile

import numpy as np

from .safetensors_io import SafetensorsError, SafetensorsFile, write_safetensors

WEIGHTS = "model.safetensors"


def base_tensor(folder):
    """The one weight a bench base folder holds: ``(file, name)``."""
    f = SafetensorsFile.read(os.path.join(folder, WEIGHTS))
    if len(f.entries) != 1:
        raise SafetensorsError(f"{f.path}: a bake benchmark base holds one tensor, found {len(f.entries)}")
    return f, next(iter(f.entries))


def bake_module(base_folder, module, out_folder):
    """Writes ``base_folder`` with its weight W replaced by W + s·B·A (float32 arithmetic, stored back in W's dtype)
    as the new folder ``out_folder`` (temp folder + rename; other files copied). Returns the new weight."""
    f, name = base_tensor(base_folder)
    entry = f.entries[name]
    w = f.float32(name)
    if w.shape != (module.B.shape[0], module.A.shape[1]):
        raise SafetensorsError(f"{f.path}: tensor '{name}' is {list(w.shape)}; module '{module.name}' updates "
                               f"[{module.B.shape[0]}, {module.A.shape[1]}]")
    delta = module.B @ module.A
    if module.scale != 1.0:
        delta *= np.float32(module.scale)
    new = w + delta
    stored = new.astype(np.float16) if entry.dtype == "F16" else new
    parent = os.path.dirname(os.path.abspath(out_folder))
    tmp = tempfile.mkdtemp(prefix=".tmp-bake-", dir=parent)
    try:
        write_safetensors(os.path.join(tmp, WEIGHTS), {name: stored}, metadata={"format": "pt"})
        for other in sorted(os.listdir(base_folder)):
            if other != WEIGHTS and os.path.isfile(os.path.join(base_folder, other)):
                shutil.copyfile(os.path.join(base_folder, other), os.path.join(tmp, other))
        os.rename(tmp, out_folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return stored
