"""The benchmark's explanations of missed targets (bench/report.py): pure, no broker or database."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import report

# py-spy's raw output: one stack per line, root first, then its sample count.
COLLAPSED = "\n".join(
    [
        "<module> (pasc:8);run (asyncio/runners.py:118);_run_once (asyncio/base_events.py:1922)"
        ";on_message (integration_gateway/app/ingress.py:40)"
        ";validate_python (pydantic/type_adapter.py:412) 50",
        "<module> (pasc:8);run (asyncio/runners.py:118);_run_once (asyncio/base_events.py:1922)"
        ";on_message (integration_gateway/app/ingress.py:41)"
        ";loads (json/__init__.py:346);decode (json/decoder.py:337) 30",
        "<module> (pasc:8);run (asyncio/runners.py:118);_run_once (asyncio/base_events.py:1922)"
        ";stage (pasc_runtime/outbox.py:90) 20",
        "not a stack line",
    ]
)


def test_top_frames_ranks_functions_by_self_and_cumulative_share() -> None:
    top = report.top_frames(COLLAPSED, top=3)

    assert top["samples"] == 100
    assert top["self"] == [
        ("validate_python (pydantic/type_adapter.py)", 50.0),
        ("decode (json/decoder.py)", 30.0),
        ("stage (pasc_runtime/outbox.py)", 20.0),
    ]
    # lines of one function are merged; the event loop's frames are not ranked
    assert top["cumulative"][0] == ("on_message (app/ingress.py)", 80.0)
    assert all("asyncio" not in f and "<module>" not in f for f, _ in top["cumulative"])
    assert len(top["cumulative"]) == 3


def test_top_frames_leaves_out_entry_points_wrappers_and_waiting_threads() -> None:
    collapsed = "\n".join(
        [
            # the main thread: main is on all its samples, middleware passes all it gets to
            # replay, which branches
            "main (cli.py:1);middleware (mw.py:2);replay (rebuild.py:5);fold (rebuild.py:9) 60",
            "main (cli.py:1);middleware (mw.py:2);replay (rebuild.py:6);commit (db.py:3) 20",
            "main (cli.py:1);setup (cli.py:3) 10",
            # a pool's worker thread: mostly waiting for work
            "_bootstrap (threading.py:1);_worker (concurrent/futures/thread.py:8) 500",
            "_bootstrap (threading.py:1);_worker (concurrent/futures/thread.py:9)"
            ";resolve (dns.py:4) 10",
        ]
    )

    top = report.top_frames(collapsed)

    assert top["samples"] == 100
    assert top["waiting"] == 500
    assert top["self"][0] == ("fold (rebuild.py)", 60.0)
    # main (every sample of its thread) and middleware (all to one callee) are not ranked;
    # the worker thread's entry point is (its thread's samples are not all under it alone)
    names = [f for f, _ in top["cumulative"]]
    assert names[:2] == ["replay (rebuild.py)", "fold (rebuild.py)"]
    assert "main (cli.py)" not in names
    assert "middleware (mw.py)" not in names
    assert report.top_frames("") == {"samples": 0, "waiting": 0, "self": [], "cumulative": []}


def test_phase_cost_subtracts_idle_cpu_per_record_but_not_from_cores_used() -> None:
    cost = report.phase_cost(
        before={"integration-gateway": 10.0, "kafka": 100.0},
        after={"integration-gateway": 13.6, "kafka": 104.0},
        seconds=4.0,
        records=10_000,
        idle_per_s={"kafka": 0.5},
        cores=2,
    )

    gateway, brokers = cost["processes"]["integration-gateway"], cost["processes"]["kafka"]
    assert gateway == {
        "cpu_s": 3.6,
        "us_per_record": 360.0,
        "cores_used": 0.9,
        "machine_share": 0.45,
    }
    assert brokers["us_per_record"] == 200.0  # (4.0 - 0.5 * 4) s / 10,000
    assert brokers["cores_used"] == 1.0
    assert cost["records"] == 10_000


def _report() -> dict[str, Any]:
    pipeline = report.phase_cost(
        {"integration-gateway": 0.0, "reporting-service": 0.0, "kafka": 0.0},
        {"integration-gateway": 3.61, "reporting-service": 1.69, "kafka": 3.0},
        seconds=10.0,
        records=10_000,
        cores=2,
    )
    latency = report.phase_cost(
        {"integration-gateway": 0.0, "reporting-service": 0.0},
        {"integration-gateway": 3.6, "reporting-service": 3.0},
        seconds=10.0,
        records=10_000,
        cores=2,
    )
    return {
        "pipeline_records_per_s": 945,
        "raw_aiokafka_records_per_s": 8_726,
        "ratio": 0.108,
        "latency_p99_s": 1.63,
        "latency_by_history": {"20000": {"p99": 1.63}, "5000000": {"p99": 2.57}},
        "peak_rss_mb": {"integration-gateway": 149.0, "reporting-service": 260.5},
        "load_average": {"pipeline": "8.50 7.00 6.00", "latency-20000": "1.50 1.00 1.00"},
        "phase_cost": {"pipeline": pipeline, "latency-20000": latency},
        "profile_top": {"pipeline": {"integration-gateway": report.top_frames(COLLAPSED)}},
        "targets": {
            "pipeline_records_per_s": {"target": 10_000, "met": False},
            "ratio": {"target": 0.5, "met": False},
            "latency_p99_s": {"target": 0.5, "met": False},
            "kpi_p99_at_5m_s": {"target": 0.5, "met": False},
            "rebuild_events_per_s": {"target": 50_000, "met": False},
            "peak_rss_mb": {"target": 250, "met": False},
        },
    }


def test_a_missed_throughput_target_is_explained_from_its_measured_costs() -> None:
    text = "\n".join(report.explain("pipeline_records_per_s", _report(), cores=2))

    assert "missed pipeline_records_per_s: 945 records/s, target >= 10,000 records/s" in text
    assert "4.2x oversubscribed" in text  # load 8.5 on 2 cores
    assert "gateway 361 us/record (0.36 of a core, 18% of the machine)" in text
    assert "profile of gateway during pipeline" in text
    assert "validate_python (pydantic/type_adapter.py)" in text
    # 50% of the samples of a process costing 361 us/record
    assert "50.0     180  validate_python" in text
    closing = text.rsplit("what would close it: ", 1)[1]
    assert "gateway 361 us/record -> at most 2,770 records/s per core" in closing
    assert "needs <= 100 us/record (3.6x less), or 4 gateway processes" in closing
    # gateway 361 + reporting 169 + brokers 300 = 830 us/record at 10,000 records/s
    assert "needs 8.3 cores at 10,000 records/s (this machine: 2)" in closing
    assert "used only 0.36 of a core" in closing


def test_the_ratio_target_is_closed_at_half_the_raw_client_rate() -> None:
    text = "\n".join(report.explain("ratio", _report(), cores=2))

    assert ">= 0.5 = 4,363 records/s" in text
    assert "needs <= 229 us/record" in text


def test_a_phase_explained_once_is_not_repeated_for_the_next_target() -> None:
    shown: set[str] = set()
    r = _report()
    first = "\n".join(report.explain("pipeline_records_per_s", r, 2, shown))
    second = "\n".join(report.explain("ratio", r, 2, shown))

    assert "profile of gateway" in first
    assert "profile of gateway" not in second
    assert "phase pipeline: its costs and profile are above" in second
    assert "what would close it: gateway 361 us/record" in second


def test_a_process_within_its_budget_is_said_not_to_limit_the_rate() -> None:
    r = _report()
    r["raw_aiokafka_records_per_s"] = 1_000  # half of it: 500 records/s, 2,000 us/record

    closing = report.explain("ratio", r, cores=2)[-1]

    assert "gateway 361 us/record is within the 2,000 us/record" in closing
    assert "does not limit the rate" in closing


def test_brokers_busy_only_at_their_idle_rate_are_not_counted_as_free() -> None:
    r = _report()
    r["phase_cost"]["pipeline"] = report.phase_cost(
        {"integration-gateway": 0.0, "kafka": 0.0},
        {"integration-gateway": 3.61, "kafka": 10.0},
        seconds=10.0,
        records=10_000,
        idle_per_s={"kafka": 1.2},  # more than the phase's 1.0 core
        cores=2,
    )

    text = "\n".join(report.explain("pipeline_records_per_s", r, cores=2))

    assert "brokers ? (not told apart from its idle CPU) (1.00 of a core" in text
    assert "(gateway = 361 us/record; brokers not counted) needs 3.6 cores" in text
    assert "at 10,000 records/s at least (this machine: 2)" in text


def test_a_missed_latency_target_says_whether_it_grows_with_history() -> None:
    r = _report()
    small = "\n".join(report.explain("latency_p99_s", r, cores=2))
    large = "\n".join(report.explain("kpi_p99_at_5m_s", r, cores=2))

    assert "p99 1.63 s at 20,000 dossiers, 2.57 s at 5,000,000 (1.6x): it grows" in small
    assert "the busiest process (gateway) used 0.36 of a core" in small
    assert "load average 1.50 on 2 cores" in small
    assert "oversubscribed" not in small
    assert "(no profile: py-spy took no samples of it)" in small
    assert "5 M dossiers were not in --history" in large
    assert large.endswith("what would close it: nothing to close before it is measured")


def test_rss_and_an_unmeasured_rebuild_are_explained_without_failing() -> None:
    r = _report()
    rss = report.explain("peak_rss_mb", r, cores=2)
    r["rebuild_events_per_s"] = 2_451

    assert rss[0].startswith("missed peak_rss_mb: reporting-service 260.5 MB")
    assert "not computable" in "\n".join(report.explain("rebuild_events_per_s", r, cores=2))
