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


# --- the perimeter: Ingress and NetworkPolicies -------------------------------------------------

GATEWAY = "integration-gateway"
# The gateway's routes that are for the outside world: everything under /v1 (the DVCQG sync, plan
# reports, the camera webhook, the public dossier lookup). Not /admin, /health, /ready, /metrics,
# /asyncapi.
EXPOSED_PREFIX = "/v1"


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """A label selector (matchLabels only: the generator writes no expressions) against labels."""
    assert set(selector) <= {"matchLabels"}, selector
    return selector.get("matchLabels", {}).items() <= labels.items()


Pod = tuple[str, dict[str, str]]  # (namespace, labels)


def peer_matches(peer: dict[str, Any], pod: Pod, own_namespace: str) -> bool:
    namespace, labels = pod
    if "ipBlock" in peer:
        return False  # pods are addressed by selectors here; ipBlocks are for outside
    if "namespaceSelector" in peer:
        ns_labels = {"kubernetes.io/metadata.name": namespace}
        if not selects(peer["namespaceSelector"], ns_labels):
            return False
    elif namespace != own_namespace:
        return False
    return "podSelector" not in peer or selects(peer["podSelector"], labels)


def port_matches(rule: dict[str, Any], port: int | str) -> bool:
    return "ports" not in rule or any(p["port"] == port for p in rule["ports"])


def allowed(
    policies: list[dict[str, Any]],
    source: Pod,
    target: Pod,
    port: int | str,
    namespace: str = "pasc",
) -> bool:
    """Kubernetes' NetworkPolicy semantics for one TCP connection inside the cluster: a pod a
    policy selects for a direction accepts only what one of those policies allows."""

    def direction(pod: Pod, kind: str, key: str, peer: Pod) -> bool:
        if pod[0] != namespace:
            return True  # outside the namespace: not ours to restrict
        if kind == "Ingress" and pod == KAFKA_POD:
            return True  # Strimzi writes the brokers' ingress policies (per listener)
        chosen = [
            p
            for p in policies
            if kind in p["spec"]["policyTypes"] and selects(p["spec"]["podSelector"], pod[1])
        ]
        if not chosen:
            return True
        return any(
            port_matches(rule, port)
            and (
                ("from" if kind == "Ingress" else "to") not in rule
                or any(
                    peer_matches(x, peer, namespace)
                    for x in rule["from" if kind == "Ingress" else "to"]
                )
            )
            for p in chosen
            for rule in p["spec"].get(key, [])
        )

    return direction(source, "Egress", "egress", target) and direction(
        target, "Ingress", "ingress", source
    )


def service_pod(name: str) -> Pod:
    return "pasc", {
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/component": "service",
        "app.kubernetes.io/part-of": "pasc",
    }


KAFKA_POD: Pod = ("pasc", {"strimzi.io/cluster": "pasc", "strimzi.io/kind": "Kafka"})
INGRESS_CONTROLLER: Pod = ("ingress-nginx", {"app.kubernetes.io/name": "ingress-nginx"})
PROMETHEUS: Pod = ("monitoring", {"app.kubernetes.io/name": "prometheus"})
STRANGER: Pod = ("default", {"app": "anything"})


def test_the_ingress_exposes_only_the_gateways_v1_api(
    rendered: tuple[str, list[dict[str, Any]]],
) -> None:
    _, resources = rendered
    (ingress,) = of_kind(resources, "Ingress").values()
    spec = ingress["spec"]
    assert spec["tls"] and all(t["secretName"] for t in spec["tls"])
    assert "defaultBackend" not in spec
    hosts_with_tls = {h for t in spec["tls"] for h in t["hosts"]}
    for rule in spec["rules"]:
        assert rule["host"] in hosts_with_tls
        for path in rule["http"]["paths"]:
            # Prefix matches whole path elements: /v1 and /v1/..., never /v10 or /admin.
            assert (path["path"], path["pathType"]) == (EXPOSED_PREFIX, "Prefix")
            assert path["backend"]["service"] == {"name": GATEWAY, "port": {"name": "http"}}
    assert of_kind(resources, "Service")[GATEWAY]["spec"]["type"] == "ClusterIP"
    for service in of_kind(resources, "Service").values():
        assert service["spec"]["type"] == "ClusterIP", service["metadata"]["name"]


def test_the_gateways_public_routes_are_the_exposed_ones_and_admin_is_not() -> None:
    import re

    app = REPO / "services/integration-gateway/src/integration_gateway/app"
    source = "".join(p.read_text() for p in sorted((app / "routes").glob("*.py")))
    routes = re.findall(r'@router\.(?:get|post|put|delete|patch)\(\s*"([^"]+)"', source)
    assert routes
    public = [r for r in routes if r == EXPOSED_PREFIX or r.startswith(f"{EXPOSED_PREFIX}/")]
    assert "/v1/public/dossiers/{ma_ho_so}" in public
    assert all(not r.startswith(f"{EXPOSED_PREFIX}/") for r in set(routes) - set(public))
    assert any(r.startswith("/admin") for r in routes) and not any(
        r.startswith("/admin") for r in public
    )


