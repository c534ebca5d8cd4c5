"""What the benchmark prints under its table: for each missed target, the measured cost that explains it.

Pure functions over figures already measured (no broker, no database), so they are unit-tested
(tests/test_bench_report.py):

- `phase_cost`: CPU per record of each process in a phase and the share of the cores it used,
  from CPU-time snapshots taken before and after the phase;
- `top_frames`: py-spy's collapsed stacks aggregated into the few functions that dominate,
  by self time and by cumulative time;
- `explain`: per missed target, the processes of its path with their cost, the bottleneck's
  top frames, and a "what would close it" line computed from those figures.
"""

from __future__ import annotations

import math
from collections import Counter
from itertools import pairwise
from typing import Any

# Frames every sample of an asyncio service passes through: they say nothing about where the
# time goes, so the cumulative ranking leaves them out (self time keeps every frame).
PLUMBING_MODULES = ("asyncio/", "runpy.py", "threading.py", "selectors.py", "contextvars")
PLUMBING_NAMES = ("<module>",)
# A frame on at least this share of its thread's samples is the thread's entry point or loop.
EVERYWHERE = 0.95
# A function passing at least this share of its samples to one callee is a wrapper.
WRAPPER = 0.97
# Threads py-spy still counts as active while they wait (a thread pool's idle workers, the
# event loop in epoll): a sample with one of these at the top is waiting, not spending CPU.
WAITING = (
    ("Condition.wait", "threading.py"),
    ("Event.wait", "threading.py"),
    ("Thread.join", "threading.py"),
    ("_worker", "futures/thread.py"),
    ("Queue.get", "queue.py"),
    ("EpollSelector.select", "selectors.py"),
    ("SelectSelector.select", "selectors.py"),
)
# A Python process runs on one core at a time: above this share of a core it is saturated.
SATURATED = 0.8
LABELS = {
    "integration-gateway": "gateway",
    "reporting-service": "reporting",
    "kafka": "brokers",
    "rebuild": "rebuild",
}


def phase_cost(
    before: dict[str, float],
    after: dict[str, float],
    seconds: float,
    records: int,
    idle_per_s: dict[str, float] | None = None,
    cores: int = 1,
) -> dict[str, Any]:
    """Each process's CPU in a phase: per record above what it spends idle, and cores used.

    `before`/`after`: CPU seconds per process. Per record, the idle CPU is subtracted (three
    brokers' JVMs burn CPU with no traffic at all: counted per record, a slow run would look
    costlier); the cores used are the plain CPU over the wall time (what the phase took)."""
    idle = idle_per_s or {}
    processes = {}
    for name in before:
        spent = max(0.0, after[name] - before[name])
        work = max(0.0, spent - idle.get(name, 0.0) * seconds)
        used = spent / seconds if seconds > 0 else 0.0
        processes[name] = {
            "cpu_s": round(spent, 2),
            "us_per_record": round(work / records * 1e6, 1) if records else 0.0,
            "cores_used": round(used, 3),
            "machine_share": round(used / cores, 3) if cores else 0.0,
        }
    return {"seconds": round(seconds, 2), "records": records, "processes": processes}


def _function(raw: str) -> str:
    """`name (path/to/module.py:123)` → `name (to/module.py)`: lines merged per function."""
    name, _, where = raw.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    module = "/".join(path.split("/")[-2:])
    return f"{name} ({module})" if module else name


def _plumbing(function: str) -> bool:
    name, _, module = function.partition(" (")
    return name in PLUMBING_NAMES or any(m in module for m in PLUMBING_MODULES)


def _waiting(function: str) -> bool:
    name, _, module = function.partition(" (")
    return any(name == n and module.rstrip(")").endswith(m) for n, m in WAITING)


