"""deploy/ stays true to the code: variables are settings, ports and grace periods agree
with Settings, and the image runs the worker's entry point.

The linters and schema checks (hadolint, the compose specification, the Kubernetes
schemas) run in ``make deploy-check``; these tests check what no schema knows.
"""

from __future__ import annotations

import json
import re
import secrets
import tomllib
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel, SecretStr
from support import ROOT

from config import Settings, load_settings
from config._standard_env import SECRETS_DIR_VARIABLE, STANDARD_NAMES
from config.tenants import load_tenants_file

pytestmark = pytest.mark.unit

DEPLOY = ROOT / "deploy"
DOCKERFILE = DEPLOY / "docker" / "Dockerfile"
COMPOSE = DEPLOY / "compose" / "compose.yaml"
WORKER_COMMAND = ["python", "-m", "worker", "start"]
# Process and build variables that are not settings, each for a reason:
# PATH finds the venv; PYTHON* make logs unbuffered and skip .pyc writes on a read-only image.
# NUM_CPUS is the framework's CPU count on cgroup v1 nodes (livekit/agents/utils/hw/cpu.py).
RUNTIME_VARIABLES = {"PATH", "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE", "NUM_CPUS"}
GRACE_MARGIN_S = 30


# --- what Settings accepts ---


def _models(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    elif isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        for arg in typing.get_args(annotation):
            yield from _models(arg)


def settings_variables() -> set[str]:
    """Every variable name Settings reads: CALLCENTER_ + fields joined by __, the
    plugins' standard names, and the secrets-directory variable."""
    names = {*STANDARD_NAMES, SECRETS_DIR_VARIABLE}

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, field in model.model_fields.items():
            variable = f"{prefix}{name.upper()}"
            names.add(variable)
            for sub in _models(field.annotation):
                walk(sub, f"{variable}__")

    walk(Settings, "CALLCENTER_")
    return names


def dispatch_password_variables() -> set[str]:
    """Variables the dispatch file names for SIP passwords: read by `python -m dispatch`."""
    spec = yaml.safe_load((DEPLOY / "dispatch.example.yaml").read_text())
    trunks = [*spec.get("inbound_trunks", []), *spec.get("outbound_trunks", [])]
    return {trunk["auth_password_env"] for trunk in trunks if trunk.get("auth_password_env")}


# --- what the deploy files set ---


def k8s_documents() -> list[dict[str, Any]]:
    return [
        doc
        for path in sorted((DEPLOY / "k8s").glob("*.yaml"))
        for doc in yaml.safe_load_all(path.read_text())
        if doc
    ]


def k8s_object(kind: str, name: str) -> dict[str, Any]:
    for doc in k8s_documents():
        if doc["kind"] == kind and doc["metadata"]["name"] == name:
            return doc
    raise AssertionError(f"no {kind} {name} under deploy/k8s")


def k8s_containers() -> Iterator[dict[str, Any]]:
    for doc in k8s_documents():
        spec = doc.get("spec", {})
        pod = spec.get("template", {}).get("spec", {})
        yield from pod.get("containers", [])


def k8s_settings_env() -> dict[str, str]:
    """The settings ConfigMap and every Secret: the environment of all pods together."""
    env = dict(k8s_object("ConfigMap", "callcenter-settings")["data"])
    for doc in k8s_documents():
        if doc["kind"] == "Secret":
            env.update(doc["stringData"])
    return env


def compose_services() -> dict[str, dict[str, Any]]:
    services: dict[str, dict[str, Any]] = yaml.safe_load(COMPOSE.read_text())["services"]
    return services


def our_compose_services() -> dict[str, dict[str, Any]]:
    """The services running our image (built from deploy/docker/Dockerfile)."""
    return {
        name: service
        for name, service in compose_services().items()
        if service.get("build", {}).get("dockerfile") == "deploy/docker/Dockerfile"
    }


def env_file(path: Path) -> dict[str, str]:
    pairs = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def dockerfile_instructions(stage: int = -1) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of one build stage, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    stages: list[list[tuple[str, str]]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        instruction, _, args = line.strip().partition(" ")
        if instruction.upper() == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((instruction.upper(), args.strip()))
    return stages[stage]


def dockerfile_env() -> dict[str, str]:
    env = {}
    for instruction, args in dockerfile_instructions():
        if instruction == "ENV":
            for pair in re.findall(r"(\w+)=(\S+)", args):
                env[pair[0]] = pair[1]
    return env


def effective(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name, value in env.items():
        # A `<placeholder>` is filled the way an operator must fill it: left as it is, it
        # fails at start (the bearer secret's strength check).
        if re.fullmatch(r"<[^>]+>", value):
            value = secrets.token_urlsafe(32)
        monkeypatch.setenv(name, value)
    return load_settings(_env_file=None)


# --- tests ---


def test_every_variable_the_deploy_files_set_is_a_setting() -> None:
    known = settings_variables() | dispatch_password_variables()
    sources: dict[str, set[str]] = {
        "k8s settings ConfigMap and Secret": set(k8s_settings_env()),
        "k8s container env": {e["name"] for c in k8s_containers() for e in c.get("env", [])}
        - RUNTIME_VARIABLES,
        "compose env.example": set(env_file(DEPLOY / "compose" / "env.example")),
        "livekit-cloud secrets.env.example": set(
            env_file(DEPLOY / "livekit-cloud" / "secrets.env.example")
        ),
        "Dockerfile runtime ENV": set(dockerfile_env()) - RUNTIME_VARIABLES,
    }
    for name, service in our_compose_services().items():
        sources[f"compose service {name}"] = set(service.get("environment", {}))
    unknown = {where: sorted(names - known) for where, names in sources.items() if names - known}
    assert not unknown, f"not a setting (renamed field?): {unknown}"
    # The checks above must have looked at something, and can tell a setting from a typo.
    assert sources["k8s settings ConfigMap and Secret"] and sources["compose service worker"]
    assert "CALLCENTER_COMPLIANCE__REDACTION" in known
    assert "CALLCENTER_WORKER__DRAIN_TIMEOUTS" not in known


def test_deploy_values_pass_settings_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    k8s = effective(k8s_settings_env(), monkeypatch)
    assert k8s.livekit.url.startswith("wss://")
    assert k8s.tokens.trusted_proxies == 1
    for name, service in our_compose_services().items():
        env = {**env_file(DEPLOY / "compose" / "env.example"), **service["environment"]}
        effective(env, monkeypatch)  # raises SettingsError naming the field
        for variable in env:
            monkeypatch.delenv(variable, raising=False)
        assert name in {"worker", "tokens"}


def test_k8s_ports_probes_and_scrape_match_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = effective(k8s_settings_env(), monkeypatch)
    worker = k8s_object("Deployment", "callcenter-worker")
    pod = worker["spec"]["template"]
    (container,) = pod["spec"]["containers"]
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    assert ports == {
        "health": settings.worker.health_port,
        "ready": settings.worker.readiness_port,
        "metrics": settings.observability.metrics_port,
    }
    annotations = pod["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == str(settings.observability.metrics_port)
    assert annotations["prometheus.io/path"] == "/metrics"
    # Liveness is the framework's health route, GET / (livekit/agents/worker.py,
    # health_check); readiness is ours, GET /ready: registered with LiveKit.
    for probe in ("startupProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/", "port": "health"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/ready", "port": "ready"}

    tokens = k8s_object("Deployment", "callcenter-tokens")
    (tokens_container,) = tokens["spec"]["template"]["spec"]["containers"]
    assert tokens_container["ports"] == [{"name": "http", "containerPort": settings.tokens.port}]
    assert tokens_container["readinessProbe"]["httpGet"]["path"] == "/healthz"


def test_compose_ports_match_settings_and_do_not_collide(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    services = our_compose_services()
    worker = effective(services["worker"]["environment"], monkeypatch)
    check = " ".join(services["worker"]["healthcheck"]["test"])
    assert f":{worker.worker.readiness_port}/ready'" in check
    tokens = effective(services["tokens"]["environment"], monkeypatch)
    assert f":{tokens.tokens.port}/healthz'" in " ".join(services["tokens"]["healthcheck"]["test"])

    # Everything shares the host's network: no two listeners on one port.
    livekit = yaml.safe_load((DEPLOY / "compose" / "livekit.yaml").read_text())
    sip = yaml.safe_load((DEPLOY / "compose" / "sip.yaml").read_text())
    listeners = [
        livekit["port"],
        livekit["rtc"]["tcp_port"],
        sip["sip_port"],
        sip["health_port"],
        sip["prometheus_port"],
        int(livekit["redis"]["address"].rsplit(":", 1)[1]),
        worker.worker.health_port,
        worker.worker.readiness_port,
        worker.observability.metrics_port,
        tokens.tokens.port,
    ]
    assert len(listeners) == len(set(listeners)), listeners
    assert all(s.get("network_mode") == "host" for s in compose_services().values())


def test_dockerfile_exposes_the_settings_ports() -> None:
    defaults = Settings.model_construct()
    exposed = {
        int(port)
        for instruction, args in dockerfile_instructions()
        if instruction == "EXPOSE"
        for port in args.split()
    }
    assert exposed == {
        defaults.worker.health_port,
        defaults.worker.readiness_port,
        defaults.observability.metrics_port,
        defaults.tokens.port,
    }


def test_grace_period_outlasts_the_drain(monkeypatch: pytest.MonkeyPatch) -> None:
    k8s = effective(k8s_settings_env(), monkeypatch)
    worker = k8s_object("Deployment", "callcenter-worker")["spec"]["template"]["spec"]
    assert worker["terminationGracePeriodSeconds"] >= k8s.worker.drain_timeout + GRACE_MARGIN_S

    service = our_compose_services()["worker"]
    compose = effective(service["environment"], monkeypatch)
    grace = re.fullmatch(r"(\d+)s", service["stop_grace_period"])
    assert grace is not None
    assert int(grace.group(1)) >= compose.worker.drain_timeout + GRACE_MARGIN_S


def test_autoscaling_targets_below_the_load_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = effective(k8s_settings_env(), monkeypatch)
    hpa = k8s_object("HorizontalPodAutoscaler", "callcenter-worker")["spec"]
    assert hpa["scaleTargetRef"]["name"] == "callcenter-worker"
    (metric,) = hpa["metrics"]
    assert metric["resource"]["name"] == "cpu"
    assert metric["resource"]["target"]["averageUtilization"] < 100 * settings.worker.load_threshold
    scale_down = hpa["behavior"]["scaleDown"]
    assert scale_down["stabilizationWindowSeconds"] >= 300
    assert all(p["type"] == "Pods" and p["value"] == 1 for p in scale_down["policies"])

    (container,) = k8s_object("Deployment", "callcenter-worker")["spec"]["template"]["spec"][
        "containers"
    ]
    assert container["resources"]["requests"] == container["resources"]["limits"]
    pdb = k8s_object("PodDisruptionBudget", "callcenter-worker")["spec"]
    assert pdb["selector"] == k8s_object("Deployment", "callcenter-worker")["spec"]["selector"]


def test_the_image_runs_the_worker_entry_point() -> None:
    final = dockerfile_instructions()
    (cmd,) = [args for instruction, args in final if instruction == "CMD"]
    assert json.loads(cmd) == WORKER_COMMAND
    assert not [args for instruction, args in final if instruction == "ENTRYPOINT"]
    assert our_compose_services()["worker"]["command"] == WORKER_COMMAND
    # The k8s worker keeps the image's command; the other pods name theirs.
    worker = k8s_object("Deployment", "callcenter-worker")["spec"]["template"]["spec"]
    assert "command" not in worker["containers"][0]
    # `python -m worker start` is the framework's CLI on our server.
    main = (ROOT / "worker" / "__main__.py").read_text()
    assert "server = build_server(settings, tenants)" in main
    assert "cli.run_app(server)" in main
    assert "`python -m worker start`" in (DEPLOY / "README.md").read_text()


def test_the_image_builds_frozen_resolves_models_at_build_and_runs_unprivileged() -> None:
    build = " ".join(args for _, args in dockerfile_instructions(0))
    assert "uv sync --frozen" in build
    assert "python -m livekit.agents download-files" in build
    final = dockerfile_instructions()
    (user,) = [args for instruction, args in final if instruction == "USER"]
    assert user not in {"root", "0"}
    assert not any("uv sync" in args or "download" in args for _, args in final)
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".env", ".git", ".venv"} <= ignored
    wheel = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["hatch"]["build"]
    assert not set(wheel["targets"]["wheel"]["packages"]) & ignored


def test_livekit_toml_uses_livekit_clis_keys() -> None:
    # livekit-cli pkg/config/livekit.go: LiveKitTOML{Project{Subdomain}, Agent{ID}}.
    config = tomllib.loads((DEPLOY / "livekit-cloud" / "livekit.toml").read_text())
    assert set(config) == {"project", "agent"}
    assert set(config["project"]) == {"subdomain"}
    assert set(config["agent"]) == {"id"}


def test_media_server_configs_use_known_keys() -> None:
    # livekit/livekit pkg/config/config.go (Config, RTCConfig, RoomConfig, LoggingConfig) and
    # livekit/sip pkg/config/config.go (Config): the keys used here, as their yaml tags say.
    livekit = yaml.safe_load((DEPLOY / "compose" / "livekit.yaml").read_text())
    assert set(livekit) <= {"port", "redis", "rtc", "logging", "room", "keys", "turn"}
    assert set(livekit["rtc"]) <= {
        "port_range_start",
        "port_range_end",
        "tcp_port",
        "use_external_ip",
        "node_ip",
    }
    assert set(livekit["room"]) <= {"empty_timeout", "departure_timeout", "max_participants"}
    sip = yaml.safe_load((DEPLOY / "compose" / "sip.yaml").read_text())
    assert set(sip) <= {
        "ws_url",
        "redis",
        "sip_port",
        "rtp_port",
        "use_external_ip",
        "nat_1_to_1_ip",
        "health_port",
        "prometheus_port",
        "logging",
        "api_key",
        "api_secret",
    }
    assert sip["redis"] == livekit["redis"]
    assert sip["ws_url"] == f"ws://127.0.0.1:{livekit['port']}"


def test_cloud_readme_names_every_secret_setting() -> None:
    readme = (DEPLOY / "livekit-cloud" / "README.md").read_text()
    secrets = [
        f"`{group}.{name}`"
        for group, group_field in Settings.model_fields.items()
        for model in _models(group_field.annotation)
        for name, field in model.model_fields.items()
        if SecretStr in (field.annotation, *typing.get_args(field.annotation))
    ]
    assert secrets
    missing = [secret for secret in secrets if secret not in readme]
    assert not missing, f"deploy/livekit-cloud/README.md does not say where these go: {missing}"


def test_each_pod_gets_only_the_secrets_it_uses() -> None:
    def secrets_of(kind: str, name: str) -> set[str]:
        (container,) = k8s_object(kind, name)["spec"]["template"]["spec"]["containers"]
        return {ref["secretRef"]["name"] for ref in container["envFrom"] if "secretRef" in ref}

    assert secrets_of("Deployment", "callcenter-worker") == {
        "callcenter-livekit",
        "callcenter-providers",
    }
    assert secrets_of("Deployment", "callcenter-tokens") == {
        "callcenter-livekit",
        "callcenter-tokens",
    }
    assert secrets_of("Job", "callcenter-dispatch-sync") == {
        "callcenter-livekit",
        "callcenter-dispatch",
    }
    dispatch = k8s_object("Secret", "callcenter-dispatch")["stringData"]
    assert set(dispatch) == dispatch_password_variables()


def test_download_files_has_nothing_to_fetch_for_our_plugins() -> None:
    # What the image's `python -m livekit.agents download-files` step does: it imports every
    # livekit.plugins package and runs each registered plugin's download_files(). Ours all
    # keep the base no-op (Silero's ONNX ships in its wheel, the turn detector's weights in
    # livekit-local-inference), so no model lives outside the venv the runtime stage copies.
    import importlib
    import pkgutil

    import livekit.plugins
    from livekit.agents.plugin import Plugin

    for module in pkgutil.iter_modules(livekit.plugins.__path__, prefix="livekit.plugins."):
        importlib.import_module(module.name)
    downloading = [
        plugin.package
        for plugin in Plugin.registered_plugins
        if type(plugin).download_files is not Plugin.download_files
    ]
    assert Plugin.registered_plugins
    assert not downloading, (
        f"{downloading} download model files: copy their cache into the Dockerfile's "
        "runtime stage, which today takes only /app/.venv"
    )


def _pod(kind: str, name: str) -> dict[str, Any]:
    pod: dict[str, Any] = k8s_object(kind, name)["spec"]["template"]["spec"]
    return pod


def test_the_tenants_file_is_wired_wherever_tenants_are_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    example = DEPLOY / "tenants.example.yaml"
    tenants = load_tenants_file(example)
    # Every tenant the example dispatch rules name is in the example tenants file.
    rules = yaml.safe_load((DEPLOY / "dispatch.example.yaml").read_text())["dispatch_rules"]
    named = {
        agent["metadata"]["tenant"] for rule in rules for agent in rule["room_config"]["agents"]
    }
    assert named and named <= set(tenants.tenants)

    # Kubernetes: the setting points into the files ConfigMap, mounted where it is read.
    path = Path(effective(k8s_settings_env(), monkeypatch).tenants_file or "")
    assert path.name == "tenants.yaml"
    files = k8s_object("ConfigMap", "callcenter-files")["data"]
    assert files["tenants.yaml"] == example.read_text()
    for kind, name in (("Deployment", "callcenter-worker"), ("Deployment", "callcenter-tokens")):
        pod = _pod(kind, name)
        (container,) = pod["containers"]
        volumes = {v["name"]: v for v in pod["volumes"]}
        mounts = [
            m
            for m in container.get("volumeMounts", [])
            if volumes[m["name"]].get("configMap", {}).get("name") == "callcenter-files"
        ]
        assert [str(path.parent)] == [m["mountPath"] for m in mounts], name

    # Compose: both services set it and mount the directory.
    for name, service in our_compose_services().items():
        assert service["environment"]["CALLCENTER_TENANTS_FILE"] == str(path), name
        assert f"./callcenter:{path.parent}:ro" in service["volumes"], name

    # LiveKit Cloud: the image layer puts the file where the secrets file says.
    cloud = env_file(DEPLOY / "livekit-cloud" / "secrets.env.example")
    assert cloud["CALLCENTER_TENANTS_FILE"] == str(path)
    copy = (DEPLOY / "livekit-cloud" / "Dockerfile").read_text()
    assert f"COPY tenants.yaml {path}" in copy


def test_containers_with_a_read_only_root_mount_a_writable_tmp() -> None:
    # Every pod declares a read-only root; the worker (forkserver socket, metrics
    # directory, phrase cache) gets an emptyDir at /tmp, where those default.
    defaults = Settings.model_construct()
    for doc in k8s_documents():
        pod = doc.get("spec", {}).get("template", {}).get("spec")
        if not pod:
            continue
        (container,) = pod["containers"]
        assert container["securityContext"]["readOnlyRootFilesystem"] is True, doc["kind"]
    worker = _pod("Deployment", "callcenter-worker")
    (container,) = worker["containers"]
    empty = {v["name"] for v in worker["volumes"] if "emptyDir" in v}
    writable = [m["mountPath"] for m in container["volumeMounts"] if m["name"] in empty]
    assert writable == ["/tmp"]
    for path in (
        defaults.observability.metrics_multiproc_dir,
        defaults.latency.phrase_cache_dir,
    ):
        assert path is not None and path.is_relative_to("/tmp"), path
