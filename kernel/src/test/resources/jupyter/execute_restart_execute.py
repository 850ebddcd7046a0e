"""Executes a notebook with nbclient, restarts its kernel, and executes it again (a kernel restart in the Notebook UI).

usage: execute_restart_execute.py NOTEBOOK KERNEL_NAME WORKING_DIR OUT_BEFORE OUT_AFTER FAILING_CODE OUT_FAILURE

Cells run in WORKING_DIR. Writes the notebook as executed before the restart to OUT_BEFORE and as executed after it to OUT_AFTER. Cells run
with allow_errors, so that every output is kept for the caller to check; exit status 0 once both runs completed.
"""
import asyncio
import copy
import json
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


async def execute_all(client, nb):
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            await client.async_execute_cell(cell, index)


async def main(path, kernel_name, working_dir, out_before, out_after, failing_code, out_failure):
    source = nbformat.read(path, as_version=4)
    before = copy.deepcopy(source)
    after = copy.deepcopy(source)
    resources = {"metadata": {"path": os.path.abspath(working_dir)}}
    client = NotebookClient(before, kernel_name=kernel_name, timeout=600, startup_timeout=120,
                            allow_errors=True, resources=resources)
    async with client.async_setup_kernel():
        await execute_all(client, before)
        nbformat.write(before, out_before)
        await client.km.restart_kernel(now=True)
        await client.kc.wait_for_ready(timeout=120)
        client.nb = after
        await execute_all(client, after)
        nbformat.write(after, out_after)
        failing = nbformat.v4.new_code_cell(failing_code)
        after.cells.append(failing)
        client.allow_errors = False
        raised, text = False, ""
        try:
            await client.async_execute_cell(failing, len(after.cells) - 1)
        except CellExecutionError as e:
            raised, text = True, str(e)
        with open(out_failure, "w", encoding="utf-8") as f:
            json.dump({"raised": raised, "error": text, "outputs": failing.outputs}, f, indent=1)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:8]))
