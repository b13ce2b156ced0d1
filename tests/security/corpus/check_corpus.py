#!/usr/bin/env python3
"""Self-check of this corpus (not of callcenter): every YAML meant to load loads, every
generator and base64 value evaluates, every referenced file exists, recorded line numbers
fall inside their files, and planted secrets are really in the files that plant them.

    python3 check_corpus.py            # quick (skips generators with n > 10^8)
    python3 check_corpus.py --full     # evaluates every generator
"""

from __future__ import annotations

import base64
import collections
import json
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent
FULL = "--full" in sys.argv
SECRET = "S" * 48
problems: list[str] = []


def ev(v: Any, where: str, i: int = 3) -> Any:
    if isinstance(v, dict) and "expr" in v:
        n = v.get("n", 0)
        if n and n > 10**8 and not FULL:
            return None
        try:
            return eval(v["expr"], {"__builtins__": __builtins__}, {"n": n, "SECRET": SECRET, "i": i})  # noqa: S307
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{where}: expr fails: {exc!r}")
            return None
    if isinstance(v, dict) and "b64" in v:
        return base64.b64decode(v["b64"], validate=True)
    return v


def check_request(c: dict[str, Any], where: str) -> None:
    for name, value in (c.get("headers") or {}).items():
        r = ev(value, f"{where} header {name}")
        if r is not None and not isinstance(r, (str, bytes)):
            problems.append(f"{where}: header {name} is {type(r).__name__}")
    for key in ("path", "raw_request_generator", "header_generator", "body_generator", "send_first_generator"):
        if key in c:
            ev(c[key], f"{where} {key}")
    if "body_b64" in c:
        base64.b64decode(c["body_b64"], validate=True)
    if sum(k in c for k in ("body", "body_b64", "body_generator")) > 1:
        problems.append(f"{where}: more than one body field")


def tokens() -> collections.Counter[str]:
    d = yaml.safe_load((ROOT / "token_requests.yaml").read_text(encoding="utf-8"))
    ids = [c["id"] for c in d["cases"]]
    dup = [k for k, v in collections.Counter(ids).items() if v > 1]
    if dup:
        problems.append(f"token_requests.yaml: duplicate ids {dup}")
    groups: collections.Counter[str] = collections.Counter(c["group"] for c in d["cases"])
    requests = 0
    for c in d["cases"]:
        if "expect" not in c and "steps" not in c:
            problems.append(f"{c['id']}: no expect")
        if "steps" in c:
            for s in c["steps"]:
                check_request(s, f"{c['id']}/{s['id']}")
                requests += 1
        else:
            check_request(c, c["id"])
            requests += 1
    for s in d["slow_clients"]:
        check_request(s, s["id"])
    groups["(startup)"] = len(d["startup"])
    groups["(slow_clients)"] = len(d["slow_clients"])
    groups["(requests incl. steps)"] = requests
    return groups


def lines_in(path: Path) -> int:
    return path.read_bytes().count(b"\n") + 1


def view(raw: bytes) -> str:
    try:
        docs = list(yaml.safe_load_all(raw))
    except Exception as exc:  # noqa: BLE001
        return "error: " + type(exc).__name__
    return "loads" if len(docs) == 1 else f"loads ({len(docs)} documents)"


def file_cases(sub: str, env_secrets: set[str]) -> collections.Counter[str]:
    d = yaml.safe_load((ROOT / sub / "cases.yaml").read_text(encoding="utf-8"))
    counts: collections.Counter[str] = collections.Counter()
    for c in d.get("controls", []) + d.get("team_files", []):
        p = ROOT / sub / c["file"]
        try:
            yaml.safe_load(p.read_bytes())
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{sub}/{c['file']}: control does not load: {exc}")
        counts["controls/team files"] += 1
    for c in d["cases"]:
        p = ROOT / sub / c["file"]
        if not p.exists():
            problems.append(f"{sub}/{c['file']}: missing")
            continue
        raw = p.read_bytes()
        actual = view(raw)
        if actual != c["pyyaml_safe_load"]:
            problems.append(f"{sub}/{c['file']}: pyyaml_safe_load says {c['pyyaml_safe_load']}, is {actual}")
        for ln in c.get("line", []) or []:
            if not 1 <= ln <= lines_in(p):
                problems.append(f"{sub}/{c['file']}: line {ln} outside the file")
        planted = [s for s in c.get("must_not_print", []) if s not in env_secrets]
        text = raw.decode("utf-8", errors="replace") + raw.decode("latin-1")
        if planted and "secret_source" not in c and not any(s in text for s in planted):
            problems.append(f"{sub}/{c['file']}: none of must_not_print {planted} is in the file")
        stack_lines = [ln for ln in text.splitlines() if ln.startswith("stack:")]
        for secret in c.get("must_not_print", []):
            if secret in c["file"] or any(secret in ln for ln in stack_lines):
                problems.append(f"{sub}/{c['file']}: a must_not_print string is in the file or stack name, "
                                "which error messages are expected to print")
        counts["valid YAML for PyYAML" if actual.startswith("loads") else "invalid YAML for PyYAML"] += 1
        counts["cases"] += 1
        if c.get("depends_on_field_names"):
            counts["depend on guessed field names"] += 1
    counts["special paths"] = len(d.get("special_paths", []))
    counts["generated (make_big_files.py)"] = len(d.get("generated", []))
    counts["scenarios"] = len(d.get("scenarios", []))
    on_disk = {str(q.relative_to(ROOT / sub)) for q in (ROOT / sub).rglob("*") if q.is_file()}
    listed = {c["file"] for c in d["cases"] + d.get("controls", []) + d.get("team_files", [])} | {"cases.yaml"}
    for extra in sorted(on_disk - listed):
        problems.append(f"{sub}/{extra}: on disk but not listed")
    return counts


class StrictLoader(yaml.SafeLoader):
    """Refuses duplicate keys and aliases: this corpus's own YAML must pass a strict loader."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError(f"alias at {self.peek_event().start_mark}")
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.YAMLError(f"duplicate key {key!r} at {key_node.start_mark}")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def strict_own_yaml() -> None:
    own = [ROOT / "token_requests.yaml", ROOT / "tenants" / "cases.yaml", ROOT / "dispatch" / "cases.yaml",
           ROOT / "tenants" / "valid_minimal.yaml", ROOT / "tenants" / "valid_base.yaml",
           *sorted((ROOT / "dispatch").glob("team_*/dispatch.yaml")),
           *sorted((ROOT / "dispatch").glob("ctl_*.yaml"))]
    for path in own:
        try:
            yaml.load(path.read_text(encoding="utf-8"), Loader=StrictLoader)  # noqa: S506 - SafeLoader subclass
        except yaml.YAMLError as exc:
            problems.append(f"{path.relative_to(ROOT)}: not strict YAML: {exc}")


def main() -> None:
    strict_own_yaml()
    out = {"token_requests.yaml": tokens()}
    disp = yaml.safe_load((ROOT / "dispatch" / "cases.yaml").read_text(encoding="utf-8"))
    env_secrets = set(disp["defaults"]["must_not_print"])
    out["tenants/"] = file_cases("tenants", env_secrets)
    out["dispatch/"] = file_cases("dispatch", env_secrets)
    print(json.dumps({k: dict(v) for k, v in out.items()}, indent=2))
    if problems:
        print("\nPROBLEMS:", *problems, sep="\n  ")
        sys.exit(1)
    print("corpus OK")


if __name__ == "__main__":
    main()
