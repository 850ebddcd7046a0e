#!/usr/bin/env python3
"""The PEFT-parity cases: pairs of tiny Llama-shaped adapters and ``lora merge``'s merges of them.

  python3 device/peft_cases.py DIR --lora PATH_TO_LORA

For each pair below, DIR/PAIR/a and DIR/PAIR/b are seeded synthetic PEFT folders (2 layers, hidden 64,
intermediate 172, every projection; bench/make_synthetic.py) and, for each line ``METHOD [OPTIONS]`` of
device/peft-methods.txt, DIR/PAIR/merged-LABEL is ``lora merge -m METHOD -w W1,W2 OPTIONS a b`` on the cpu backend
(LABEL: the method, with each option but the density as ``+svd_rank=4``), or, where ``lora merge`` refuses the pair
(exit 2), DIR/PAIR/merged-LABEL.refused holds its message. ``device/peft_parity.py DIR`` then
compares each with PEFT's own ``add_weighted_adapter`` (which must refuse the same pairs). Made by device/build-bundle
for the GPU run and by the kernel's PeftMergeParityIT for CI; the one table of cases is here.

The pairs cover what PEFT's merge code treats differently: ``same`` (equal ranks and scales, positive weights),
``signed`` (a negative weight, whose sign PEFT puts on lora_A alone, different lora_alpha, and rsLoRA's
alpha/sqrt(r) on the second), ``ranks`` (ranks 8 and 4: PEFT merges them by cat and the SVD types and refuses the
others), ``rslora`` (rsLoRA on the first adapter, whose config PEFT's merge copies).
"""
import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHAPE = ["--layers", "2", "--hidden", "64", "--intermediate", "172"]


class Side:
    """One synthetic adapter of a pair: its rank, lora_alpha, seed and whether it uses rsLoRA."""

    def __init__(self, r, alpha, seed, rslora=False):
        self.r, self.alpha, self.seed, self.rslora = r, alpha, seed, rslora

    def args(self):
        return ["--r", str(self.r), "--alpha", str(self.alpha), "--seed", str(self.seed)] + (
            ["--rslora"] if self.rslora else [])


class Pair:
    """Two adapters merged with the weights ``weights`` by every method."""

    def __init__(self, name, a, b, weights):
        self.name, self.sides, self.weights = name, {"a": a, "b": b}, weights


PAIRS = [
    Pair("same", Side(8, 32, 1), Side(8, 32, 2), (0.6, 0.4)),
    Pair("signed", Side(8, 16, 3), Side(8, 8, 4, rslora=True), (1.0, -0.5)),
    Pair("ranks", Side(8, 32, 5), Side(4, 8, 6), (0.5, 0.5)),
    Pair("rslora", Side(8, 16, 7, rslora=True), Side(8, 32, 8), (0.7, 0.3)),
]


# lora merge's options on a line of device/peft-methods.txt, and the add_weighted_adapter argument each one is
OPTIONS = {"-d": ("density", float), "-r": ("svd_rank", int), "--svd-clamp": ("svd_clamp", float),
           "--majority-sign": ("majority_sign_method", str)}


class Case:
    """One line of device/peft-methods.txt: a combination type, lora merge's options and PEFT's arguments."""

    def __init__(self, line):
        parts = line.split()
        self.method, self.options, self.kwargs = parts[0], parts[1:], {}
        for flag, value in zip(parts[1::2], parts[2::2]):
            if flag not in OPTIONS:
                raise ValueError(f"peft-methods.txt: {line.strip()!r}: {flag} has no add_weighted_adapter argument")
            name, kind = OPTIONS[flag]
            self.kwargs[name] = kind(value)
        # the folder name: the type, with every argument but the density (which most lines set)
        self.label = self.method + "".join(f"+{k}={v}" for k, v in self.kwargs.items() if k != "density")

    @property
    def density(self):
        return self.kwargs.get("density")


def cases():
    """The cases of device/peft-methods.txt, in file order."""
    with open(os.path.join(HERE, "peft-methods.txt"), encoding="utf-8") as f:
        return [Case(line) for line in f if line.split()]


def make(folder, lora):
    """Writes every pair's adapters and merges under ``folder``; returns the number of refused merges."""
    refused = 0
    for pair in PAIRS:
        base = os.path.join(folder, pair.name)
        for side, spec in pair.sides.items():
            subprocess.run([sys.executable, os.path.join(HERE, "..", "bench", "make_synthetic.py"),
                            os.path.join(base, side)] + SHAPE + spec.args(), check=True, stdout=subprocess.DEVNULL)
        for case in cases():
            out = os.path.join(base, f"merged-{case.label}")
            cmd = [lora, "merge", "-m", case.method, "-w", ",".join(str(w) for w in pair.weights)] + case.options
            cmd += [os.path.join(base, "a"), os.path.join(base, "b"), "-o", out, "--backend", "cpu"]
            run = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
            if run.returncode == 2:  # a refusal: its message is what parity compares with PEFT's
                with open(out + ".refused", "w", encoding="utf-8") as f:
                    f.write(run.stderr.strip() + "\n")
                refused += 1
            elif run.returncode != 0:
                raise SystemExit(f"peft_cases: {' '.join(cmd)} failed with exit {run.returncode}:\n{run.stderr}")
    return refused


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("folder")
    p.add_argument("--lora", required=True, help="the lora command (the launcher, or a wrapper running the CLI)")
    a = p.parse_args(argv)
    if os.path.exists(a.folder):
        print(f"peft_cases: error: {a.folder} exists", file=sys.stderr)
        return 2
    refused = make(a.folder, a.lora)
    print(f"peft_cases: {len(PAIRS)} pairs x {len(cases())} cases in {a.folder} ({refused} refused)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
