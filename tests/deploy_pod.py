"""Run a command the way a deploy file runs it: its environment, its mounts, a read-only
root and the image's user.

`k8s_pod` and `compose_service` read a container from deploy/ into a `PodSpec`;
`sandbox_argv` turns one into an ``unshare -m`` command line (root, as CI runs) that
builds the container's filesystem view in a private mount namespace:

* every ``emptyDir`` mount is an empty tmpfs, every ``configMap`` mount a tmpfs holding
  that ConfigMap's files (mount points under /etc are made in an overlay, so the real
  /etc is never written);
* the root filesystem is remounted read-only when the container says
  ``readOnlyRootFilesystem``;
* the command runs as ``runAsUser`` (setpriv), with no capabilities, in ``/`` (the
  image's working directory holds no ``.env``), with the image's ``ENV`` and nothing of
  the test's environment.

The checkout's venv stands in for the image's: an interpreter under a private /root (a
pyenv install) is made reachable for that user by a read-only bind mount. The checkout
itself is the image's /app: when the image's user could not read it (a ``mktemp -d``
clone is 0700) or an ``emptyDir`` would hide it (a clone under /tmp), the container sees
it through a world-readable view of its entries at the same path, outside every
``emptyDir``, as /app is in the image.
"""

from __future__ import annotations

import json
import shlex
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from support import ROOT

__all__ = ["IMAGE_ENV", "PodSpec", "compose_service", "k8s_pod", "sandbox_argv"]

DEPLOY = ROOT / "deploy"
IMAGE_UID = 10001
# deploy/docker/Dockerfile's runtime ENV (PATH is the venv's, below).
IMAGE_ENV = {"PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1", "HOME": "/home/callcenter"}
# Secrets the manifests take from Secret objects: test values of the same names.
TEST_SECRETS = {
    "LIVEKIT_API_KEY": "smoke-key",
    "LIVEKIT_API_SECRET": "smoke-secret-" + "s" * 32,
    "DEEPGRAM_API_KEY": "dg-smoke",
    "OPENAI_API_KEY": "sk-smoke",
    "ELEVEN_API_KEY": "el-smoke",
    "CALLCENTER_TOKENS__BEARER_SECRET": "U_32y_bQ2RT2SFGWYUFPJn8hdPEibJZUubK6wLbDZbY",
    "MAIN_LINE_SIP_PASSWORD": "sip-smoke-password",
}


@dataclass
class PodSpec:
    """One container as its deploy file declares it."""

    name: str
    argv: list[str]
    env: dict[str, str]
    files: dict[str, dict[str, str]] = field(default_factory=dict)
    """Mount path -> file name -> content (ConfigMaps, bind-mounted config)."""
    empty_dirs: list[str] = field(default_factory=list)
    read_only_root: bool = False
    uid: int | None = None
    ports: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(self.__dict__)

    @classmethod
    def from_json(cls, text: str) -> PodSpec:
        return cls(**json.loads(text))


def _k8s_documents() -> list[dict[str, Any]]:
    return [
        doc
        for path in sorted((DEPLOY / "k8s").glob("*.yaml"))
        for doc in yaml.safe_load_all(path.read_text())
        if doc
    ]


def _k8s(kind: str, name: str) -> dict[str, Any]:
    for doc in _k8s_documents():
        if doc["kind"] == kind and doc["metadata"]["name"] == name:
            return doc
    raise KeyError(f"{kind} {name}")


def _image_cmd() -> list[str]:
    for line in (DEPLOY / "docker" / "Dockerfile").read_text().splitlines():
        if line.startswith("CMD "):
            cmd: list[str] = json.loads(line.removeprefix("CMD "))
            return cmd
    raise AssertionError("the Dockerfile has no CMD")


