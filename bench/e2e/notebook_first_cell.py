"""How long a notebook user waits for the first cell that loads an adapter, with the LoRAlgebra kernel.

Runs under the Python that has nbclient (Debian's /usr/bin/python3); the kernelspec must be on JUPYTER_PATH (``lora
jupyter install --prefix P`` puts it under ``P/share/jupyter``). Starts the kernel (as Jupyter does on opening a
notebook), then executes one cell, ``val a = Lora.load("ADAPTER")`` followed by ``a`` (the adapter rendered), and
prints ``{"kernel_start_s", "first_cell_s", "total_s"}``: kernel ready, the cell's round trip, and both.

    /usr/bin/python3 bench/e2e/notebook_first_cell.py ADAPTER [--kernel loralgebra] [--timeout 600]
"""
import argparse
import json
import sys
import time

import nbformat
from nbclient import NotebookClient


def main():
    p = argparse.ArgumentParser()
    p.add_argument("adapter")
    p.add_argument("--kernel", default="loralgebra")
    p.add_argument("--timeout", type=int, default=600)
    a = p.parse_args()
    source = f'val a = Lora.load({json.dumps(a.adapter)})\na'
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(source))
    client = NotebookClient(nb, kernel_name=a.kernel, timeout=a.timeout, startup_timeout=a.timeout)
    start = time.perf_counter()
    with client.setup_kernel():
        ready = time.perf_counter()
        client.execute_cell(nb.cells[0], 0)
        done = time.perf_counter()
    outputs = nb.cells[0].get("outputs", [])
    errors = [o for o in outputs if o.get("output_type") == "error"]
    if errors:
        sys.exit(f"the cell failed: {errors[0].get('ename')}: {errors[0].get('evalue')}")
    if not any(o.get("output_type") in ("execute_result", "display_data") for o in outputs):
        sys.exit(f"the cell rendered nothing: {outputs}")
    json.dump({"kernel_start_s": ready - start, "first_cell_s": done - ready, "total_s": done - start}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