def top_frames(collapsed: str, top: int = 8) -> dict[str, Any]:
    """py-spy's raw (collapsed) output → the `top` functions by self and by cumulative share.

    Self: samples with the function at the top of the stack (where the CPU went). Cumulative:
    samples with the function anywhere on the stack (what the CPU was spent for), without the
    event loop's frames, the entry points every sample of a thread passes through, and the
    wrappers (middlewares, dispatchers, the import machinery) that pass nearly all their
    samples to one callee: the callee is ranked in their place. Samples of a thread waiting
    (`WAITING` at the top) are counted apart, not in the shares."""
    cumulative: Counter[str] = Counter()
    own: Counter[str] = Counter()
    threads: Counter[str] = Counter()  # samples per root frame (one per kind of thread)
    roots: dict[str, set[str]] = {}
    callees: dict[str, Counter[str]] = {}
    total = waiting = 0
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [_function(f) for f in stack.split(";") if f and not f.startswith("process ")]
        if not frames:
            continue
        n = int(count)
        if _waiting(frames[-1]):
            waiting += n
            continue
        total += n
        own[frames[-1]] += n
        threads[frames[0]] += n
        for function in set(frames):
            cumulative[function] += n
            roots.setdefault(function, set()).add(frames[0])
        for caller, callee in pairwise(frames):
            if caller != callee:
                callees.setdefault(caller, Counter())[callee] += n
    if not total:
        return {"samples": 0, "waiting": waiting, "self": [], "cumulative": []}

    def share(n: int) -> float:
        return round(100 * n / total, 1)

    def everywhere(function: str) -> bool:
        (root, *more) = roots[function]
        return not more and cumulative[function] >= EVERYWHERE * threads[root]

    def wrapper(function: str) -> bool:
        calls = callees.get(function)
        if not calls:
            return False
        return calls.most_common(1)[0][1] >= WRAPPER * cumulative[function]

    ranked = [
        (f, share(n))
        for f, n in cumulative.most_common()
        if not _plumbing(f) and not everywhere(f) and not wrapper(f)
    ]
    return {
        "samples": total,
        "waiting": waiting,
        "self": [(f, share(n)) for f, n in own.most_common(top)],
        "cumulative": ranked[:top],
    }


def label(process: str) -> str:
    return LABELS.get(process, process)


def load_note(load_average: str | None, cores: int) -> str:
    """`8.50 7.10 6.00` on 2 cores → what it means for every figure of the phase."""
    if not load_average:
        return ""
    one_minute = float(load_average.split()[0])
    if one_minute <= cores:
        return f"load average {one_minute:.2f} on {cores} cores"
    return (
        f"load average {one_minute:.2f} on {cores} cores: {one_minute / cores:.1f}x"
        " oversubscribed, every process waited for a core and every figure is lower"
    )


def _unseparated(p: dict[str, float]) -> bool:
    """CPU spent in the phase, none of it above the idle rate measured before it."""
    return p["us_per_record"] == 0 and p["cores_used"] > 0


def _cost_line(processes: dict[str, dict[str, float]], unit: str) -> str:
    return ", ".join(
        f"{label(name)} "
        + (
            "? (not told apart from its idle CPU)"
            if _unseparated(p)
            else f"{p['us_per_record']:,.0f} us/{unit}"
        )
        + f" ({p['cores_used']:.2f} of a core, {100 * p['machine_share']:.0f}% of the machine)"
        for name, p in processes.items()
    )


def bottleneck(processes: dict[str, dict[str, float]]) -> str | None:
    """The Python process that used the most CPU (each is one process on one core at a time;
    the brokers are three multi-threaded JVMs, never the single-core limit)."""
    python = {n: p for n, p in processes.items() if n != "kafka"}
    if not python:
        return None
    return max(python, key=lambda n: python[n]["cores_used"])


