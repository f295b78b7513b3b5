"""Benchmarks that cannot rot: every bench/*.py has a --smoke mode and scripts/test runs them all so.

The smoke runs themselves happen in scripts/test after the suite (scripts/bench_smoke.py); here, without running
any, that every benchmark declares --smoke to argparse, that the test command calls the runner, and that the
runner's check of the figure line accepts and refuses what it should.
"""

import ast
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _runner():
    spec = importlib.util.spec_from_file_location("bench_smoke", ROOT / "scripts" / "bench_smoke.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _declares_smoke(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "add_argument"
            and any(isinstance(a, ast.Constant) and a.value == "--smoke" for a in node.args)
        ):
            return True
    return False


BENCHES = sorted(p.name for p in (ROOT / "bench").glob("*.py") if not p.name.startswith("_"))


def test_the_benchmarks_are_found():
    # the runner's list is the folder's: a new benchmark is run without being registered anywhere
    runner = _runner()
    assert [p.name for p in runner.benchmarks()] == BENCHES
    assert {"evaluate_national.py", "import_excel.py", "submit_load.py", "opensdg_batch.py"} <= set(BENCHES)


@pytest.mark.parametrize("name", BENCHES)
def test_every_benchmark_accepts_smoke(name):
    path = ROOT / "bench" / name
    if name in _runner().PENDING and not _declares_smoke(path):
        pytest.skip(f"{name}: its --smoke mode is being added by another piece of work")
    assert _declares_smoke(path), f"bench/{name} has no --smoke argument"


def test_scripts_test_runs_the_smoke_benchmarks():
    script = (ROOT / "scripts" / "test").read_text()
    assert "scripts/bench_smoke.py" in script
    # after both test runs, so a broken benchmark fails the test command but never hides a failing test
    assert script.index("bench_smoke.py") > script.rindex("python -m pytest")
    assert "./scripts/test" in (ROOT / ".ci" / "run").read_text()


def test_figure_line_check():
    runner = _runner()
    path = ROOT / "bench" / "submit_load.py"
    good = (
        "setup: 3 liaisons\nsubmit-load: 16 accepted, 0 errors, 16 rows counted; save p95 812 ms (target: 0 errors)\n"
    )
    assert runner.figure_line_problem(path, good) is None
    nested = "opensdg-batch: 5.4 µs per series (target ≥ 100×, not measured: smoke mode (no checkout))"
    assert runner.figure_line_problem(ROOT / "bench" / "opensdg_batch.py", nested) is None
    assert runner.figure_line_problem(path, "") == "it printed nothing"
    # the name of another benchmark, no target, or a figure line that is not the last line: refused
    assert runner.figure_line_problem(path, "import-excel: 1.2 s (target ≤ 3 s)") is not None
    assert runner.figure_line_problem(path, "submit-load: 16 accepted, 0 errors, 16 rows counted") is not None
    assert runner.figure_line_problem(path, good + "Traceback (most recent call last):\n") is not None
