"""PEFT LoRA adapter folders: ``adapter_config.json`` + ``adapter_model.safetensors``.

Modules are named by the key stem PEFT saves, prefix included (``base_model.model.<path>``), as
LoRAlgebra's ``PeftKeys`` does. Only ``<module>.lora_A.weight`` ``[r, in]`` and ``<module>.lora_B.weight``
``[out, r]`` pairs are read (keys saved with an adapter name, ``.lora_A.<name>.weight``, too); other
tensors (heads in ``modules_to_save``, biases) are counted in :attr:`Adapter.ignored` and left alone.

Scale (PEFT): ``alpha / r``, or ``alpha / sqrt(r)`` with ``use_rslora``; ``r`` and ``alpha`` come from the
first ``rank_pattern`` / ``alpha_pattern`` key (file order) whose regex ``(.*\\.)?(KEY)$`` matches the whole
module name, else from ``r`` / ``lora_alpha``. ``fan_in_fan_out`` only says how the *base* weight is
stored; the LoRA factors are ``[r, in]`` / ``[out, r]`` either way, and every operation here works on
``dW = s * B @ A`` as ``[out, in]``.
"""
import json
import math
import os
import re
import shutil
import tempfile
from collections import Counter

from lorapeer.safetensors_io import SafetensorsFile, write_safetensors

CONFIG = "adapter_config.json"
WEIGHTS = "adapter_model.safetensors"

_KEY = re.compile(r"^(.+)\.lora_([AB])(?:\.[^.]+)?\.weight$")


class AdapterError(ValueError):
    """A PEFT folder that cannot be used; the message names the folder, file, module and tensor."""


class Module:
    """One LoRA module: ``A`` ``[r, in]`` and ``B`` ``[out, r]`` float32, and its scale ``s``."""

    __slots__ = ("name", "A", "B", "scale")

    def __init__(self, name, A, B, scale):
        self.name = name
        self.A = A
        self.B = B
        self.scale = float(scale)

    @property
    def rank(self):
        return self.A.shape[0]

    @property
    def shape(self):
        """The update's shape ``(out, in)``."""
        return (self.B.shape[0], self.A.shape[1])

    def __repr__(self):
        return f"Module({self.name!r}, r={self.rank}, {self.shape[0]}x{self.shape[1]}, s={self.scale})"


class Adapter:
    """A PEFT LoRA adapter read from a folder: its config (a dict) and its modules in file name order."""

    def __init__(self, path, config, modules, ignored=0):
        self.path = path
        self.config = config
        self.modules = modules  # name -> Module
        self.ignored = ignored

    @property
    def name(self):
        return os.path.basename(os.path.normpath(self.path))


def pattern_value(pattern, module, default):
    """PEFT's per-module lookup: the first key of ``pattern`` whose ``(.*\\.)?(KEY)$`` matches ``module``."""
    for key, value in (pattern or {}).items():
        if re.fullmatch(rf"(.*\.)?({key})$", module):
            return value
    return default


def module_scale(config, module):
    """``(r, alpha, scale)`` PEFT gives ``module`` under ``config``."""
    r = pattern_value(config.get("rank_pattern"), module, config.get("r", 8))
    alpha = pattern_value(config.get("alpha_pattern"), module, config.get("lora_alpha", 8))
    scale = alpha / math.sqrt(r) if config.get("use_rslora", False) else alpha / r
    return r, alpha, scale


def load_adapter(folder):
    """Reads every LoRA module of the PEFT folder into float32 arrays, checked against its config."""
    folder = os.fspath(folder)
    config_path = os.path.join(folder, CONFIG)
    weights_path = os.path.join(folder, WEIGHTS)
    for p in (config_path, weights_path):
        if not os.path.isfile(p):
            raise AdapterError(f"{folder}: expected a PEFT adapter folder with {CONFIG} and {WEIGHTS}; "
                               f"{os.path.basename(p)} is missing")
    try:
        with open(config_path, encoding="utf-8") as f:
            config = json.load(f)
    except ValueError as ex:
        raise AdapterError(f"{config_path}: not valid JSON: {ex}") from None
    if config.get("peft_type", "LORA") != "LORA":
        raise AdapterError(f"{config_path}: peft_type is {config.get('peft_type')!r}; expected 'LORA'")
    st = SafetensorsFile.read(weights_path)
    parts = {}
    ignored = 0
    for key in st.entries:
        m = _KEY.match(key)
        if m is None:
            ignored += 1
            continue
        parts.setdefault(m.group(1), {})[m.group(2)] = key
    modules = {}
    for name in sorted(parts):
        keys = parts[name]
        if set(keys) != {"A", "B"}:
            missing = "lora_B" if "A" in keys else "lora_A"
            raise AdapterError(f"{weights_path}: module '{name}' has no {missing}.weight tensor")
        A, B = st.float32(keys["A"]), st.float32(keys["B"])
        if A.ndim != 2 or B.ndim != 2 or A.shape[0] != B.shape[1]:
            raise AdapterError(f"{weights_path}: module '{name}': expected lora_A [r, in] and lora_B [out, r] "
                               f"with the same r; found {list(A.shape)} and {list(B.shape)}")
        r, _, scale = module_scale(config, name)
        if A.shape[0] != r:
            raise AdapterError(f"{weights_path}: module '{name}': {CONFIG} gives rank {r}; "
                               f"tensor '{keys['A']}' has rank {A.shape[0]}")
        modules[name] = Module(name, A, B, scale)
    if not modules:
        raise AdapterError(f"{weights_path}: no LoRA tensors (<module>.lora_A.weight / .lora_B.weight) found")
    return Adapter(folder, config, modules, ignored)


def save_adapter(folder, modules, base_config):
    """Writes ``modules`` (name -> Module) as a new PEFT folder, atomically (temp folder + rename).

    Scales are baked into ``B`` so that every module has ``lora_alpha = r`` (scale 1): ``r`` is the most
    common rank, other ranks go to ``rank_pattern`` and ``alpha_pattern`` under the module's name with the
    ``base_model.model.`` prefix removed. Other config keys are copied from ``base_config``. Fails when
    ``folder`` exists.
    """
    folder = os.path.abspath(os.fspath(folder))
    if os.path.exists(folder):
        raise AdapterError(f"{folder}: already exists; refusing to overwrite")
    tensors = {}
    ranks = {}
    for name, m in modules.items():
        B = m.B if m.scale == 1.0 else m.B * m.scale
        tensors[f"{name}.lora_A.weight"] = m.A
        tensors[f"{name}.lora_B.weight"] = B
        ranks[name] = m.rank
    r = Counter(ranks.values()).most_common(1)[0][0] if ranks else 8
    pattern = {_short(n): k for n, k in sorted(ranks.items()) if k != r}
    config = dict(base_config)
    config.update(r=r, lora_alpha=r, use_rslora=False, rank_pattern=pattern, alpha_pattern=dict(pattern))
    parent = os.path.dirname(folder)
    tmp = tempfile.mkdtemp(prefix=".tmp-" + os.path.basename(folder) + "-", dir=parent)
    try:
        write_safetensors(os.path.join(tmp, WEIGHTS), tensors, metadata={"format": "pt"})
        with open(os.path.join(tmp, CONFIG), "w", encoding="utf-8") as f:
            f.write(json.dumps(config, indent=2, sort_keys=True))
        os.rename(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _short(name):
    prefix = "base_model.model."
    return name[len(prefix):] if name.startswith(prefix) else name
