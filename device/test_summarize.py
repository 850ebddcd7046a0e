"""Tests of device/summarize.py on the files a device run returns (made up here, in their real formats)."""
import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import summarize  # noqa: E402


def write(folder, name, value):
    with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
        if isinstance(value, str):
            f.write(value)
        else:
            json.dump(value, f)


class SummarizeTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="summarize-test-")
        self.results = os.path.join(self.tmp, "results")
        os.makedirs(self.results)
        r = self.results
        write(r, "run.log", "log\n")
        write(r, "summary.json", {"checks": 0, "parity": 0, "bench": 0, "bench-dense": 0, "torch": 0, "peft": 1,
                                  "seconds": 412, "bench_batches": "cuda F32 batches: gramRoot: 6 batched calls"})
        write(r, "cuda-checks.txt", "qr F32: ok\nsvd F64: FAILED error 3e-3\ncuda checks: 1 failed\n")
        write(r, "parity-cpu.json", {"cases": [{"case": "spectrum-imdb", "ok": True, "error": 1e-7, "tolerance": 1e-5},
                                               {"case": "merge-svd", "ok": False, "error": 2e-3, "tolerance": 1e-4}],
                                     "failed": 1})
        write(r, "bench-cuda.json", {"backend": "cuda", "ops": {"load": {"ours_s": 0.5}, "spectrum": {"ours_s": 0.02},
                                                                "plus_truncate": {"ours_s": 0.08}}})
        write(r, "bench-cuda-dense.json", {"backend": "cuda", "ops": {"ties_svd": {"ours_s": 150.0},
                                                                      "bake": {"ours_s": 40.0}}})
        write(r, "bench-torch.json", {"peer": "torch", "device": "NVIDIA H100 80GB HBM3", "ops": {
            "spectrum": {"median_s": 0.05}, "spectrum_batched": {"median_s": 0.01}, "plus_truncate": {"median_s": 0.1},
            "ties_svd": {"median_s": 30.0}, "bake": {"median_s": 20.0}}})
        write(r, "peft-parity.json", {"peft": "0.17", "torch": "2.11", "methods": [
            {"method": "svd", "ok": True, "error": 3e-6, "judged_on": "delta weights"},
            {"method": "ties", "ok": False, "error": 0.2},
            {"method": "dare_ties_svd", "ok": None, "error": 0.4, "judged_on": "not judged: random masks"},
            {"pair": "ranks", "method": "linear", "ok": True, "error": None, "judged_on": "refusal",
             "measure": "both refuse"}],
            "failed": 1})

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_speedups_and_targets_are_judged_against_the_faster_pytorch_variant(self):
        text, problems = summarize.summarize(self.results)
        self.assertEqual(problems, [])
        self.assertIn("# GPU run: NVIDIA H100 80GB HBM3", text)
        self.assertIn("| spectrum | 0.0200 | 0.0500 | 2.50x |", text)
        self.assertIn("| spectrum (PyTorch spectrum_batched) | 0.0200 | 0.0100 | 0.50x |", text)
        # the spectrum target is judged against the batched variant (0.01 s): missed at 0.5x
        self.assertIn("| spectrum at least as fast as PyTorch's factored path | 0.50x", text)
        self.assertRegex(text, r"spectrum at least as fast .*\| missed \|")
        self.assertRegex(text, r"plus_truncate at least as fast .*1\.25x.*\| met \|")
        self.assertRegex(text, r"ties_svd at least 10x .*13\.5x \(150\.0 s\) \| met \|")
        self.assertIn("| load | 0.5000 | — | — |", text)
        self.assertIn("CPU parity: 1 of 2 cases agree; differ: merge-svd (0.002 > 0.0001)", text)
        self.assertIn("CUDA checks: cuda checks: 1 failed", text)
        self.assertIn("  svd F64: FAILED error 3e-3", text)
        self.assertIn("- ties: DIFFERS, error 0.2", text)
        self.assertIn("- svd: agrees (judged on delta weights), error 3e-06", text)
        # a method peft_parity.py could not judge (random masks) is said so, neither agreeing nor differing
        self.assertIn("- dare_ties_svd: not judged, error 0.4", text)
        # a pair's case is named with its pair, and says what was measured
        self.assertIn("- ranks/linear: agrees (judged on refusal), both refuse", text)
        self.assertIn("PEFT parity (PEFT 0.17, torch 2.11): 2 of 4 agree", text)
        self.assertIn("peft 1", text)
        self.assertIn("Batching (the bench's cuda batch operations): cuda F32 batches: gramRoot: 6 batched calls", text)
        self.assertNotIn("bench_batches", text)

    def test_missing_and_wrong_backend_files_are_named_not_guessed(self):
        os.remove(os.path.join(self.results, "bench-cuda-dense.json"))
        write(self.results, "bench-cuda.json", {"backend": "nd4j-cpu", "ops": {"spectrum": {"ours_s": 0.02}}})
        text, problems = summarize.summarize(self.results)
        self.assertIn("bench-cuda-dense.json: missing", problems)
        self.assertIn("bench-cuda.json: ran on backend 'nd4j-cpu', not cuda", problems)
        self.assertRegex(text, r"ties_svd at least 10x .*\| not measured \| not measured \|")
        # PEFT parity that could not start still says why
        write(self.results, "peft-parity.json", {"peft": None, "torch": None, "methods": [], "failed": 11,
                                                 "error": "setup: ImportError: No module named 'peft'"})
        text, _ = summarize.summarize(self.results)
        self.assertIn("- did not run: setup: ImportError: No module named 'peft'", text)

    def test_into_copies_the_files_and_the_summary_and_never_overwrites(self):
        into = os.path.join(self.tmp, "gpu", "2026-12-07-h100")
        os.makedirs(os.path.dirname(into))
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
            self.assertEqual(summarize.main([self.results, "--into", into]), 0)
            self.assertEqual(summarize.main([self.results, "--into", into]), 2)
        self.assertIn("exists", err.getvalue())
        self.assertEqual(sorted(os.listdir(into)), sorted(list(summarize.FILES) + ["SUMMARY.md"]))
        with open(os.path.join(into, "SUMMARY.md"), encoding="utf-8") as f:
            self.assertIn("NVIDIA H100", f.read())


if __name__ == "__main__":
    unittest.main()
