#!/usr/bin/env python3
"""Summarizes what one device run returned (issue 19), for the commit body and the README's performance section.

  python3 device/summarize.py RESULTS_DIR [--into bench/results/gpu/DATE-CARD]

RESULTS_DIR holds what ``device/run-on-device`` wrote to $OUT: run.log, summary.json, cuda-checks.txt,
parity-cpu.json, bench-cuda.json, bench-cuda-dense.json, bench-torch.json, peft-parity.json (a missing or unreadable
file is reported as such, never guessed). Prints markdown: the card, each stage's exit status, the CUDA checks, CPU
parity, our times against PyTorch's on the same GPU with the issue's targets judged, and PEFT parity. ``--into`` copies
the files into that folder (which must not exist yet) with the summary beside them as SUMMARY.md.

Targets (issue 19): spectrum and plus_truncate of the 224-module adapter at least as fast as PyTorch's factored path
(judged against PyTorch's faster variant, per-module or batched, where it ran both); ties_svd at least 10x faster than
the CPU run when the issue was filed (2,030 s on the 2-core Xeon, so at most 203 s).
"""
import argparse
import json
import os
import shutil
import sys

FILES = ("run.log", "summary.json", "cuda-checks.txt", "parity-cpu.json", "bench-cuda.json", "bench-cuda-dense.json",
         "bench-torch.json", "peft-parity.json")
TIES_SVD_CPU_AT_FILING_S = 2030.0
# our op -> the PyTorch ops doing the same work (the first listed is the like-for-like one)
PEERS = {"spectrum": ("spectrum", "spectrum_batched"), "plus_truncate": ("plus_truncate",),
         "ties_svd": ("ties_svd",), "bake": ("bake",), "route": ("route",), "dense_spectrum": ("dense_spectrum",)}


def read_json(folder, name, problems):
    path = os.path.join(folder, name)
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        problems.append(f"{name}: missing")
    except (OSError, ValueError) as e:
        problems.append(f"{name}: unreadable ({e})")
    return None


def ours_ops(folder, problems):
    """Our bench results, op -> seconds, from both bench files."""
    ops = {}
    for name in ("bench-cuda.json", "bench-cuda-dense.json"):
        report = read_json(folder, name, problems)
        if report is None:
            continue
        if report.get("backend") not in (None, "cuda"):
            problems.append(f"{name}: ran on backend {report.get('backend')!r}, not cuda")
        for op, entry in report.get("ops", {}).items():
            if isinstance(entry, dict) and entry.get("ours_s") is not None:
                ops[op] = float(entry["ours_s"])
    return ops


def torch_ops(report):
    out = {}
    for op, entry in (report or {}).get("ops", {}).items():
        if isinstance(entry, dict) and entry.get("median_s") is not None:
            out[op] = float(entry["median_s"])
    return out


def fmt(seconds):
    if seconds is None:
        return "—"
    return f"{seconds:.4f}" if seconds < 10 else f"{seconds:.1f}"


def targets(ours, torch):
    """(goal, measured, verdict) for each target of the issue."""
    rows = []
    for op in ("spectrum", "plus_truncate"):
        peers = [torch[p] for p in PEERS[op] if p in torch]
        goal = f"{op} at least as fast as PyTorch's factored path"
        if op not in ours or not peers:
            rows.append((goal, "not measured", "not measured"))
            continue
        best = min(peers)
        ratio = best / ours[op]
        rows.append((goal, f"{ratio:.2f}x (ours {fmt(ours[op])} s, PyTorch {fmt(best)} s)",
                     "met" if ratio >= 1 else "missed"))
    goal = f"ties_svd at least 10x faster than the CPU at filing ({TIES_SVD_CPU_AT_FILING_S:.0f} s)"
    if "ties_svd" in ours:
        ratio = TIES_SVD_CPU_AT_FILING_S / ours["ties_svd"]
        rows.append((goal, f"{ratio:.1f}x ({fmt(ours['ties_svd'])} s)", "met" if ratio >= 10 else "missed"))
    else:
        rows.append((goal, "not measured", "not measured"))
    return rows