def profile_lines(top: dict[str, Any], us_per_record: float, unit: str) -> list[str]:
    """The top frames side by side, each with its share of the samples and what that share
    of the process's measured CPU per record comes to."""
    if not top or not top.get("samples"):
        return ["  (no profile: py-spy took no samples of it)"]
    lines = [
        f"  {top['samples']:,} samples ({top.get('waiting', 0):,} more of threads waiting, left"
        f" out); share of samples and ~us/{unit} (the share times the measured CPU per {unit}):",
        f"    {'self':>5}  {'us':>6}  {'function':<52}  {'cumul.':>6}  {'us':>6}  function",
    ]
    selfs, cumulative = top["self"], top["cumulative"]
    for i in range(max(len(selfs), len(cumulative))):
        left = right = ""
        if i < len(selfs):
            f, s = selfs[i]
            left = f"{s:5.1f}  {s * us_per_record / 100:6.0f}  {f[:52]:<52}"
        else:
            left = " " * 67
        if i < len(cumulative):
            f, s = cumulative[i]
            right = f"{s:6.1f}  {s * us_per_record / 100:6.0f}  {f[:60]}"
        lines.append(f"    {left}  {right}".rstrip())
    return lines


def close_throughput(
    processes: dict[str, dict[str, float]], needed: float, unit: str, cores: int
) -> str:
    """What would close a throughput target, from the measured cost per record."""
    worst = bottleneck(processes)
    if worst is None or needed <= 0:
        return "not computable: no CPU measured"
    cost = processes[worst]["us_per_record"]
    budget = 1e6 / needed
    total = sum(p["us_per_record"] for p in processes.values())
    parts = []
    if 0 < cost <= budget:
        parts.append(
            f"{label(worst)} {cost:,.0f} us/{unit} is within the {budget:,.0f} us/{unit} that"
            f" {needed:,.0f} {unit}s/s needs of one core: its CPU alone does not limit the rate"
        )
    elif cost > 0:
        parts.append(
            f"{label(worst)} {cost:,.0f} us/{unit} -> at most {1e6 / cost:,.0f} {unit}s/s per"
            f" core; {needed:,.0f} {unit}s/s needs <= {budget:,.0f} us/{unit}"
            f" ({cost / budget:.1f}x less), or {math.ceil(cost / budget)} {label(worst)}"
            f" processes on as many cores"
        )
    counted = [label(n) for n, p in processes.items() if not _unseparated(p)]
    unknown = [label(n) for n, p in processes.items() if _unseparated(p)]
    if total > 0:
        parts.append(
            f"the whole path ({' + '.join(counted)} = {total:,.0f} us/{unit}"
            + (f"; {', '.join(unknown)} not counted" if unknown else "")
            + f") needs {needed * total / 1e6:.1f} cores at {needed:,.0f} {unit}s/s"
            + (" at least" if unknown else "")
            + f" (this machine: {cores})"
        )
    used = processes[worst]["cores_used"]
    if used < SATURATED:
        parts.append(
            f"{label(worst)} used only {used:.2f} of a core: it also waited (for PostgreSQL,"
            " the brokers, or a core of this loaded machine), so its cost alone does not"
            " explain the rate"
        )
    return "; ".join(parts)


def close_latency(by_history: dict[str, dict[str, Any]], phase: dict[str, Any] | None) -> str:
    """What would close a record-to-figure latency target."""
    parts = []
    sizes = sorted(by_history, key=int)
    if len(sizes) > 1:
        small, large = by_history[sizes[0]]["p99"], by_history[sizes[-1]]["p99"]
        if small:
            parts.append(
                f"p99 {small} s at {int(sizes[0]):,} dossiers, {large} s at {int(sizes[-1]):,}"
                f" ({large / small:.1f}x): "
                + (
                    "it grows with history, so some per-record work in reporting scans what"
                    " history holds"
                    if large > 1.3 * small
                    else "it does not grow with history"
                )
            )
    if phase:
        worst = bottleneck(phase["processes"])
        if worst is not None:
            used = phase["processes"][worst]["cores_used"]
            cost = phase["processes"][worst]["us_per_record"]
            if used >= SATURATED:
                parts.append(
                    f"{label(worst)} used {used:.2f} of a core at this rate ({cost:,.0f}"
                    " us/record): records queue behind each other; under half a core needs"
                    f" <= {cost * 0.5 / used:,.0f} us/record"
                )
            else:
                parts.append(
                    f"the busiest process ({label(worst)}) used {used:.2f} of a core: the p99 is"
                    " waiting (batching, snapshot rounds, PostgreSQL, a loaded machine), not"
                    " CPU queueing; its profile above shows what it spends its CPU on"
                )
    return "; ".join(parts) or "not computable: no phase measured"


