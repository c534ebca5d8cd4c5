"""The Docker deployment files (deploy/) checked against the code they deploy.

There is no Docker engine here, so nothing is built or started, and the `docker` CLI is never
called: deploy/docker-compose.yml, deploy/Dockerfile and the Prometheus configs are read as
YAML/text and compared with the workspace (the members under services/, each one's `Settings`).
A renamed setting, a typo in an env var, a port that drifts or a new service that the files
forget fails here.
"""

from __future__ import annotations

import base64
import glob
import importlib
import importlib.util
import json
import os
import re
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from pasc_contracts.topics import SERVICES as REGISTRY_SERVICES

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
COMPOSE_FILE = DEPLOY / "docker-compose.yml"
COMPOSE_DEBUG = DEPLOY / "docker-compose.debug.yml"
DOCKERFILE = DEPLOY / "Dockerfile"
PROMETHEUS = DEPLOY / "prometheus" / "prometheus.yml"
PROMETHEUS_LOCAL = DEPLOY / "prometheus" / "prometheus.local.yml"

GRAFANA = DEPLOY / "grafana"
INFRA = {"kafka", "postgres", "prometheus", "grafana", "keycloak"}
# The perimeter: what compose publishes, each on ${PASC_BIND:-127.0.0.1} (loopback by default).
PUBLISHED = {"integration-gateway", "keycloak"}
BIND = "${PASC_BIND:-127.0.0.1}"
INTERPOLATION = re.compile(r"\$\{(\w+)(?::([-?])([^}]*))?\}")
# What an operator exports before `docker compose up` (the file has no defaults for secrets).
OPERATOR_ENV = {
    "POSTGRES_PASSWORD": "pg-7f1c2a9e",
    "KEY_ENCRYPTION_SECRET": "kek-3b8d",
    "PSEUDONYM_SECRET": "pseudo-91aa",
    "ADMIN_TOKEN": "admin-55e0",
    "KEYCLOAK_ADMIN_PASSWORD": "kc-0c4d",
}
SERVICES = sorted(p.parent.name for p in (REPO / "services").glob("*/pyproject.toml"))


def settings_class(service: str) -> Any:
    return importlib.import_module(f"{service.replace('-', '_')}.settings").Settings


def default_port(service: str) -> int:
    port: int = settings_class(service).model_fields["http_port"].default
    return port


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text())
    return data


@pytest.fixture(scope="module")
def debug_overlay() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE_DEBUG.read_text())
    return data


def interpolate(value: str, environ: dict[str, str]) -> str:
    """Compose's ${NAME:-default} (the variable when set and not empty, else the default) and
    ${NAME:?message} (the variable, or compose refuses to start)."""

    def one(m: re.Match[str]) -> str:
        if environ.get(m[1]):
            return environ[m[1]]
        if m[2] == "?":
            raise KeyError(f"compose refuses to start without {m[1]}: {m[3]}")
        return m[3] or ""

    return INTERPOLATION.sub(one, value)


def binding(port: str, environ: dict[str, str] | None = None) -> tuple[str | None, str, str]:
    """A short-syntax port ("[ip:]host:container") as (host ip or None for all, host, container)."""
    parts = interpolate(port, environ or {}).rsplit(":", 2)
    if len(parts) == 2:
        return None, parts[0], parts[1]
    return parts[0], parts[1], parts[2]


