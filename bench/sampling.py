"""Where the services spend their time during a benchmark phase (`make bench-quick ARGS=--profile`).

py-spy samples each running service (no restart, no instrumentation) and writes collapsed
stacks (`bench/results/<phase>-<service>.txt`, for flamegraph.pl or speedscope); the summary
lists the functions with the most samples on the stack (inclusive) and at its top (self).
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PY_SPY = str(Path(sys.executable).parent / "py-spy")


@contextmanager
def sampled(phase: str, pids: dict[str, int], out_dir: Path, rate: int = 50) -> Iterator[None]:
    """Sample every pid while the block runs; idle threads excluded (time waiting is not cost)."""
    if not Path(PY_SPY).exists() and shutil.which("py-spy") is None:
        raise SystemExit("py-spy is not installed: uv sync --all-packages (it is a dev dependency)")
    out_dir.mkdir(parents=True, exist_ok=True)
    spies = {
        name: subprocess.Popen(
            [
                *(PY_SPY, "record", "--pid", str(pid), "--format", "raw", "--rate", str(rate)),
                *("--output", str(out_dir / f"{phase}-{name}.txt")),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name, pid in pids.items()
    }
    try:
        yield
    finally:
        for spy in spies.values():
            spy.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
        for spy in spies.values():
            try:
                spy.wait(timeout=30)
            except subprocess.TimeoutExpired:
                spy.kill()


def summarize(path: Path, top: int = 12) -> dict[str, Any]:
    """Inclusive and self sample shares per function from py-spy's collapsed stacks."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    if not path.exists():
        return {"samples": 0, "inclusive": [], "self": []}
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [_frame(f) for f in stack.split(";") if f and not f.startswith("process ")]
        if not frames:
            continue
        total += n
        for frame in set(frames):
            inclusive[frame] += n
        own[frames[-1]] += n

    def shares(counter: Counter[str]) -> list[tuple[str, float]]:
        return [(name, round(100 * n / total, 1)) for name, n in counter.most_common(top)]

    return {"samples": total, "inclusive": shares(inclusive), "self": shares(own)}


def _frame(raw: str) -> str:
    """`name (path/to/module.py:123)` → `name (module.py)`: lines merged per function."""
    name, _, where = raw.partition(" (")
    module = where.rstrip(")").rsplit(":", 1)[0].rsplit("/", 1)[-1]
    return f"{name} ({module})" if module else name


def print_summary(phase: str, name: str, summary: dict[str, Any]) -> None:
    print(f"\n{phase} / {name}: {summary['samples']} samples")
    print("  most time on the stack (inclusive %)        most time at the top (self %)")
    rows = zip(summary["inclusive"], summary["self"], strict=False)
    for (inc_name, inc), (own_name, own) in rows:
        print(f"  {inc:5.1f}  {inc_name[:40]:<40}  {own:5.1f}  {own_name[:60]}")
