"""The end-to-end section of ``lora bench``: whole commands, each in a fresh process, against whole numpy scripts.

What a user waits for is the whole command: the JVM's start, class loading and initialisation included. Each
command runs ``--warmup`` times untimed (the launcher builds its class-data archive and the script cache on a first
run), then ``--reps`` times timed (wall clock from spawn to exit, stdout discarded); the page cache is warm for both
sides. ``lora bench`` runs this with ``--json`` and reports medians.

  inspect   ``lora inspect SMALL``            vs ``python3 bench/e2e/inspect_header.py SMALL`` (header only)
  spectrum  ``lora spectrum --json ADAPTER``  vs ``python3 bench/e2e/spectrum.py ADAPTER`` (numpy, factored)
  script    ``lora run bench/e2e/spectrum.lora.kts ADAPTER`` (compiled copy cached) vs the same numpy script
  script_start  ``lora run bench/e2e/start.lora.kts`` (one line, cached): start-up alone; ours only, read against
            ``inspect``'s time (within 2×)
  repl      ``lora repl``: time to the first prompt, then (after ``--think`` seconds, as a person types) the first
            evaluation ``Lora.load(SMALL).modules().size`` from Enter to its printed value; ours only
  notebook  a fresh kernel (``lora jupyter install --prefix`` into a temporary folder) executing one cell that loads
            SMALL and renders it: kernel start + the cell (``notebook_first_cell.py``, under /usr/bin/python3); ours only

    python3 bench/e2e/run.py --lora ./lora --adapter BIG --small SMALL [--reps 5] [--warmup 1] [--only a,b] [--json]
"""
import argparse
import json
import os
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
COMMANDS = ("inspect", "spectrum", "script", "script_start", "repl", "notebook")
# a script's first run compiles it and its second dumps the launcher's archive of cached runs: two untimed runs
SCRIPT_WARMUP = 2


def timing(samples, warmup):
    return {"median_s": statistics.median(samples), "min_s": min(samples), "max_s": max(samples),
            "reps": len(samples), "warmup": warmup}


def peer_env():
    env = dict(os.environ)
    env.pop("GLIBC_TUNABLES", None)
    return env


def run_once(argv, env=None):
    start = time.perf_counter()
    p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    seconds = time.perf_counter() - start
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited with {p.returncode}: {p.stderr.decode(errors='replace')[-2000:]}")
    return seconds


def timed(argv, reps, warmup, env=None):
    for _ in range(warmup):
        run_once(argv, env)
    return timing([run_once(argv, env) for _ in range(reps)], warmup)


