"""Alert rules and dashboards: promtool checks and unit-tests the rules, and every metric the
rules and the Grafana dashboards query is one the services really export.

promtool comes with Debian's `prometheus` package (`make ops-deps` installs it).
"""

from __future__ import annotations

import importlib
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
PROMETHEUS = REPO / "deploy" / "prometheus"
DASHBOARDS = REPO / "deploy" / "grafana" / "dashboards"
SERVICES = sorted(p.parent.name for p in (REPO / "services").glob("*/pyproject.toml"))
METRIC = re.compile(r"\b((?:pasc|faststream)_[a-z0-9_]+)\b")
SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_sum", "_count", "_created"),
    "gauge": ("",),
}


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("promtool")
    if tool is None:
        pytest.fail("promtool not found: run `make ops-deps` (Debian's prometheus package)")
    return subprocess.run(
        [tool, *args], capture_output=True, text=True, check=False, timeout=120, cwd=REPO
    )


def rule_files() -> list[str]:
    return [str(p.relative_to(REPO)) for p in sorted((PROMETHEUS / "rules").glob("*.yml"))]


def test_rules_are_valid() -> None:
    out = promtool("check", "rules", *rule_files())
    assert out.returncode == 0, out.stdout + out.stderr


def test_rules_pass_their_unit_tests() -> None:
    tests = [str(p.relative_to(REPO)) for p in sorted((PROMETHEUS / "tests").glob("*.yml"))]
    assert tests
    out = promtool("test", "rules", *tests)
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.parametrize("config", ["prometheus.yml", "prometheus.local.yml"])
def test_prometheus_configs_are_valid_and_load_the_rules(config: str) -> None:
    out = promtool("check", "config", str(PROMETHEUS / config))
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"{len(rule_files())} rule files found" in out.stdout + out.stderr


def test_every_alert_says_how_bad_and_what_to_do() -> None:
    for path in rule_files():
        for group in yaml.safe_load((REPO / path).read_text())["groups"]:
            for rule in group["rules"]:
                if "alert" in rule:
                    assert rule["labels"]["severity"] in {"warning", "critical"}, rule["alert"]
                    assert rule["annotations"]["summary"], rule["alert"]
                    assert rule["annotations"]["description"], rule["alert"]


def exported_series() -> set[str]:
    """The series names each service's registry can expose (built, not started)."""
    names = {"up"}
    for service in SERVICES:
        module = service.replace("-", "_")
        app = importlib.import_module(f"{module}.bootstrap").build_app(
            importlib.import_module(f"{module}.settings").Settings()
        )
        for family in app.runtime.metrics.registry.collect():
            names |= {family.name + suffix for suffix in SUFFIXES.get(family.type, ("",))}
    return names


def queried() -> Iterator[tuple[str, str]]:
    """(where, PromQL) of every rule and dashboard panel."""
    for path in rule_files():
        for group in yaml.safe_load((REPO / path).read_text())["groups"]:
            for rule in group["rules"]:
                yield f"{path}: {rule.get('alert') or rule.get('record')}", rule["expr"]
    for path in sorted(DASHBOARDS.glob("*.json")):
        dashboard = json.loads(path.read_text())
        for panel in dashboard["panels"]:
            for target in panel.get("targets", []):
                yield f"{path.name}: {panel['title']}", target["expr"]
        for variable in dashboard["templating"]["list"]:
            if variable["type"] == "query":  # a "datasource" variable queries no series
                yield f"{path.name}: ${variable['name']}", variable["definition"]


def test_rules_and_dashboards_query_only_metrics_the_services_export() -> None:
    exported = exported_series()
    unknown = [
        f"{where}: {name}"
        for where, expr in queried()
        for name in METRIC.findall(expr)
        if name not in exported
    ]
    assert not unknown, unknown


def test_dashboards_are_valid_promql_for_promtool() -> None:
    """Each panel's query parses (promtool has no query linter: a rule file is the parser)."""
    rules = [
        {"record": f"pasc:dashboard_check_{i}", "expr": expr.replace("$__rate_interval", "5m")}
        for i, (_, expr) in enumerate(queried())
        if "label_values" not in expr
    ]
    for rule in rules:
        rule["expr"] = re.sub(r'"\$\w+"', '".*"', rule["expr"])
    path = REPO / "test-artifacts" / "dashboard-queries.rules.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
    out = promtool("check", "rules", str(path))
    assert out.returncode == 0, out.stdout + out.stderr
