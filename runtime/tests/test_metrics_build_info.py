"""Every service's registry has the process and Python collectors and pasc_build_info."""

from __future__ import annotations

from importlib.metadata import version

from prometheus_client import generate_latest

from pasc_runtime.metrics import PlatformMetrics, git_sha


def test_process_python_and_build_info_are_exported() -> None:
    metrics = PlatformMetrics.create()
    metrics.describe_build("pasc-runtime")
    text = generate_latest(metrics.registry).decode()
    for name in (
        "process_cpu_seconds_total",
        "process_resident_memory_bytes",
        "python_info",
        "python_gc_collections_total",
    ):
        assert f"\n{name}" in text, name
    expected = (
        f'pasc_build_info{{git_sha="{git_sha()}",service="pasc-runtime",'
        f'version="{version("pasc-runtime")}"}} 1.0'
    )
    assert expected in text


def test_two_services_in_one_process_each_get_their_collectors() -> None:
    first, second = PlatformMetrics.create(), PlatformMetrics.create()
    for metrics in (first, second):
        assert b"process_cpu_seconds_total" in generate_latest(metrics.registry)