def test_network_policies_deny_by_default(rendered: tuple[str, list[dict[str, Any]]]) -> None:
    _, resources = rendered
    policies = list(of_kind(resources, "NetworkPolicy").values())
    deny = of_kind(resources, "NetworkPolicy")["default-deny"]["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    for policy in policies:
        spec = policy["spec"]
        # Policies restrict both ways; the Strimzi pods' ingress is Strimzi's own policies'.
        kafka = selects(spec["podSelector"], KAFKA_POD[1]) and bool(spec["podSelector"])
        assert set(spec["policyTypes"]) == ({"Egress"} if kafka else {"Ingress", "Egress"})
        for rule in spec.get("ingress", []):
            assert rule.get("from"), f"{policy['metadata']['name']}: ingress from anywhere"
            assert rule.get("ports"), f"{policy['metadata']['name']}: ingress on every port"
        for rule in spec.get("egress", []):
            assert rule.get("ports"), f"{policy['metadata']['name']}: egress on every port"
    # Every pod of the platform is covered by a policy of its own besides the default deny.
    assert not selects(
        of_kind(resources, "NetworkPolicy")[GATEWAY]["spec"]["podSelector"], KAFKA_POD[1]
    )
    for name, deployment in of_kind(resources, "Deployment").items():
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        own = [
            p
            for p in policies
            if p["spec"]["podSelector"] and selects(p["spec"]["podSelector"], labels)
        ]
        assert [p["metadata"]["name"] for p in own] == [name]


def test_network_policies_allow_exactly_the_registrys_kafka_flows(
    rendered: tuple[str, list[dict[str, Any]]],
) -> None:
    _, resources = rendered
    policies = list(of_kind(resources, "NetworkPolicy").values())
    for name in SERVICES:
        reads = sorted(t.name for t in TOPICS if name in t.consumers)
        writes = sorted({t.name for t in TOPICS if t.owner == name} | {"deadletter.v1"})
        annotations = of_kind(resources, "NetworkPolicy")[name]["metadata"]["annotations"]
        assert sorted(filter(None, annotations[generate.TOPICS_READ].split(","))) == reads
        assert sorted(filter(None, annotations[generate.TOPICS_WRITTEN].split(","))) == writes
        # The registry gives every service a topic to read or write: all reach the brokers,
        # on the TLS listener the platform config names, and on no other port.
        bootstrap_port = int(
            of_kind(resources, "ConfigMap")["pasc-platform"]["data"][
                "KAFKA_BOOTSTRAP_SERVERS"
            ].rsplit(":", 1)[1]
        )
        assert allowed(policies, service_pod(name), KAFKA_POD, bootstrap_port) == bool(
            reads or writes
        )
        assert not allowed(policies, service_pod(name), KAFKA_POD, 9092)
        assert not allowed(policies, service_pod(name), KAFKA_POD, 9091)  # replication


def test_the_kafka_clusters_pods_reach_only_each_other_dns_and_the_api(
    rendered: tuple[str, list[dict[str, Any]]],
) -> None:
    _, resources = rendered
    policies = list(of_kind(resources, "NetworkPolicy").values())
    (egress,) = [
        p
        for p in policies
        if p["spec"]["podSelector"] and selects(p["spec"]["podSelector"], KAFKA_POD[1])
    ]
    assert egress["spec"]["policyTypes"] == ["Egress"]
    for port in (9090, 9091, 9093):
        assert allowed(policies, KAFKA_POD, KAFKA_POD, port)
    for name in SERVICES:
        assert not allowed(policies, KAFKA_POD, service_pod(name), "http")


def test_network_policies_allow_exactly_the_http_map(
    rendered: tuple[str, list[dict[str, Any]]],
) -> None:
    _, resources = rendered
    policies = list(of_kind(resources, "NetworkPolicy").values())
    for target in SERVICES:
        pod = service_pod(target)
        # No service calls another over HTTP: every pair is refused.
        for source in SERVICES:
            assert not allowed(policies, service_pod(source), pod, "http"), (source, target)
        # Prometheus scrapes every service; only the gateway is reachable from the ingress.
        assert allowed(policies, PROMETHEUS, pod, "http")
        assert allowed(policies, INGRESS_CONTROLLER, pod, "http") == (target == GATEWAY)
        assert not allowed(policies, STRANGER, pod, "http")
        assert not allowed(policies, PROMETHEUS, pod, 22)
        assert generate.HTTP_FLOWS[target]  # the map names every service
    assert set(generate.HTTP_FLOWS) == set(SERVICES)


def test_only_the_gateway_reaches_outside_the_cluster_over_http(
    rendered: tuple[str, list[dict[str, Any]]],
) -> None:
    _, resources = rendered
    for name, policy in of_kind(resources, "NetworkPolicy").items():
        outside = [
            rule
            for rule in policy["spec"].get("egress", [])
            if any("ipBlock" in peer for peer in rule.get("to", []))
        ]
        if name != GATEWAY:
            assert outside == [], name
            continue
        (rule,) = outside
        assert sorted(p["port"] for p in rule["ports"]) == [80, 443]
        (peer,) = rule["to"]
        assert peer["ipBlock"]["cidr"] == "0.0.0.0/0"
        assert set(peer["ipBlock"]["except"]) == {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"}


def test_every_service_reaches_keycloak_for_its_signing_keys(
    rendered: tuple[str, list[dict[str, Any]]],
) -> None:
    """Bearer tokens are checked against the issuer's keys (JWKS): without this egress every
    guarded route would answer 503 in the cluster."""
    _, resources = rendered
    policies = of_kind(resources, "NetworkPolicy")
    for service in SERVICES:
        to_keycloak = [
            rule
            for rule in policies[service]["spec"]["egress"]
            if any(
                peer.get("namespaceSelector", {}).get("matchLabels", {})
                == {"kubernetes.io/metadata.name": generate.KEYCLOAK_NAMESPACE}
                for peer in rule.get("to", [])
            )
        ]
        (rule,) = to_keycloak
        assert sorted(p["port"] for p in rule["ports"]) == [8080, 8443], service
