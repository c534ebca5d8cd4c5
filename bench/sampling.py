"""Where the services spend their time during a benchmark phase (every run; `--no-profile` skips it).

py-spy samples each running service (no restart, no instrumentation) and writes collapsed
stacks (`bench/results/<phase>-<service>.txt`, for flamegraph.pl or speedscope); the summary
lists the functions with the most samples at the top of the stack (self) and on it (cumulative).
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import report

# 50 samples a second: py-spy then uses about 2% of a core, and the sampled process's own
# throughput did not move measurably (a CPU-bound loop timed with and without it, alternating).
RATE = 50
PY_SPY = str(Path(sys.executable).parent / "py-spy")


@contextmanager
def sampled(phase: str, pids: dict[str, int], out_dir: Path, rate: int = RATE) -> Iterator[None]:
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


def summarize(path: Path, top: int = 8) -> dict[str, Any]:
    """The functions that dominate a profile file (see `report.top_frames`)."""
    if not path.exists():
        return {"samples": 0, "waiting": 0, "self": [], "cumulative": []}
    return report.top_frames(path.read_text(), top)