def k8s_pod(kind: str, name: str, *, files: dict[str, dict[str, str]] | None = None) -> PodSpec:
    """A Kubernetes workload's (only) container.

    Args:
        kind: ``Deployment`` or ``Job``.
        name: its metadata name.
        files: ConfigMap contents to use instead of the manifest's (the runbook builds the
            files ConfigMap from the operator's files), by ConfigMap name.
    """
    pod = _k8s(kind, name)["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            env.update(_k8s("ConfigMap", source["configMapRef"]["name"])["data"])
        else:
            secret = _k8s("Secret", source["secretRef"]["name"])["stringData"]
            env.update({key: TEST_SECRETS[key] for key in secret})
    for item in container.get("env", []):
        if "value" in item:
            env[item["name"]] = item["value"]
        elif item.get("valueFrom", {}).get("resourceFieldRef", {}).get("resource") == "limits.cpu":
            env[item["name"]] = str(container["resources"]["limits"]["cpu"])
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    mounted: dict[str, dict[str, str]] = {}
    empty: list[str] = []
    for mount in container.get("volumeMounts", []):
        volume = volumes[mount["name"]]
        if "emptyDir" in volume:
            empty.append(mount["mountPath"])
        elif "configMap" in volume:
            config = volume["configMap"]["name"]
            data = (files or {}).get(config) or _k8s("ConfigMap", config)["data"]
            mounted[mount["mountPath"]] = dict(data)
    security = {**pod.get("securityContext", {}), **container.get("securityContext", {})}
    return PodSpec(
        name=f"k8s {kind} {name}",
        argv=container.get("command") or _image_cmd(),
        env=env,
        files=mounted,
        empty_dirs=empty,
        read_only_root=bool(security.get("readOnlyRootFilesystem")),
        uid=security.get("runAsUser"),
        ports={p["name"]: p["containerPort"] for p in container.get("ports", [])},
    )


def _env_file(path: Path) -> dict[str, str]:
    pairs = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def compose_service(name: str, *, files: dict[str, str]) -> PodSpec:
    """A compose service of ours: ``.env`` from env.example (placeholders replaced by test
    secrets), its ``environment``, its bind mounts filled with ``files``."""
    service = yaml.safe_load((DEPLOY / "compose" / "compose.yaml").read_text())["services"][name]
    env = {
        key: TEST_SECRETS.get(key, value)
        for key, value in _env_file(DEPLOY / "compose" / "env.example").items()
    }
    env.update(service.get("environment", {}))
    mounted = {}
    for volume in service.get("volumes", []):
        _source, target, *_mode = volume.split(":")
        mounted[target] = dict(files)
    return PodSpec(
        name=f"compose {name}",
        argv=service["command"],
        env=env,
        files=mounted,
        # compose.yaml declares no read_only or user: the image's user, writable root.
        uid=IMAGE_UID,
    )


def _readable_by_others(path: Path) -> bool:
    """Whether a user other than the owner can list ``path`` and reach it from ``/``."""
    if not path.stat().st_mode & stat.S_IROTH:
        return False
    return all(p.stat().st_mode & stat.S_IXOTH for p in (path, *path.parents))


def _checkout_view(spec: PodSpec, scratch: Path, script: list[str], *, hidden: bool) -> Path | None:
    """Stage a world-readable view of the checkout in ``scratch`` when the container could
    not otherwise see it (``hidden`` under an emptyDir, or unreadable to its user), and
    return where; None when the checkout needs no view.

    The view is a 0755 tmpfs holding a bind mount of each of the checkout's entries, so
    its contents keep their own modes and the real checkout's mode is never changed.
    """
    if not hidden and (spec.uid is None or _readable_by_others(ROOT)):
        return None
    view = scratch / "checkout"
    view.mkdir(exist_ok=True)
    script.append(f"mount -t tmpfs -o mode=0755,size=1m tmpfs {view}")
    for entry in sorted(ROOT.iterdir()):
        source, target = shlex.quote(str(entry)), shlex.quote(str(view / entry.name))
        if entry.is_symlink():
            script.append(f"cp -P {source} {target}")
            continue
        script += [
            f"mkdir {target}" if entry.is_dir() else f"touch {target}",
            f"mount --rbind {source} {target}",
        ]
        if spec.read_only_root:
            # The image's /app is on its read-only root.
            script.append(f"mount -o remount,bind,ro {target}")
    return view


def sandbox_argv(spec: PodSpec, scratch: Path) -> list[str]:
    """``unshare -m`` running ``spec``'s command in its filesystem view (needs root)."""
    scratch.mkdir(parents=True, exist_ok=True)
    venv_bin = Path(sys.executable).parent
    env = {"PATH": f"{venv_bin}:/usr/bin:/bin", **IMAGE_ENV, **spec.env}
    script = ["set -e", "umask 022", "mount --make-rprivate /"]
    interpreter = Path(sys.base_prefix).resolve()
    if spec.uid is not None and interpreter.is_relative_to("/root"):
        # /root is private (0700): the image's user could not reach a pyenv interpreter.
        hidden = interpreter.relative_to("/root").parts[0]
        keep = scratch / "interpreter"
        keep.mkdir(exist_ok=True)
        script += [
            f"mount --bind /root/{shlex.quote(hidden)} {keep}",
            "mount -t tmpfs -o mode=0755,size=1m tmpfs /root",
            f"mkdir /root/{shlex.quote(hidden)}",
            f"mount --bind {keep} /root/{shlex.quote(hidden)}",
            "mount -o remount,bind,ro /root",
        ]
    overlays: set[str] = set()
    for index, (path, files) in enumerate(sorted(spec.files.items())):
        target = Path(path)
        staged = scratch / f"files-{index}"
        staged.mkdir(exist_ok=True)
        for file_name, content in files.items():
            (staged / file_name).write_text(content)
        parent = str(target.parent)
        if not target.exists() and parent not in overlays:
            # Mount points the image would have: made in an overlay, not the real tree.
            upper, work = scratch / f"upper-{index}", scratch / f"work-{index}"
            upper.mkdir(exist_ok=True)
            work.mkdir(exist_ok=True)
            script.append(
                f"mount -t overlay overlay -o lowerdir={parent},upperdir={upper},"
                f"workdir={work} {parent}"
            )
            overlays.add(parent)
        script += [
            f"mkdir -p {shlex.quote(path)}",
            f"mount -t tmpfs -o mode=0755,size=4m tmpfs {shlex.quote(path)}",
            f"cp -R {staged}/. {shlex.quote(path)}/",
            f"chmod -R a+rX {shlex.quote(path)}",
            f"mount -o remount,ro {shlex.quote(path)}",
        ]
    for parent in sorted(overlays):
        script.append(f"mount -o remount,ro {shlex.quote(parent)}")
    holder = next((path for path in spec.empty_dirs if ROOT.is_relative_to(path)), None)
    view = _checkout_view(spec, scratch, script, hidden=holder is not None)
    if view is not None and holder is None:
        # Before any emptyDir hides the staged view.
        script.append(f"mount --move {view} {shlex.quote(str(ROOT))}")
    for index, path in enumerate(spec.empty_dirs):
        if view is None or path != holder:
            script.append(f"mount -t tmpfs -o mode=1777,size=256m tmpfs {shlex.quote(path)}")
            continue
        # The checkout lives under this emptyDir: fill the tmpfs with the checkout's view
        # where it sits, then put the tmpfs in place.
        staged = scratch / f"empty-{index}"
        staged.mkdir(exist_ok=True)
        inside = staged / ROOT.relative_to(path)
        script += [
            f"mount -t tmpfs -o mode=1777,size=256m tmpfs {staged}",
            f"mkdir -p {shlex.quote(str(inside))}",
            f"mount --move {view} {shlex.quote(str(inside))}",
            f"mount --move {staged} {shlex.quote(path)}",
        ]
    if spec.read_only_root:
        script.append("mount -o remount,bind,ro /")
    script.append("cd /")
    run_as = (
        f"setpriv --reuid {spec.uid} --regid {spec.uid} --clear-groups --no-new-privs "
        if spec.uid is not None
        else ""
    )
    assignments = " ".join(shlex.quote(f"{k}={v}") for k, v in env.items())
    command = " ".join(shlex.quote(part) for part in spec.argv)
    script.append(f"exec {run_as}env -i {assignments} {command}")
    return ["unshare", "-m", "sh", "-c", "\n".join(script)]