def published(compose: dict[str, Any], service: str) -> list[str]:
    ports: list[str] = compose["services"].get(service, {}).get("ports", [])
    return ports


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    lines = [line for line in DOCKERFILE.read_text().splitlines() if not line.startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    return [
        (word.upper(), rest.strip())
        for word, _, rest in (line.strip().partition(" ") for line in joined.splitlines())
        if word
    ]


def env(compose: dict[str, Any], name: str) -> dict[str, str]:
    """A service's environment as compose gives it, the operator's secrets exported."""
    environment: dict[str, str] = compose["services"][name]["environment"]
    return {key: interpolate(value, OPERATOR_ENV) for key, value in environment.items()}


def pairs(value: str, separator: str) -> dict[str, str]:
    """Kafka's lists: "A://x,B://y" -> {"A": "x", "B": "y"}; also its protocol map."""
    return dict(item.split(separator, 1) for item in value.split(","))


# --- docker-compose.yml -------------------------------------------------------------------------


def test_the_workspace_has_the_registrys_four_services() -> None:
    assert SERVICES == sorted(REGISTRY_SERVICES)


def test_compose_names_every_service_and_the_infrastructure(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == set(SERVICES) | INFRA
    assert set(compose["volumes"]) == {"kafka-data", "postgres-data"}


@pytest.mark.parametrize("service", SERVICES)
def test_service_env_vars_are_fields_of_its_settings(
    compose: dict[str, Any], service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    variables = env(compose, service)
    fields = {name.upper() for name in settings_class(service).model_fields}
    assert set(variables) <= fields, f"not settings of {service}: {set(variables) - fields}"
    # Compose takes strings (it rejects YAML booleans); the values must also validate.
    assert all(isinstance(value, str) for value in variables.values()), variables
    for name in fields:
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    settings = settings_class(service)()
    assert settings.http_host == "0.0.0.0"  # noqa: S104 - published from the container
    assert settings.service_name == service
    # Bound beyond loopback, a service refuses the repository's development secrets: compose
    # must pass the operator's own.
    assert settings.development_secrets() == []


@pytest.mark.parametrize("service", SERVICES)
def test_compose_has_no_default_for_a_secret(compose: dict[str, Any], service: str) -> None:
    for name, value in compose["services"][service]["environment"].items():
        if name in OPERATOR_ENV or "PASSWORD" in name or "SECRET" in name or "TOKEN" in name:
            with pytest.raises(KeyError, match="compose refuses to start"):
                interpolate(value, {})


@pytest.mark.parametrize("service", SERVICES)
def test_service_port_is_its_settings_default_and_published_only_where_allowed(
    compose: dict[str, Any], debug_overlay: dict[str, Any], service: str
) -> None:
    port = default_port(service)
    assert env(compose, service)["HTTP_PORT"] == str(port)
    if service in PUBLISHED:
        assert published(compose, service) == [f"{BIND}:{port}:{port}"]
        assert service not in debug_overlay["services"]
    else:
        assert published(compose, service) == []
        assert published(debug_overlay, service) == [f"127.0.0.1:{port}:{port}"]


def test_compose_publishes_only_the_gateway_and_keycloak_on_loopback_by_default(
    compose: dict[str, Any],
) -> None:
    exposed = {name for name, service in compose["services"].items() if service.get("ports")}
    assert exposed == PUBLISHED
    for name in sorted(PUBLISHED):
        for port in published(compose, name):
            assert port.startswith(f"{BIND}:"), f"{name}: {port} is not bound to PASC_BIND"
            assert binding(port)[0] == "127.0.0.1"
            assert binding(port, {"PASC_BIND": ""})[0] == "127.0.0.1"
            assert binding(port, {"PASC_BIND": "10.0.0.5"})[0] == "10.0.0.5"
        # `expose`/host networking would publish around the ports list.
        assert "network_mode" not in compose["services"][name]
    assert all("network_mode" not in s for s in compose["services"].values())


def test_debug_overlay_publishes_on_loopback_only(
    compose: dict[str, Any], debug_overlay: dict[str, Any]
) -> None:
    assert set(debug_overlay) == {"services"}
    assert set(debug_overlay["services"]) == set(compose["services"]) - PUBLISHED
    for name, service in debug_overlay["services"].items():
        assert set(service) == {"ports"}, name  # the overlay changes nothing but bindings
        for port in service["ports"]:
            assert "$" not in port, f"{name}: {port}"
            host_ip, host, container = binding(port)
            assert host_ip == "127.0.0.1", f"{name}: {port} is published beyond loopback"
            assert int(host) > 0 and int(container) > 0


def test_keycloak_is_the_pinned_image_and_needs_an_admin_password(
    compose: dict[str, Any],
) -> None:
    keycloak = compose["services"]["keycloak"]
    assert keycloak["image"] == "quay.io/keycloak/keycloak:26.5.6"
    assert published(compose, "keycloak") == [f"{BIND}:8180:8180"]
    assert "--http-port=8180" in keycloak["command"]
    # ${VAR:?message}: compose refuses to start without it (no default admin password).
    assert keycloak["environment"]["KC_BOOTSTRAP_ADMIN_PASSWORD"].startswith(
        "${KEYCLOAK_ADMIN_PASSWORD:?"
    )
    source, _target, mode = keycloak["volumes"][0].split(":")
    assert (DEPLOY / source).resolve() == DEPLOY / "keycloak" and mode == "ro"


def test_service_ports_are_distinct() -> None:
    assert len({default_port(s) for s in SERVICES}) == len(SERVICES)


@pytest.mark.parametrize("service", SERVICES)
def test_service_is_built_from_the_dockerfile_for_a_real_member(
    compose: dict[str, Any], service: str
) -> None:
    build = compose["services"][service]["build"]
    context = (DEPLOY / build["context"]).resolve()
    assert context == REPO
    assert (context / build["dockerfile"]).resolve() == DOCKERFILE
    member = build["args"]["SERVICE"]
    assert member == service
    # The Dockerfile uses SERVICE both as a directory and as `uv sync --package` (the project name).
    project = tomllib.loads((REPO / "services" / member / "pyproject.toml").read_text())["project"]
    assert project["name"] == member


@pytest.mark.parametrize("service", SERVICES)
def test_service_waits_for_healthy_kafka_and_postgres(
    compose: dict[str, Any], service: str
) -> None:
    depends_on = compose["services"][service]["depends_on"]
    assert depends_on == {
        "kafka": {"condition": "service_healthy"},
        "postgres": {"condition": "service_healthy"},
    }
    for infra in depends_on:
        assert compose["services"][infra]["healthcheck"]["test"][0] == "CMD"


@pytest.mark.parametrize("service", SERVICES)
def test_service_reaches_the_compose_kafka_and_postgres(
    compose: dict[str, Any], service: str
) -> None:
    variables = env(compose, service)
    kafka = env(compose, "kafka")
    advertised = pairs(kafka["KAFKA_ADVERTISED_LISTENERS"], "://")
    internal = kafka["KAFKA_INTER_BROKER_LISTENER_NAME"]
    assert variables["KAFKA_BOOTSTRAP_SERVERS"] == advertised[internal]

    db = urlsplit(variables["DATABASE_URL"])
    pg = env(compose, "postgres")
    assert (db.scheme, db.hostname, db.port) == ("postgresql", "postgres", 5432)
    assert (db.username, db.password, db.path) == (
        pg["POSTGRES_USER"],
        pg["POSTGRES_PASSWORD"],
        f"/{pg['POSTGRES_DB']}",
    )

    # The broker creates no topics by itself: the services must, within its one replica.
    assert kafka["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    settings = settings_class(service)
    create = variables.get("CREATE_TOPICS", settings.model_fields["create_topics"].default)
    assert str(create).lower() == "true"
    replication = variables.get(
        "TOPIC_REPLICATION_FACTOR", settings.model_fields["topic_replication_factor"].default
    )
    assert int(replication) == 1


def test_kafka_is_a_consistent_single_kraft_node(
    compose: dict[str, Any], debug_overlay: dict[str, Any]
) -> None:
    kafka = compose["services"]["kafka"]
    config = kafka["environment"]
    assert kafka["image"] == "apache/kafka:4.1.1"
    assert config["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert config["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"{config['KAFKA_NODE_ID']}@kafka:9093"
    assert len(base64.urlsafe_b64decode(config["CLUSTER_ID"] + "==")) == 16  # a UUID

    protocols = pairs(config["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"], ":")
    listeners = pairs(config["KAFKA_LISTENERS"], "://")
    advertised = pairs(config["KAFKA_ADVERTISED_LISTENERS"], "://")
    assert set(listeners) == set(protocols) == {"PLAINTEXT", "CONTROLLER", "EXTERNAL"}
    assert set(advertised) == {"PLAINTEXT", "EXTERNAL"}  # the controller is not for clients
    assert config["KAFKA_CONTROLLER_LISTENER_NAMES"] == "CONTROLLER"
    assert listeners["PLAINTEXT"] == ":9092"  # what the healthcheck and the services use
    assert advertised["EXTERNAL"] == "localhost:9094"
    assert listeners["EXTERNAL"] == ":9094"
    assert "ports" not in kafka
    assert published(debug_overlay, "kafka") == ["127.0.0.1:9094:9094"]

    factors = {k: v for k, v in config.items() if "REPLICATION_FACTOR" in k or "MIN_ISR" in k}
    assert factors and set(factors.values()) == {"1"}
    assert kafka["volumes"] == [f"kafka-data:{config['KAFKA_LOG_DIRS']}"]
    assert kafka["healthcheck"]["test"][1:] == [
        "/opt/kafka/bin/kafka-broker-api-versions.sh",
        "--bootstrap-server",
        "localhost:9092",
    ]


def test_postgres(compose: dict[str, Any]) -> None:
    postgres = compose["services"]["postgres"]
    assert postgres["image"] == "postgres:15"  # one major version: the local stack runs Debian's 15
    assert postgres["environment"] == {
        "POSTGRES_USER": "pasc",
        "POSTGRES_PASSWORD": "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}",
        "POSTGRES_DB": "pasc",
    }
    assert postgres["volumes"] == ["postgres-data:/var/lib/postgresql/data"]
    assert postgres["healthcheck"]["test"][1] == "pg_isready"


def test_prometheus_mounts_the_compose_config(
    compose: dict[str, Any], debug_overlay: dict[str, Any]
) -> None:
    prometheus = compose["services"]["prometheus"]
    assert prometheus["image"].startswith("prom/prometheus")
    assert published(debug_overlay, "prometheus") == ["127.0.0.1:9090:9090"]
    source, target, _mode = prometheus["volumes"][0].split(":")
    assert (DEPLOY / source).resolve() == PROMETHEUS
    assert target == "/etc/prometheus/prometheus.yml"


def test_prometheus_loads_the_alert_rules_it_mounts(compose: dict[str, Any]) -> None:
    mounts = dict(
        v.rsplit(":", 1)[0].split(":") for v in compose["services"]["prometheus"]["volumes"]
    )
    config = yaml.safe_load(PROMETHEUS.read_text())
    for pattern in config["rule_files"]:
        in_container = Path(mounts["./prometheus/prometheus.yml"]).parent / pattern
        source = next(s for s, t in mounts.items() if in_container.parent == Path(t))
        assert (DEPLOY / source).resolve() == DEPLOY / "prometheus" / "rules"
        assert sorted((DEPLOY / source).glob(in_container.name)), pattern


# --- Grafana ------------------------------------------------------------------------------------


def test_grafana_is_provisioned_with_the_compose_prometheus_and_the_dashboards(
    compose: dict[str, Any], debug_overlay: dict[str, Any]
) -> None:
    grafana = compose["services"]["grafana"]
    assert grafana["image"].startswith("grafana/grafana:")
    assert published(debug_overlay, "grafana") == ["127.0.0.1:3000:3000"]
    assert all(isinstance(v, str) for v in grafana["environment"].values())
    mounts = {
        target: (DEPLOY / source).resolve()
        for source, target, _mode in (v.split(":") for v in grafana["volumes"])
    }
    assert mounts["/etc/grafana/provisioning"] == GRAFANA / "provisioning"

    datasources = yaml.safe_load((GRAFANA / "provisioning/datasources/prometheus.yml").read_text())
    (prometheus,) = datasources["datasources"]
    url = urlsplit(prometheus["url"])
    assert url.hostname in compose["services"] and url.hostname == "prometheus"
    assert published(debug_overlay, "prometheus") == [f"127.0.0.1:{url.port}:{url.port}"]

    providers = yaml.safe_load((GRAFANA / "provisioning/dashboards/pasc.yml").read_text())
    (provider,) = providers["providers"]
    assert mounts[provider["options"]["path"]] == GRAFANA / "dashboards"
    home = grafana["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert (GRAFANA / "dashboards" / Path(home).relative_to(provider["options"]["path"])).exists()

    dashboards = [
        json.loads(p.read_text()) for p in sorted((GRAFANA / "dashboards").glob("*.json"))
    ]
    assert len(dashboards) >= 2
    assert len({d["uid"] for d in dashboards}) == len(dashboards)
    # No hard-coded data source uid: each dashboard asks for a Prometheus data source (the
    # provisioned one is the default), so it works in any Grafana.
    assert prometheus["isDefault"] is True
    for dashboard in dashboards:
        variables = {v["name"]: v for v in dashboard["templating"]["list"]}
        assert variables["datasource"]["type"] == "datasource"
        assert variables["datasource"]["query"] == "prometheus"
        assert prometheus["uid"] not in json.dumps(dashboard)
        for panel in dashboard["panels"]:
            if panel["type"] != "row":
                assert panel["datasource"]["uid"] == "${datasource}", panel["title"]
                for target in panel["targets"]:
                    assert target["datasource"]["uid"] == "${datasource}", panel["title"]


def test_dashboard_ratios_are_percentages_and_the_ops_dashboard_is_english() -> None:
    ratios = 0
    for path in sorted((GRAFANA / "dashboards").glob("*.json")):
        for panel in json.loads(path.read_text())["panels"]:
            exprs = " ".join(t["expr"] for t in panel.get("targets", []))
            if "_ratio" in exprs:
                ratios += 1
                assert panel["fieldConfig"]["defaults"]["unit"] == "percentunit", panel["title"]
    assert ratios >= 5
    platform = (GRAFANA / "dashboards" / "platform.json").read_text()
    vietnamese = {c for c in platform if ord(c) > 127} - {"·", "→"}
    assert not vietnamese, vietnamese


# --- Prometheus ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "host"),
    [(PROMETHEUS, None), (PROMETHEUS_LOCAL, "127.0.0.1")],
    ids=["compose", "local"],
)
def test_prometheus_scrapes_exactly_the_four_services(config: Path, host: str | None) -> None:
    data = yaml.safe_load(config.read_text())
    assert data["global"]["scrape_interval"] == "15s"
    targets: dict[str, list[str]] = {}
    for job in data["scrape_configs"]:
        assert job.get("metrics_path", "/metrics") == "/metrics"
        assert job.get("scrape_interval", "15s") == "15s"
        for group in job["static_configs"]:
            targets.setdefault(group["labels"]["service"], []).extend(group["targets"])
    assert targets == {s: [f"{host or s}:{default_port(s)}"] for s in SERVICES}


# --- Dockerfile ---------------------------------------------------------------------------------


def test_dockerfile_syncs_the_service_from_the_lock(dockerfile: list[tuple[str, str]]) -> None:
    args = {rest.split("=")[0] for word, rest in dockerfile if word == "ARG"}
    assert "SERVICE" in args
    syncs = [rest for word, rest in dockerfile if word == "RUN" and "uv sync" in rest]
    assert len(syncs) == 2
    assert all("--frozen --no-dev" in s and '--package "${SERVICE}"' in s for s in syncs)
    assert "--no-install-workspace" in syncs[0]  # the dependency layer, before the sources
    stages = [rest for word, rest in dockerfile if word == "FROM"]
    assert stages[0].startswith("ghcr.io/astral-sh/uv:")
    assert all(stage.startswith("python:${PYTHON_VERSION}-slim") for stage in stages[1:])


def test_dockerfile_copies_every_member_pyproject_before_the_first_sync(
    dockerfile: list[tuple[str, str]],
) -> None:
    root = tomllib.loads((REPO / "pyproject.toml").read_text())
    members = [
        Path(path).relative_to(REPO).as_posix()
        for pattern in root["tool"]["uv"]["workspace"]["members"]
        for path in sorted(glob.glob(str(REPO / pattern)))
    ]
    first_sync = next(i for i, (w, r) in enumerate(dockerfile) if w == "RUN" and "uv sync" in r)
    copied = {
        source
        for word, rest in dockerfile[:first_sync]
        if word == "COPY" and not rest.startswith("--from")
        for source in rest.split()[:-1]
    }
    expected = {"pyproject.toml", "uv.lock"} | {f"{member}/pyproject.toml" for member in members}
    assert copied == expected


@pytest.mark.parametrize("service", SERVICES)
def test_dockerfile_copy_sources_exist(dockerfile: list[tuple[str, str]], service: str) -> None:
    for word, rest in dockerfile:
        if word == "COPY" and not rest.startswith("--from"):
            for source in rest.split()[:-1]:
                assert (REPO / source.replace("${SERVICE}", service)).exists(), source


def test_dockerfile_runs_as_non_root_with_a_health_check(dockerfile: list[tuple[str, str]]) -> None:
    users = [rest for word, rest in dockerfile if word == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    env_lines = " ".join(rest for word, rest in dockerfile if word == "ENV")
    assert "HTTP_HOST=0.0.0.0" in env_lines
    assert [word for word, _ in dockerfile].count("HEALTHCHECK") == 1


@pytest.mark.parametrize("service", SERVICES)
def test_dockerfile_cmd_runs_the_services_module(
    dockerfile: list[tuple[str, str]], service: str, tmp_path: Path
) -> None:
    """Runs the CMD with a stand-in `python` that prints its arguments."""
    cmd = json.loads(next(rest for word, rest in dockerfile if word == "CMD"))
    fake = tmp_path / "python"
    fake.write_text('#!/bin/sh\necho "$@"\n')
    fake.chmod(0o755)
    environ = {"PATH": f"{tmp_path}:/usr/bin:/bin", "SERVICE": service}
    out = subprocess.run(cmd, env=environ, capture_output=True, text=True, check=True).stdout
    module = service.replace("-", "_")
    assert out.split() == ["-m", module]
    assert importlib.util.find_spec(f"{module}.__main__") is not None


# --- health checks, run against a stand-in /ready -----------------------------------------------


@pytest.fixture(scope="module")
def health_server() -> Iterator[tuple[int, dict[str, int]]]:
    """An HTTP server whose /ready answers state["status"] (and /health always 200)."""
    state = {"status": 200}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            codes = {"/ready": state["status"], "/health": 200}
            self.send_response(codes.get(self.path, 404))
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], state
    server.shutdown()
    server.server_close()


def run_check(test: list[str], port: int) -> int:
    assert test[:3] == ["CMD", "python", "-c"]
    environ = {**os.environ, "HTTP_PORT": str(port), "SERVICE": SERVICES[0]}
    return subprocess.run([sys.executable, *test[2:]], env=environ, capture_output=True).returncode


def checks(compose: dict[str, Any], dockerfile: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Every health check as compose writes it: ["CMD", program, args...]."""
    healthcheck = next(rest for word, rest in dockerfile if word == "HEALTHCHECK")
    found = {"Dockerfile": ["CMD", *json.loads(healthcheck.split(" CMD ", 1)[1])]}
    for service in SERVICES:
        found[service] = compose["services"][service]["healthcheck"]["test"]
    return found


def test_health_checks_ask_readiness_pass_on_200_and_fail_on_503(
    compose: dict[str, Any],
    dockerfile: list[tuple[str, str]],
    health_server: tuple[int, dict[str, int]],
) -> None:
    port, state = health_server
    for where, test in checks(compose, dockerfile).items():
        assert any("/ready" in part for part in test), where
        state["status"] = 200
        assert run_check(test, port) == 0, f"{where}: healthy reported unhealthy"
        state["status"] = 503
        assert run_check(test, port) != 0, f"{where}: 503 reported healthy"
