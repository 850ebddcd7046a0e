"""What ``lora spectrum --json`` prints, as a numpy script: every module's singular values, factored.

Loads the PEFT folder (``lorapeer.peft_io``: one read, header checked, A and B as float32), computes each module's
spectrum from the R factors of B and Aᵀ and the SVD of the r×r core (``lorapeer.factored.spectrum``), and prints
``{"modules": {name: [values]}}``. The end-to-end peer of ``lora spectrum --json``.

    python3 bench/e2e/spectrum.py FOLDER
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from lorapeer.factored import spectrum  # noqa: E402
from lorapeer.peft_io import load_adapter  # noqa: E402


def main(folder):
    adapter = load_adapter(folder)
    out = {"modules": {name: [float(v) for v in spectrum(m)] for name, m in adapter.modules.items()}}
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
