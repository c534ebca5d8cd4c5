"""Settings of the local stack and the files it keeps under <repo>/.pasc/ (used by stack.py).

Everything here is preparation: Kafka jars and storage, the PostgreSQL cluster, Keycloak's
distribution and realm, server.properties and supervisord.conf. Starting and stopping is stack.py's job (through supervisord).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
import pwd
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[2]
STATE = REPO / ".pasc"
LOGS = STATE / "logs"
KAFKA_HOME = STATE / "kafka"
KAFKA_LIB = KAFKA_HOME / "lib"
KAFKA_DATA = KAFKA_HOME / "data"
KAFKA_PROPERTIES = KAFKA_HOME / "server.properties"
CLUSTER_ID_FILE = KAFKA_HOME / "cluster-id"
JARS_STAMP = KAFKA_HOME / "lib.pom-sha256"
PG_DATA = STATE / "pg" / "data"
SUPERVISOR_CONF = STATE / "supervisord.conf"
POM = REPO / "deploy" / "kafka" / "pom.xml"
LOG4J_CONFIG = REPO / "deploy" / "kafka" / "log4j2.properties"
KEYCLOAK_POM = REPO / "deploy" / "keycloak" / "pom.xml"
KEYCLOAK_REALM = REPO / "deploy" / "keycloak" / "realm-pasc.json"
KEYCLOAK_HOME = STATE / "keycloak"
KEYCLOAK_DIST = KEYCLOAK_HOME / "dist"
KEYCLOAK_DIST_STAMP = KEYCLOAK_HOME / "dist.stamp"
KEYCLOAK_REALM_STAMP = KEYCLOAK_HOME / "realm.sha256"


def _run_dir() -> Path:
    # Unix socket paths are capped at 107 bytes: a deeply nested checkout falls back to /tmp.
    run = STATE / "run"
    if len(str(run / "pg" / ".s.PGSQL.55432.lock")) <= 100:
        return run
    return Path("/tmp") / f"pasc-{hashlib.sha256(str(REPO).encode()).hexdigest()[:12]}"  # noqa: S108


RUN = _run_dir()
PG_SOCKET_DIR = RUN / "pg"
SUPERVISOR_SOCK = RUN / "supervisor.sock"

KAFKA_PORTS = (9092, 9093)  # PLAINTEXT, CONTROLLER
PG_PORT = 55432
PG_USER = PG_PASSWORD = PG_DATABASE = "pasc"  # noqa: S105 (a local dev database)
LOCAL_BOOTSTRAP = f"127.0.0.1:{KAFKA_PORTS[0]}"
LOCAL_DATABASE_URL = f"postgresql://{PG_USER}:{PG_PASSWORD}@127.0.0.1:{PG_PORT}/{PG_DATABASE}"
KEYCLOAK_PORT = 8180
KEYCLOAK_MANAGEMENT_PORT = 9180  # /health/ready and /metrics (Keycloak's management interface)
KEYCLOAK_ISSUER = f"http://127.0.0.1:{KEYCLOAK_PORT}/realms/pasc"
INFRA_TIMEOUT = 90.0
KEYCLOAK_TIMEOUT = 240.0  # a realm import on a busy 2-core machine took over 90 s
SERVICE_TIMEOUT = 120.0

SERVICES = {  # supervisord program -> (python module, HTTP port)
    "integration-gateway": ("integration_gateway", 8080),
    "task-service": ("task_service", 8081),
    "catalog-service": ("catalog_service", 8082),
    "reporting-service": ("reporting_service", 8083),
}

# Each service runs as a PostgreSQL role of its own (pasc_<schema>: it reads and writes its
# schema's tables, owns nothing); `pasc`, the local superuser that owns the schemas, migrates.
SERVICE_SCHEMAS = {
    "integration-gateway": "gateway",
    "task-service": "task",
    "catalog-service": "catalog",
    "reporting-service": "reporting",
}

KAFKA_SETTINGS = {
    "process.roles": "broker,controller",
    "node.id": "1",
    # With `format --standalone` the quorum is dynamic (KIP-853): bootstrap servers, not voters.
    "controller.quorum.bootstrap.servers": f"127.0.0.1:{KAFKA_PORTS[1]}",
    "listeners": f"PLAINTEXT://127.0.0.1:{KAFKA_PORTS[0]},CONTROLLER://127.0.0.1:{KAFKA_PORTS[1]}",
    "advertised.listeners": (
        f"PLAINTEXT://127.0.0.1:{KAFKA_PORTS[0]},CONTROLLER://127.0.0.1:{KAFKA_PORTS[1]}"
    ),
    "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    "controller.listener.names": "CONTROLLER",
    "inter.broker.listener.name": "PLAINTEXT",
    "log.dirs": str(KAFKA_DATA),
    "num.partitions": "3",
    "default.replication.factor": "1",
    "min.insync.replicas": "1",
    "offsets.topic.replication.factor": "1",
    "transaction.state.log.replication.factor": "1",
    "transaction.state.log.min.isr": "1",
    "share.coordinator.state.topic.replication.factor": "1",
    "share.coordinator.state.topic.min.isr": "1",
    "auto.create.topics.enable": "false",
    "group.initial.rebalance.delay.ms": "0",
}
DEFAULT_KAFKA_HEAP = "-Xms256m -Xmx512m"
KAFKA_JVM_OPTS = [
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:InitiatingHeapOccupancyPercent=35",
    "-XX:+ExplicitGCInvokesConcurrent",
    "-XX:+ExitOnOutOfMemoryError",  # supervisord restarts it; better than a half-dead broker
    "-Djava.awt.headless=true",
    f"-Dlog4j2.configurationFile={LOG4J_CONFIG}",
]

POSTGRES_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "port": str(PG_PORT),
    "unix_socket_directories": str(PG_SOCKET_DIR),
    "shared_buffers": "256MB",
    "max_connections": "200",
    "fsync": "on",
    "synchronous_commit": "on",
    "logging_collector": "off",  # stderr -> supervisord -> .pasc/logs/postgres.log
    "log_line_prefix": "%m [%p] %q%u@%d ",
}
PG_HBA = """\
# Written by deploy/local/stack.py at initdb. TCP only on 127.0.0.1 with a password; the unix
# socket lives in a directory only the server's account (and root) can enter.
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  trust
host    all       all   127.0.0.1/32   scram-sha-256
"""


# Build options are baked into the distribution by `kc.sh build` (a changed list rebuilds it).
# dev-file keeps Keycloak's own data in an H2 file under the distribution: enough for one
# developer's machine; a deployment uses --db=postgres.
# --cache=local: one node, no JGroups cluster listening on every interface.
KEYCLOAK_BUILD_OPTIONS = [
    "--db=dev-file",
    "--cache=local",
    "--health-enabled=true",
    "--metrics-enabled=true",
]
KEYCLOAK_START_OPTIONS = [
    "--optimized",
    "--cache=local",  # also at start: Keycloak 26.5 reads it at run time too
    "--http-enabled=true",
    "--http-host=127.0.0.1",
    f"--http-port={KEYCLOAK_PORT}",
    f"--http-management-port={KEYCLOAK_MANAGEMENT_PORT}",
    f"--hostname=http://127.0.0.1:{KEYCLOAK_PORT}",  # the issuer the services expect
    "--import-realm",  # data/import/*.json, skipped when the realm already exists
]
DEFAULT_KEYCLOAK_HEAP = "-Xms64m -Xmx384m"
# The master realm's first administrator on a fresh database (loopback only, local stack).
KEYCLOAK_ADMIN = KEYCLOAK_ADMIN_PASSWORD = "admin"  # noqa: S105 (a local dev identity provider)


class StackError(Exception):
    """A failure whose message is meant for the user."""


def say(message: str) -> None:
    print(f"[stack] {message}", flush=True)


def log_tail(program: str, lines: int = 40) -> str:
    path = LOGS / f"{program}.log"
    if not path.exists():
        return f"(no log at {path})"
    with path.open("rb") as f:
        f.seek(max(0, path.stat().st_size - 64 * 1024))
        tail = f.read().decode(errors="replace").splitlines()[-lines:]
    return f"--- last {len(tail)} lines of {path} ---\n" + "\n".join(tail)


def run(cmd: list[str], what: str, **kwargs: object) -> str:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload]
    except FileNotFoundError as exc:
        raise StackError(f"{what}: {cmd[0]} not found") from exc
    if proc.returncode != 0:
        raise StackError(f"{what} failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return str(proc.stdout) + str(proc.stderr)


def which(tool: str, hint: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise StackError(f"`{tool}` not found on PATH; {hint}")
    return path


# --- which infra is local ------------------------------------------------------------------


def _local_kafka(value: str) -> bool:
    return value.strip() in {LOCAL_BOOTSTRAP, f"localhost:{KAFKA_PORTS[0]}"}


def _local_database(value: str) -> bool:
    url = urlsplit(value)
    return url.hostname in {"127.0.0.1", "localhost"} and url.port == PG_PORT


def external_infra() -> dict[str, str]:
    """kafka/postgres the environment points elsewhere (the output of `env` counts as local)."""
    found = {}
    kafka = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if kafka and not _local_kafka(kafka):
        found["kafka"] = f"KAFKA_BOOTSTRAP_SERVERS={kafka}"
    database = os.environ.get("DATABASE_URL")
    if database and not _local_database(database):
        found["postgres"] = f"DATABASE_URL={_without_password(database)}"
    issuer = os.environ.get("OIDC_ISSUER")
    if issuer and issuer.rstrip("/") != KEYCLOAK_ISSUER:
        found["keycloak"] = f"OIDC_ISSUER={issuer}"
    return found


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1)).geturl()


def local_infra() -> list[str]:
    return [name for name in ("postgres", "kafka", "keycloak") if name not in external_infra()]


def service_endpoints() -> dict[str, str]:
    return {
        "KAFKA_BOOTSTRAP_SERVERS": os.environ.get("KAFKA_BOOTSTRAP_SERVERS") or LOCAL_BOOTSTRAP,
        "DATABASE_URL": os.environ.get("DATABASE_URL") or LOCAL_DATABASE_URL,
        "OIDC_ISSUER": os.environ.get("OIDC_ISSUER") or KEYCLOAK_ISSUER,
    }


def service_role(program: str) -> str:
    return f"pasc_{SERVICE_SCHEMAS[program]}"


def service_database_env(program: str) -> dict[str, str]:
    """The service's own role (password = its name: a local dev database on 127.0.0.1 only),
    migrating as `pasc`. A DATABASE_URL from the environment is used as given, for everything."""
    if os.environ.get("DATABASE_URL"):
        return {"DATABASE_URL": os.environ["DATABASE_URL"]}
    role = service_role(program)
    return {
        "DATABASE_URL": f"postgresql://{role}:{role}@127.0.0.1:{PG_PORT}/{PG_DATABASE}",
        "DATABASE_OWNER_URL": LOCAL_DATABASE_URL,
    }


def ensure_service_roles() -> None:
    """Create (or reset the password of) each service's login role; their grants on the tables
    come from the services' migrations (pasc_runtime.db.grant_service_role)."""
    statements = []
    for program in SERVICE_SCHEMAS:
        role = service_role(program)  # from the constant SERVICE_SCHEMAS, not from input
        statements.append(
            f"SELECT 'CREATE ROLE {role} LOGIN' WHERE NOT EXISTS"  # noqa: S608
            f" (SELECT FROM pg_roles WHERE rolname = '{role}') \\gexec\n"
            f"ALTER ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{role}';\n"
        )
    psql = [str(pg_bin_dir() / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1"]
    psql += ["-h", "127.0.0.1", "-p", str(PG_PORT), "-U", PG_USER, "-d", PG_DATABASE]
    env = {**os.environ, "PGPASSWORD": PG_PASSWORD}
    run(psql, "creating the services' database roles", input="".join(statements), env=env)


def prepare_dirs() -> None:
    for path in (STATE, LOGS, KAFKA_HOME, KEYCLOAK_HOME, RUN, PG_DATA.parent):
        path.mkdir(parents=True, exist_ok=True)
    # The postgres account must be able to walk into .pasc/pg and .pasc/run.
    for path in (STATE, RUN, PG_DATA.parent):
        path.chmod(0o755)


def write_if_changed(path: Path, text: str) -> bool:
    if path.exists() and path.read_text() == text:
        return False
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)
    return True


# --- Kafka ---------------------------------------------------------------------------------


def java() -> str:
    return which("java", "install a JDK 17+ (apt-get install openjdk-17-jdk-headless)")


def ensure_kafka_jars() -> None:
    """Resolve the broker's jars with Maven, only when the pom changed since the last time."""
    want = hashlib.sha256(POM.read_bytes()).hexdigest()
    if KAFKA_LIB.is_dir() and JARS_STAMP.exists() and JARS_STAMP.read_text().strip() == want:
        return
    mvn = which("mvn", "install Maven (apt-get install maven)")
    say("kafka: resolving the broker jars with Maven (only when deploy/kafka/pom.xml changes)...")
    started = time.monotonic()
    staging = KAFKA_HOME / "lib.partial"
    shutil.rmtree(staging, ignore_errors=True)
    goal = ["dependency:copy-dependencies", f"-DoutputDirectory={staging}"]
    run([mvn, "-q", "-B", "-f", str(POM), *goal], "mvn dependency:copy-dependencies")
    shutil.rmtree(KAFKA_LIB, ignore_errors=True)
    staging.rename(KAFKA_LIB)
    JARS_STAMP.write_text(want + "\n")
    jars = len(list(KAFKA_LIB.glob("*.jar")))
    say(f"kafka: {jars} jars in {KAFKA_LIB} ({time.monotonic() - started:.1f}s)")


def write_kafka_properties() -> None:
    lines = ["# Generated by deploy/local/stack.py; edits are overwritten."]
    lines += [f"{key}={value}" for key, value in KAFKA_SETTINGS.items()]
    write_if_changed(KAFKA_PROPERTIES, "\n".join(lines) + "\n")


def new_cluster_id() -> str:
    # The format of `kafka-storage random-uuid` (Uuid.randomUuid), without starting a JVM:
    # URL-safe base64 of 16 random bytes, never starting with '-' (it would look like a flag).
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def ensure_kafka_storage() -> None:
    if (KAFKA_DATA / "meta.properties").exists():
        return
    if not CLUSTER_ID_FILE.exists():
        CLUSTER_ID_FILE.write_text(new_cluster_id() + "\n")
    cluster_id = CLUSTER_ID_FILE.read_text().strip()
    say(f"kafka: formatting storage in {KAFKA_DATA} (cluster id {cluster_id})...")
    KAFKA_DATA.mkdir(parents=True, exist_ok=True)
    tool = [java(), f"-Dlog4j2.configurationFile={LOG4J_CONFIG}", "-cp", f"{KAFKA_LIB}/*"]
    args = ["format", "-t", cluster_id, "-c", str(KAFKA_PROPERTIES), "--standalone"]
    run([*tool, "kafka.tools.StorageTool", *args], "kafka-storage format")


def kafka_command() -> list[str]:
    heap = os.environ.get("KAFKA_HEAP_OPTS", DEFAULT_KAFKA_HEAP).split()
    classpath = ["-cp", f"{KAFKA_LIB}/*"]
    return [java(), *heap, *KAFKA_JVM_OPTS, *classpath, "kafka.Kafka", str(KAFKA_PROPERTIES)]


def kafka_config_digest() -> str:
    """Changes whenever the broker's files change, so supervisord sees a changed program."""
    digest = hashlib.sha256()
    for path in (KAFKA_PROPERTIES, LOG4J_CONFIG, JARS_STAMP):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# --- Keycloak ------------------------------------------------------------------------------


def _keycloak_dist_digest() -> str:
    digest = hashlib.sha256(KEYCLOAK_POM.read_bytes())
    digest.update(" ".join(KEYCLOAK_BUILD_OPTIONS).encode())
    return digest.hexdigest()


def keycloak_dist_outdated() -> bool:
    if not (KEYCLOAK_DIST.is_dir() and KEYCLOAK_DIST_STAMP.exists()):
        return True
    return KEYCLOAK_DIST_STAMP.read_text().strip() != _keycloak_dist_digest()


def ensure_keycloak_dist() -> None:
    """Unpack keycloak-quarkus-dist with Maven and run `kc.sh build`, only when the pom or the
    build options changed since the last time (a build takes about 20 s)."""
    if not keycloak_dist_outdated():
        return
    want = _keycloak_dist_digest()
    mvn = which("mvn", "install Maven (apt-get install maven)")
    java()  # kc.sh needs it; say so before Maven spends time
    say("keycloak: fetching the distribution with Maven (only when deploy/keycloak changes)...")
    started = time.monotonic()
    staging = KEYCLOAK_HOME / "dist.partial"
    shutil.rmtree(staging, ignore_errors=True)
    goal = [
        "dependency:unpack",
        f"-DoutputDirectory={staging}",
        f"-Dkeycloak.work={KEYCLOAK_HOME / 'maven'}",  # Maven's markers: not target/ in the repo
    ]
    run([mvn, "-q", "-B", "-f", str(KEYCLOAK_POM), *goal], "mvn dependency:unpack (keycloak)")
    shutil.rmtree(KEYCLOAK_HOME / "maven", ignore_errors=True)
    unpacked = [p for p in staging.iterdir() if p.is_dir() and p.name.startswith("keycloak-")]
    if len(unpacked) != 1:
        raise StackError(f"keycloak: expected one keycloak-* directory in {staging}")
    say("keycloak: kc.sh build (once per distribution)...")
    run([str(unpacked[0] / "bin" / "kc.sh"), "build", *KEYCLOAK_BUILD_OPTIONS], "kc.sh build")
    previous_data = KEYCLOAK_DIST / "data" / "h2"
    if previous_data.is_dir():  # keep the realm's state across a version change
        shutil.copytree(previous_data, unpacked[0] / "data" / "h2")
    shutil.rmtree(KEYCLOAK_DIST, ignore_errors=True)
    unpacked[0].rename(KEYCLOAK_DIST)
    shutil.rmtree(staging, ignore_errors=True)
    KEYCLOAK_DIST_STAMP.write_text(want + "\n")
    say(f"keycloak: ready in {KEYCLOAK_DIST} ({time.monotonic() - started:.1f}s)")


def keycloak_realm_changed() -> bool:
    want = hashlib.sha256(KEYCLOAK_REALM.read_bytes()).hexdigest()
    return not KEYCLOAK_REALM_STAMP.exists() or KEYCLOAK_REALM_STAMP.read_text().strip() != want


def ensure_keycloak_realm() -> None:
    """Put deploy/keycloak/realm-pasc.json where --import-realm reads it. Keycloak imports a
    realm only when it does not exist yet, so a changed realm file drops the local database:
    the file is the truth for the local stack (users or clients added by hand are lost)."""
    want = hashlib.sha256(KEYCLOAK_REALM.read_bytes()).hexdigest()
    imports = KEYCLOAK_DIST / "data" / "import"
    imports.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(KEYCLOAK_REALM, imports / KEYCLOAK_REALM.name)
    if KEYCLOAK_REALM_STAMP.exists() and KEYCLOAK_REALM_STAMP.read_text().strip() == want:
        return
    database = KEYCLOAK_DIST / "data" / "h2"
    if database.exists():
        say("keycloak: the realm file changed; its local database is rebuilt from it")
        shutil.rmtree(database)
    KEYCLOAK_REALM_STAMP.write_text(want + "\n")


def keycloak_command() -> list[str]:
    return [str(KEYCLOAK_DIST / "bin" / "kc.sh"), "start", *KEYCLOAK_START_OPTIONS]


def keycloak_config_digest() -> str:
    """Changes whenever the distribution or the realm changes, so supervisord restarts it."""
    digest = hashlib.sha256()
    for path in (KEYCLOAK_DIST_STAMP, KEYCLOAK_REALM_STAMP):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# --- PostgreSQL ----------------------------------------------------------------------------


def _pg_version(bin_dir: Path) -> int:
    name = bin_dir.parent.name
    return int(name) if name.isdigit() else 0


@functools.cache
def pg_bin_dir() -> Path:
    found = sorted(
        (p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/postgres")), key=_pg_version
    )
    if not found:
        install_postgres()
        return pg_bin_dir.__wrapped__()
    version_file = PG_DATA / "PG_VERSION"
    if version_file.exists():  # a cluster only runs with the major version that created it
        version = version_file.read_text().strip()
        for bin_dir in found:
            if bin_dir.parent.name == version:
                return bin_dir
        raise StackError(
            f"{PG_DATA} was made by PostgreSQL {version}, which is not installed; "
            "install it or `reset` the stack"
        )
    return found[-1]


def install_postgres() -> None:
    if os.geteuid() != 0:
        raise StackError(
            "no PostgreSQL server in /usr/lib/postgresql/*/bin; "
            "install Debian's `postgresql` package"
        )
    say("postgres: no server binaries; installing Debian's postgresql package...")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(["apt-get", "update"], "apt-get update", env=env)
    run(["apt-get", "install", "-y", "postgresql"], "apt-get install postgresql", env=env)
    if not list(Path("/usr/lib/postgresql").glob("*/bin/postgres")):
        raise StackError("apt-get installed postgresql but no server binaries appeared")


@functools.cache
def pg_account() -> pwd.struct_passwd | None:
    """The account the server runs as: `postgres` when we are root (it refuses root), else us."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        raise StackError(
            "running as root but there is no `postgres` system user to run the "
            "server as (Debian's postgresql package creates it)"
        ) from None


def _as_pg() -> dict[str, object]:
    account = pg_account()
    if account is None:
        return {}
    env = {**os.environ, "HOME": account.pw_dir, "USER": account.pw_name}
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": [], "env": env}


def _give_to_pg(path: Path, mode: int) -> None:
    account = pg_account()
    if account is not None:
        os.chown(path, account.pw_uid, account.pw_gid)
    path.chmod(mode)


def prepare_pg_socket_dir() -> None:
    PG_SOCKET_DIR.mkdir(parents=True, exist_ok=True)
    _give_to_pg(PG_SOCKET_DIR, 0o700)


def ensure_postgres_cluster() -> None:
    """initdb once: superuser `pasc` (password `pasc`) owning database `pasc`."""
    bin_dir = pg_bin_dir()
    prepare_pg_socket_dir()
    if (PG_DATA / "PG_VERSION").exists():
        return
    say(f"postgres: initdb in {PG_DATA} (first run only)...")
    staging = PG_DATA.with_name("data.partial")  # renamed into place only once complete
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    _give_to_pg(staging, 0o700)
    as_pg = {**_as_pg(), "cwd": str(staging)}
    initdb = [str(bin_dir / "initdb"), "-D", str(staging), "-U", PG_USER, "--encoding=UTF8"]
    initdb += ["--locale=C.UTF-8", "--auth-local=trust", "--auth-host=scram-sha-256"]
    try:
        run([*initdb, "--no-instructions"], "initdb", **as_pg)
    except StackError as exc:
        if "ermission denied" not in str(exc):
            raise
        raise StackError(
            f"{exc}\nThe postgres account must be able to enter every directory "
            f"above {STATE} (chmod o+x)."
        ) from None
    (staging / "pg_hba.conf").write_text(PG_HBA)
    # Single-user mode sets the password and creates the database without opening a port.
    sql = f"ALTER ROLE {PG_USER} PASSWORD '{PG_PASSWORD}';\nCREATE DATABASE {PG_DATABASE};\n"
    output = run(
        [str(bin_dir / "postgres"), "--single", "-D", str(staging), "postgres"],
        "postgres --single",
        input=sql,
        **as_pg,
    )
    if "ERROR" in output:
        raise StackError(f"setting up role and database failed:\n{output}")
    staging.rename(PG_DATA)


def postgres_command() -> list[str]:
    settings = [arg for key, value in POSTGRES_SETTINGS.items() for arg in ("-c", f"{key}={value}")]
    return [str(pg_bin_dir() / "postgres"), "-D", str(PG_DATA), *settings]


# --- supervisord.conf ----------------------------------------------------------------------


def _ini(value: object) -> str:
    return str(value).replace("%", "%%")  # supervisord expands %(name)s in values


def _ini_environment(env: dict[str, str]) -> str:
    # supervisord splits KEY="value",... with a non-POSIX shlex: no escapes inside quotes.
    for key, value in env.items():
        if '"' in value or "\n" in value:
            raise StackError(f"{key} has a double quote or newline; supervisord cannot pass it")
    return _ini(",".join(f'{key}="{value}"' for key, value in env.items()))


def _program(name: str, command: list[str], **settings: object) -> str:
    if any("\n" in arg for arg in command):
        raise StackError(f"{name}: a command line for supervisord cannot contain a newline")
    options: dict[str, object] = {
        "command": _ini(shlex.join(command)),
        "autostart": "false",  # stack.py starts exactly what a command asks for
        "autorestart": "true",
        "startretries": 3,
        "stopsignal": "TERM",
        "redirect_stderr": "true",
        "stdout_logfile": _ini(LOGS / f"{name}.log"),
        "stdout_logfile_maxbytes": "20MB",
        "stdout_logfile_backups": 3,
    }
    options.update(settings)
    return f"[program:{name}]\n" + "".join(f"{k} = {v}\n" for k, v in options.items())


def _kafka_program() -> str:
    return _program(
        "kafka",
        kafka_command(),
        directory=_ini(KAFKA_HOME),
        priority=20,
        startsecs=10,  # a broker that dies while starting counts as a failed start (startretries)
        stopwaitsecs=30,  # a clean shutdown, so the logs need no recovery
        environment=_ini_environment({"PASC_KAFKA_CONFIG_DIGEST": kafka_config_digest()}),
    )


def _postgres_program() -> str:
    account = pg_account()
    extra = {"user": account.pw_name} if account is not None else {}
    return _program(
        "postgres",
        postgres_command(),
        directory=_ini(PG_DATA.parent),
        priority=10,
        startsecs=3,
        stopsignal="INT",  # fast shutdown: TERM would wait for every client to disconnect
        stopwaitsecs=30,
        **extra,
    )


def _keycloak_program() -> str:
    env = {
        "JAVA_OPTS_KC_HEAP": os.environ.get("KEYCLOAK_HEAP_OPTS", DEFAULT_KEYCLOAK_HEAP),
        "KC_BOOTSTRAP_ADMIN_USERNAME": KEYCLOAK_ADMIN,
        "KC_BOOTSTRAP_ADMIN_PASSWORD": KEYCLOAK_ADMIN_PASSWORD,
        "PASC_KEYCLOAK_CONFIG_DIGEST": keycloak_config_digest(),
    }
    return _program(
        "keycloak",
        keycloak_command(),
        directory=_ini(KEYCLOAK_DIST),
        priority=30,
        startsecs=10,
        stopwaitsecs=30,
        environment=_ini_environment(env),
    )


def _service_program(name: str, module: str, port: int) -> str:
    env = {
        **service_endpoints(),
        **service_database_env(name),
        "HTTP_PORT": str(port),
        "PYTHONUNBUFFERED": "1",
    }
    # Rate limits given to `up` reach the services (and a change restarts them).
    env |= {k: v for k, v in os.environ.items() if k.startswith("RATE_LIMIT_")}
    return _program(
        name,
        [sys.executable, "-m", module],
        directory=_ini(REPO),
        priority=100,
        startsecs=5,
        stopwaitsecs=20,
        stopasgroup="true",
        killasgroup="true",
        environment=_ini_environment(env),
    )


def render_supervisord_conf() -> str:
    sections = [
        "; Generated by deploy/local/stack.py; edits are overwritten.\n",
        f"[unix_http_server]\nfile = {_ini(SUPERVISOR_SOCK)}\nchmod = 0700\n",
        "[supervisord]\n"
        f"logfile = {_ini(LOGS / 'supervisord.log')}\n"
        "logfile_maxbytes = 20MB\nlogfile_backups = 3\n"
        f"pidfile = {_ini(RUN / 'supervisord.pid')}\n"
        f"childlogdir = {_ini(LOGS)}\n"
        f"directory = {_ini(REPO)}\n"
        "identifier = pasc-stack\n",
        "[rpcinterface:supervisor]\n"
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n",
        f"[supervisorctl]\nserverurl = unix://{_ini(SUPERVISOR_SOCK)}\n",
    ]
    local = local_infra()
    if "postgres" in local:
        sections.append(_postgres_program())
    if "kafka" in local:
        sections.append(_kafka_program())
    if "keycloak" in local:
        sections.append(_keycloak_program())
    sections += [_service_program(name, mod, port) for name, (mod, port) in SERVICES.items()]
    return "\n".join(sections)


def write_supervisord_conf() -> None:
    write_if_changed(SUPERVISOR_CONF, render_supervisord_conf())


def reset_paths() -> list[Path]:
    return [
        KAFKA_DATA,
        CLUSTER_ID_FILE,
        PG_DATA,
        PG_DATA.with_name("data.partial"),
        KEYCLOAK_DIST / "data" / "h2",
        KEYCLOAK_REALM_STAMP,
    ]
