"""The Kubernetes manifests (deploy/k8s): rendered by kustomize, validated against the
Kubernetes JSON schemas (kubernetes-validate, offline), and checked against the code they
deploy: the services' Settings and ports, the probes, the topic registry.

Strimzi (KafkaTopic, KafkaUser) and Prometheus Operator (PodMonitor, PrometheusRule) resources
have no schema there; they are generated from the registry and the rule files, and the check
that the checked-in files equal what the generator writes stands in for their validation.
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from pasc_contracts.topics import TOPICS

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
OVERLAYS = {"base": K8S / "base", "production": K8S / "overlays" / "production"}
SERVICES = sorted(p.parent.name for p in (REPO / "services").glob("*/pyproject.toml"))
# The oldest Kubernetes the manifests must suit, and the newest the validator knows.
KUBERNETES_VERSIONS = ("1.31.0", kubernetes_validate.utils.latest_version())
CUSTOM_RESOURCES = {"kafka.strimzi.io", "monitoring.coreos.com"}

sys.path.insert(0, str(K8S))
generate = importlib.import_module("generate")


def kustomize_command(directory: Path) -> list[str]:
    if local := shutil.which("kustomize") or shutil.which("kustomize", path=REPO / ".pasc/bin"):
        return [local, "build", str(directory)]
    if kubectl := shutil.which("kubectl"):
        return [kubectl, "kustomize", str(directory)]
    pytest.fail("neither kustomize nor kubectl found: run `make ops-deps`")


def render(directory: Path) -> list[dict[str, Any]]:
    out = subprocess.run(
        kustomize_command(directory), capture_output=True, text=True, check=False, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return [doc for doc in yaml.safe_load_all(out.stdout) if doc]


@pytest.fixture(scope="module", params=sorted(OVERLAYS))
def rendered(request: pytest.FixtureRequest) -> tuple[str, list[dict[str, Any]]]:
    return request.param, render(OVERLAYS[request.param])


def of_kind(resources: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {r["metadata"]["name"]: r for r in resources if r["kind"] == kind}


def container(deployment: dict[str, Any]) -> dict[str, Any]:
    (only,) = deployment["spec"]["template"]["spec"]["containers"]
    return dict(only)


def settings_class(service: str) -> Any:
    return importlib.import_module(f"{service.replace('-', '_')}.settings").Settings


def test_generated_manifests_match_the_registry_rules_and_dashboards() -> None:
    assert generate.main(["--check"]) == 0, "run `uv run python deploy/k8s/generate.py`"


def test_every_resource_validates_against_the_kubernetes_schemas(
    rendered: tuple[str, list[dict[str, Any]]],
) -> None:
    _, resources = rendered
    checked = 0
    for resource in resources:
        if resource["apiVersion"].split("/")[0] in CUSTOM_RESOURCES:
            continue
        for version in KUBERNETES_VERSIONS:
            try:
                kubernetes_validate.validate(resource, version, strict=True)
            except kubernetes_validate.ValidationError as exc:
                where = ".".join(str(p) for p in exc.path)
                pytest.fail(
                    f"{resource['kind']}/{resource['metadata']['name']} {where}: {exc.message}"
                )
        checked += 1
    assert checked >= 3 * len(SERVICES)


def test_each_service_runs_replicated_with_probes_a_service_and_a_disruption_budget(
    rendered: tuple[str, list[dict[str, Any]]],
) -> None:
    _, resources = rendered
    deployments = of_kind(resources, "Deployment")
    assert sorted(deployments) == SERVICES
    budgets = of_kind(resources, "PodDisruptionBudget")
    services = of_kind(resources, "Service")
    for name, deployment in deployments.items():
        port = settings_class(name).model_fields["http_port"].default
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert deployment["spec"]["replicas"] >= 2, name
        c = container(deployment)
        assert c["ports"] == [{"name": "http", "containerPort": port, "protocol": "TCP"}]
        assert {"name": "HTTP_PORT", "value": str(port)} in c["env"]
        assert c["livenessProbe"]["httpGet"] == {"path": "/health", "port": "http"}
        assert c["startupProbe"]["httpGet"] == {"path": "/health", "port": "http"}
        assert c["readinessProbe"]["httpGet"] == {"path": "/ready", "port": "http"}
        assert c["resources"]["requests"] and c["resources"]["limits"]["memory"]
        assert c["securityContext"]["readOnlyRootFilesystem"] is True
        # Longer than uvicorn's and the broker's graceful shutdowns (30 s each, overlapping).
        assert deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] > 30
        selector = budgets[name]["spec"]["selector"]["matchLabels"]
        assert selector.items() <= pod_labels.items()
        assert services[name]["spec"]["selector"].items() <= pod_labels.items()
        assert services[name]["spec"]["ports"][0]["targetPort"] == "http"


def test_consumers_have_no_more_replicas_than_partitions_to_share(
    rendered: tuple[str, list[dict[str, Any]]],
) -> None:
    """Beyond the partitions of its widest topic a replica only waits as a standby."""
    _, resources = rendered
    limits = dict(of_kind(resources, "HorizontalPodAutoscaler"))
    for name, deployment in of_kind(resources, "Deployment").items():
        widest = max((t.partitions for t in TOPICS if name in t.consumers), default=None)
        if widest is None:
            continue
        most = (
            limits[name]["spec"]["maxReplicas"]
            if name in limits
            else deployment["spec"]["replicas"]
        )
        assert most <= widest, f"{name}: {most} replicas for {widest} partitions"


def test_environment_is_the_services_settings_with_secrets_from_secrets(
    rendered: tuple[str, list[dict[str, Any]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, resources = rendered
    config = of_kind(resources, "ConfigMap")
    for name, deployment in of_kind(resources, "Deployment").items():
        c = container(deployment)
        variables: dict[str, str] = {}
        for source in c["envFrom"]:
            variables |= config[source["configMapRef"]["name"]]["data"]
        for var in c["env"]:
            if "valueFrom" in var:
                ref = var["valueFrom"]["secretKeyRef"]
                assert ref["name"] and ref["key"], var
                variables[var["name"]] = (
                    "postgresql://u:p@db:5432/pasc" if var["name"] == "DATABASE_URL" else "x"
                )
            else:
                assert not any(w in var["name"] for w in ("SECRET", "PASSWORD", "TOKEN")), var
                variables[var["name"]] = var["value"]
        fields = {f.upper() for f in settings_class(name).model_fields}
        assert set(variables) <= fields, f"not settings of {name}: {set(variables) - fields}"
        for field in fields:
            monkeypatch.delenv(field, raising=False)
        for key, value in variables.items():
            monkeypatch.setenv(key, value)
        settings = settings_class(name)()
        assert settings.service_name == name
        assert settings.create_topics is False  # Strimzi's KafkaTopics own the topics
        assert settings.topic_replication_factor == 3


def test_kafka_topics_and_users_follow_the_registry() -> None:
    resources = render(OVERLAYS["base"])
    topics = of_kind(resources, "KafkaTopic")
    assert {t["spec"]["topicName"]: t["spec"]["partitions"] for t in topics.values()} == {
        t.name: t.partitions for t in TOPICS
    }
    users = of_kind(resources, "KafkaUser")
    assert sorted(users) == SERVICES
    for name, user in users.items():
        granted = {
            (acl["resource"]["name"], op)
            for acl in user["spec"]["authorization"]["acls"]
            if acl["resource"]["type"] == "topic"
            for op in acl["operations"]
        }
        for t in TOPICS:
            if name in t.consumers:
                assert (t.name, "Read") in granted, (name, t.name)
        assert ("deadletter.v1", "Write") in granted
        deployment = container(of_kind(resources, "Deployment")[name])
        assert {"name": "KAFKA_SASL_USERNAME", "value": name} in deployment["env"]


def test_production_is_scraped_alerted_and_traced() -> None:
    resources = render(OVERLAYS["production"])
    assert {r["metadata"].get("namespace") for r in resources if r["kind"] != "Namespace"} == {
        "pasc"
    }
    (monitor,) = of_kind(resources, "PodMonitor").values()
    relabel = {
        r["targetLabel"]: r for r in monitor["spec"]["podMetricsEndpoints"][0]["relabelings"]
    }
    assert relabel["job"]["replacement"] == "pasc-services"  # what the alert rules select
    assert "service" in relabel
    for deployment in of_kind(resources, "Deployment").values():
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert monitor["spec"]["selector"]["matchLabels"].items() <= labels.items()
    (rules,) = of_kind(resources, "PrometheusRule").values()
    alerts = {r["alert"] for g in rules["spec"]["groups"] for r in g["rules"] if "alert" in r}
    assert {"PascServiceDown", "PascConsumerLagGrowing", "PascOutboxStale"} <= alerts
    config = of_kind(resources, "ConfigMap")["pasc-platform"]["data"]
    assert config["OTEL_EXPORTER_OTLP_ENDPOINT"].startswith("http")
    dashboards = [
        c
        for c in of_kind(resources, "ConfigMap").values()
        if c["metadata"].get("labels", {}).get("grafana_dashboard")
    ]
    assert len(dashboards) == len(list((REPO / "deploy/grafana/dashboards").glob("*.json")))
