"""Helpers for running ``python -m dispatch`` in-process against the Twirp simulator."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from livekit.protocol import sip

from config import Settings
from config.settings import AppSettings, LiveKitSettings
from dispatch.cli import main
from sim.livekit_twirp import LiveKitTwirpSim

KEY = "dispatch-key"
SECRET = "dispatch-secret-dispatch-secret-00"
ENV = {"MAIN_PW": "hunter2-main", "OUT_PW": "hunter2-out"}


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def settings_for(sim: LiveKitTwirpSim, **app: Any) -> Settings:
    # No .env: a developer's file must not change what the test sees.
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        livekit=LiveKitSettings(url=sim.http_url, api_key=KEY, api_secret=SECRET),
        app=AppSettings(**app),
    )


class _NoAliases(yaml.SafeDumper):
    # The dispatch file refuses aliases; shared dicts in a test document must be
    # written out each time.
    def ignore_aliases(self, data: Any) -> bool:
        return True


def write_file(tmp_path: Path, document: Mapping[str, Any], name: str = "dispatch.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.dump(dict(document), Dumper=_NoAliases), encoding="utf-8")
    return path


async def run_cli(argv: list[str], settings: Settings, env: Mapping[str, str] = ENV) -> Outcome:
    out, err = io.StringIO(), io.StringIO()
    # main() runs its own event loop; a worker thread keeps the simulator's loop serving.
    code = await asyncio.to_thread(main, argv, env=env, settings=settings, stdout=out, stderr=err)
    return Outcome(code, out.getvalue(), err.getvalue())


def by_name(items: Mapping[str, Any]) -> dict[str, Any]:
    return {item.name: item for item in items.values()}


def rules_of(sim: LiveKitTwirpSim) -> dict[str, sip.SIPDispatchRuleInfo]:
    return by_name(sim.dispatch_rules)
