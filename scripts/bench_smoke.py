"""Run every benchmark in bench/ with --smoke (a tiny size, a few seconds each) so that none rots unseen.

Each runs in its own process with a fresh HEALTHACTION_VAR_DIR and no DATABASE_URL (SQLite; benchmarks that need
PostgreSQL skip that half in smoke mode), and must exit with 0 and end with its figure line
`NAME: figure … (target …)`, NAME being the file's name with dashes (submit_load.py → submit-load).
scripts/test runs this after the test suite. Run: .venv/bin/python scripts/bench_smoke.py [name ...]
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
TIMEOUT = 900  # seconds for one benchmark: a few seconds at rest, minutes on a shared and busy machine
# benchmarks another piece of work is still giving a --smoke mode: run once it is there, said so until then (none now)
PENDING: set[str] = set()


def benchmarks() -> list[Path]:
    return sorted(p for p in BENCH.glob("*.py") if not p.name.startswith("_"))


def figure_name(path: Path) -> str:
    return path.stem.replace("_", "-")


def has_smoke(path: Path) -> bool:
    return '"--smoke"' in path.read_text(encoding="utf-8")


def figure_line_problem(path: Path, output: str) -> str | None:
    """None when the output's last line is the benchmark's figure line, else what is wrong with it."""
    lines = [line for line in output.splitlines() if line.strip()]
    if not lines:
        return "it printed nothing"
    last = lines[-1].strip()
    name = figure_name(path)
    if not re.fullmatch(rf"{re.escape(name)}: \S.*\(target\b.*\)", last):
        return f"its last line is not `{name}: figure … (target …)` but {last!r}"
    return None


def run(path: Path) -> tuple[bool, str, float]:
    env = dict(os.environ, HEALTHACTION_VAR_DIR=tempfile.mkdtemp(prefix=f"ha-smoke-{path.stem}-"))
    env.pop("DATABASE_URL", None)
    env.pop("BENCH_DATABASE_URL", None)
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, str(path), "--smoke"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return False, f"did not finish within {TIMEOUT} s", time.monotonic() - started
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        return False, f"exited with {done.returncode}:\n{tail}", elapsed
    problem = figure_line_problem(path, done.stdout)
    if problem:
        return False, problem, elapsed
    return True, done.stdout.strip().splitlines()[-1], elapsed


def main(names: list[str]) -> int:
    failed = []
    for path in benchmarks():
        if names and path.stem not in names and path.name not in names:
            continue
        if path.name in PENDING and not has_smoke(path):
            print(f"-- {path.name}: no --smoke mode yet, not run", flush=True)
            continue
        ok, line, elapsed = run(path)
        print(f"{'ok' if ok else 'FAILED'} {path.name} ({elapsed:.0f} s): {line}", flush=True)
        if not ok:
            failed.append(path.name)
    if failed:
        print(f"benchmarks broken in smoke mode: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