def summarize(folder):
    problems = []
    lines = []
    summary = read_json(folder, "summary.json", problems) or {}
    torch_report = read_json(folder, "bench-torch.json", problems)
    card = (torch_report or {}).get("device", "unknown (bench-torch.json has no device)")
    lines.append(f"# GPU run: {card}")
    lines.append("")
    stages = {k: v for k, v in summary.items() if k not in ("seconds", "bench_batches")}
    lines.append("Stages (exit status): " + (", ".join(f"{k} {v}" for k, v in stages.items()) or "none recorded")
                 + (f"; {summary['seconds']} s in all" if "seconds" in summary else ""))
    if "bench_batches" in summary:
        lines.append(f"Batching (the bench's cuda batch operations): {summary['bench_batches']}")
    try:
        with open(os.path.join(folder, "cuda-checks.txt"), encoding="utf-8") as f:
            checks = [line.rstrip("\n") for line in f if line.strip()]
        lines.append(f"CUDA checks: {checks[-1] if checks else 'no output'}")
        lines.extend(f"  {c}" for c in checks if "FAIL" in c.upper())
    except OSError:
        problems.append("cuda-checks.txt: missing")
    parity = read_json(folder, "parity-cpu.json", problems)
    if parity is not None:
        cases = parity.get("cases", [])
        bad = [c for c in cases if not c.get("ok")]
        lines.append(f"CPU parity: {len(cases) - len(bad)} of {len(cases)} cases agree"
                     + ("" if not bad else "; differ: " + ", ".join(
                         f"{c.get('case')} ({c.get('error')} > {c.get('tolerance')})" for c in bad)))
    lines.append("")
    ours = ours_ops(folder, problems)
    torch = torch_ops(torch_report)
    lines.append("| op | ours (s) | PyTorch (s) | speed-up vs PyTorch |")
    lines.append("|---|---:|---:|---:|")
    order = list(PEERS) + sorted(set(ours) - set(PEERS))
    for op in order:
        mine = ours.get(op)
        peers = [q for q in PEERS.get(op, ()) if q in torch]
        if mine is None and not peers:
            continue
        for peer in peers or [None]:
            t = torch.get(peer)
            speedup = f"{t / mine:.2f}x" if t is not None and mine else "—"
            label = op if peer in (None, op) else f"{op} (PyTorch {peer})"
            lines.append(f"| {label} | {fmt(mine)} | {fmt(t)} | {speedup} |")
    lines.append("")
    lines.append("| target | measured | verdict |")
    lines.append("|---|---|---|")
    for goal, measured, verdict in targets(ours, torch):
        lines.append(f"| {goal} | {measured} | {verdict} |")
    peft = read_json(folder, "peft-parity.json", problems)
    if peft is not None:
        lines.append("")
        methods = peft.get("methods", [])
        agree = sum(1 for m in methods if m.get("ok") is True)
        lines.append(f"PEFT parity (PEFT {peft.get('peft')}, torch {peft.get('torch')}): {agree} of {len(methods)} "
                     "agree")
        if peft.get("error"):
            lines.append(f"- did not run: {peft['error']}")
        for m in methods:
            verdict = {True: "agrees", None: "not judged"}.get(m.get("ok"), "DIFFERS")
            judged = f" (judged on {m['judged_on']})" if m.get("ok") is not None and m.get("judged_on") else ""
            name = f"{m['pair']}/{m.get('case') or m.get('method')}" if m.get("pair") else m.get("method")
            lines.append(f"- {name}: {verdict}{judged}, {m.get('measure') or 'error ' + str(m.get('error'))}")
    if problems:
        lines.append("")
        lines.append("Problems with the returned files: " + "; ".join(problems))
    return "\n".join(lines) + "\n", problems


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("results")
    p.add_argument("--into", help="folder to create with the returned files and SUMMARY.md")
    a = p.parse_args(argv)
    if not os.path.isdir(a.results):
        print(f"summarize: error: {a.results}: not a folder", file=sys.stderr)
        return 2
    text, problems = summarize(a.results)
    if a.into:
        if os.path.exists(a.into):
            print(f"summarize: error: {a.into} exists; results of one run go into a new folder", file=sys.stderr)
            return 2
        tmp = a.into.rstrip("/") + ".tmp"
        os.makedirs(tmp)
        for name in FILES:
            if os.path.isfile(os.path.join(a.results, name)):
                shutil.copyfile(os.path.join(a.results, name), os.path.join(tmp, name))
        with open(os.path.join(tmp, "SUMMARY.md"), "w", encoding="utf-8") as f:
            f.write(text)
        os.rename(tmp, a.into)
    sys.stdout.write(text)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