# Each target: the phase that measures it, the unit of its records.
PHASES = {
    "pipeline_records_per_s": ("pipeline", "record"),
    "ratio": ("pipeline", "record"),
    "http_records_per_s": ("http", "record"),
    "rebuild_events_per_s": ("rebuild", "event"),
}


def explain(key: str, r: dict[str, Any], cores: int, shown: set[str] | None = None) -> list[str]:
    """Lines under the table for a missed target `key` of report `r`.

    `shown`: phases whose costs and profile were printed for an earlier target (not repeated;
    the phase of this one is added)."""
    shown = set() if shown is None else shown
    costs = r.get("phase_cost", {})
    tops = r.get("profile_top", {})
    loads = r.get("load_average", {})
    target = r["targets"][key]["target"]
    if key == "peak_rss_mb":
        over = {n: v for n, v in r["peak_rss_mb"].items() if v >= target}
        return [
            f"missed {key}: "
            + ", ".join(f"{n} {v} MB" for n, v in over.items())
            + f" (target < {target} MB each); what holds it: the process's heap (tracemalloc"
            " or memray over the phase that grew it)"
        ]
    if key in PHASES:
        phase, unit = PHASES[key]
        measured = r.get(key)
        needed = float(target)
        if key == "ratio":
            needed = target * r["raw_aiokafka_records_per_s"]
            measured_text = f"{measured} x raw aiokafka ({r['pipeline_records_per_s']:,} {unit}s/s)"
            target_text = f">= {target} = {needed:,.0f} {unit}s/s"
        else:
            measured_text = f"{measured:,} {unit}s/s"
            target_text = f">= {target:,} {unit}s/s"
    else:
        sizes = sorted(r.get("latency_by_history", {}), key=int)
        size = sizes[0] if key == "latency_p99_s" and sizes else "5000000"
        phase, unit = f"latency-{size}", "record"
        measured = r.get(key)
        measured_text = f"p99 {measured} s" if measured is not None else "not measured"
        target_text = f"< {target} s"
    cost = costs.get(phase)
    lines = [f"missed {key}: {measured_text}, target {target_text}"]
    repeated = phase in shown
    shown.add(phase)
    if cost and repeated:
        lines.append(f"  phase {phase}: its costs and profile are above")
    elif cost:
        lines.append(
            f"  phase {phase}: {cost['records']:,} {unit}s in {cost['seconds']:,.1f} s; "
            + load_note(loads.get(phase), cores)
        )
        lines.append(f"  CPU per {unit}: {_cost_line(cost['processes'], unit)}")
        if phase == "rebuild":
            lines.append(
                "  (the rebuild's CPU includes its start-up, imports and migrations: a few seconds"
                " of CPU that weigh per event only in a small run)"
            )
        if phase.startswith("latency"):
            lines.append(
                "  (reporting's CPU includes answering the benchmark's polls: one GET every"
                " 10 ms per request waiting for its dossier)"
            )
    elif key == "kpi_p99_at_5m_s" and measured is None:
        lines.append("  5 M dossiers were not in --history: run with 5000000 among the sizes")
    if key in PHASES:
        closing = (
            close_throughput(cost["processes"], needed, unit, cores)
            if cost
            else "not computable: no CPU measured"
        )
    elif measured is None:
        closing = "nothing to close before it is measured"
    else:
        closing = close_latency(r.get("latency_by_history", {}), cost)
    if cost and not repeated:
        worst = bottleneck(cost["processes"])
        if worst is not None:
            lines.append(f"  profile of {label(worst)} during {phase}:")
            lines += profile_lines(
                tops.get(phase, {}).get(worst, {}),
                cost["processes"][worst]["us_per_record"],
                unit,
            )
    lines.append(f"  what would close it: {closing}")
    return lines