def read_until(proc, marker, timeout, seen):
    """Reads the process's output until ``marker`` appears in what was read since ``seen`` bytes; returns the total."""
    buf = bytearray()
    deadline = time.monotonic() + timeout
    fd = proc.stdout.fileno()
    while marker not in buf:
        left = deadline - time.monotonic()
        if left <= 0:
            raise SystemExit(f"lora repl: no {marker!r} within {timeout} s; output: {bytes(buf)[-1000:]!r}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                raise SystemExit(f"lora repl ended before {marker!r}; output: {bytes(buf)[-1000:]!r}")
            buf += chunk
    return seen + len(buf)


def repl_once(lora, small, think):
    start = time.perf_counter()
    proc = subprocess.Popen([lora, "repl", "--no-history"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        read_until(proc, b"lora> ", 300, 0)
        prompt = time.perf_counter() - start
        time.sleep(think)
        sent = time.perf_counter()
        proc.stdin.write(f'println("modules=" + Lora.load({json.dumps(small)}).modules().size)\n'.encode())
        proc.stdin.flush()
        read_until(proc, b"modules=", 300, 0)
        first = time.perf_counter() - sent
        proc.stdin.write(b":quit\n")
        proc.stdin.flush()
        proc.wait(60)
    finally:
        if proc.poll() is None:
            proc.kill()
    return prompt, first


def notebook_once(lora, small, prefix):
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.path.join(prefix, "share", "jupyter")
    p = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "notebook_first_cell.py"), small],
                       capture_output=True, env=env)
    if p.returncode != 0:
        raise SystemExit(f"notebook_first_cell.py failed: {p.stderr.decode(errors='replace')[-2000:]}")
    return json.loads(p.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lora", required=True)
    ap.add_argument("--adapter", required=True)
    ap.add_argument("--small", required=True)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--think", type=float, default=2.0)
    ap.add_argument("--only", default=",".join(COMMANDS))
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    only = [c for c in a.only.split(",") if c]
    unknown = sorted(set(only) - set(COMMANDS))
    if unknown:
        raise SystemExit(f"unknown command(s) {unknown}; known: {', '.join(COMMANDS)}")
    python = sys.executable
    lora = os.path.abspath(a.lora)
    out = {}
    for name in only:
        print(f"e2e: {name}", file=sys.stderr, flush=True)
        if name == "inspect":
            out[name] = {"ours": timed([lora, "inspect", a.small], a.reps, a.warmup),
                         "peer": timed([python, os.path.join(HERE, "inspect_header.py"), a.small], a.reps, a.warmup,
                                       peer_env()),
                         "ours_command": "lora inspect SMALL", "peer_command": "python3 bench/e2e/inspect_header.py SMALL"}
        elif name == "spectrum":
            out[name] = {"ours": timed([lora, "spectrum", "--json", a.adapter], a.reps, a.warmup),
                         "peer": timed([python, os.path.join(HERE, "spectrum.py"), a.adapter], a.reps, a.warmup,
                                       peer_env()),
                         "ours_command": "lora spectrum --json ADAPTER", "peer_command": "python3 bench/e2e/spectrum.py ADAPTER"}
        elif name == "script":
            script = os.path.join(HERE, "spectrum.lora.kts")
            out[name] = {"ours": timed([lora, "run", script, a.adapter], a.reps, max(SCRIPT_WARMUP, a.warmup)),
                         "peer": timed([python, os.path.join(HERE, "spectrum.py"), a.adapter], a.reps, a.warmup,
                                       peer_env()),
                         "ours_command": "lora run bench/e2e/spectrum.lora.kts ADAPTER (cached)",
                         "peer_command": "python3 bench/e2e/spectrum.py ADAPTER"}
        elif name == "script_start":
            script = os.path.join(HERE, "start.lora.kts")
            out[name] = {"ours": timed([lora, "run", script], a.reps, max(SCRIPT_WARMUP, a.warmup)),
                         "ours_command": "lora run bench/e2e/start.lora.kts (one line, cached)"}
        elif name == "repl":
            for _ in range(a.warmup):
                repl_once(lora, a.small, a.think)
            runs = [repl_once(lora, a.small, a.think) for _ in range(a.reps)]
            out[name] = {"ours": timing([r[1] for r in runs], a.warmup),
                         "prompt": timing([r[0] for r in runs], a.warmup), "think_s": a.think,
                         "ours_command": f"lora repl: first evaluation, typed {a.think:g} s after the prompt"}
        elif name == "notebook":
            prefix = tempfile.mkdtemp(prefix="lora-e2e-kernel-")
            try:
                subprocess.run([lora, "jupyter", "install", "--prefix", prefix], check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                for _ in range(a.warmup):
                    notebook_once(lora, a.small, prefix)
                runs = [notebook_once(lora, a.small, prefix) for _ in range(a.reps)]
            finally:
                shutil.rmtree(prefix, ignore_errors=True)
            out[name] = {"ours": timing([r["total_s"] for r in runs], a.warmup),
                         "kernel_start": timing([r["kernel_start_s"] for r in runs], a.warmup),
                         "first_cell": timing([r["first_cell_s"] for r in runs], a.warmup),
                         "ours_command": "a fresh notebook kernel: start, then a cell loading and rendering SMALL"}
    result = {"commands": out, "python": sys.version.split()[0]}
    if a.json:
        json.dump(result, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for name, r in out.items():
            peer = r.get("peer")
            ratio = f"  {peer['median_s'] / r['ours']['median_s']:.2f}x" if peer else ""
            print(f"{name:<9} ours {r['ours']['median_s']:.3f} s" + (f"  peer {peer['median_s']:.3f} s" if peer else "")
                  + ratio)


if __name__ == "__main__":
    main()
