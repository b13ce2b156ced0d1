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
from sim.faults import Fault, FaultPlan
from sim.livekit_twirp import LiveKitTwirpSim, TwirpCall

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


def lease_free_writes(sim: LiveKitTwirpSim, start: int = 0) -> list[tuple[int, TwirpCall]]:
    """``(request index, call)`` of each trunk or rule write of the clean ``sync`` whose
    first request was ``start``, on a simulator that failed nothing (so the n-th call
    is request n). The sync's own lease marker (its first write, a create at
    ``lease.invalid``, and its last, the release) is left out."""
    writes = [
        (index, call) for index, call in enumerate(sim.calls) if call.is_write and index >= start
    ]
    first = writes[0][1].request
    assert isinstance(first, sip.CreateSIPOutboundTrunkRequest)
    assert first.trunk.address == "lease.invalid"
    assert writes[-1][1].method == "DeleteSIPTrunk"
    return writes[1:-1]


def failing_from(index: int) -> FaultPlan:
    """Every request from ``index`` on answered 503: the server is gone from then on."""
    return FaultPlan(
        [Fault("http_error", request=i, status=503) for i in range(index, index + 200)]
    )


def routes(
    sim: LiveKitTwirpSim, numbers: list[str], callers: tuple[str, ...] = ("",)
) -> dict[str, str]:
    """Number -> ``"<trunk name> / <rule name>"`` for the calls that reach a trunk and a
    rule of the server (`SipState.route`, LiveKit's own matching); unrouted numbers
    are left out."""
    found: dict[str, str] = {}
    for number in numbers:
        for caller in callers:
            reached = sim.sip_state.route(number, caller)
            if reached is None or reached[0] is None:
                continue
            found[number if caller == "" else f"{number} from {caller}"] = (
                f"{reached[0].name} / {reached[1].name}"
            )
    return found


async def write_indices(
    tmp_path: Path, document: Mapping[str, Any], before: Mapping[str, Any] | None = None
) -> list[int]:
    """How many requests into a sync of ``document`` each of its trunk or rule writes
    comes, on a scratch simulator brought to the same state first (``before`` synced,
    when given): add a simulator's ``request_count`` before its own sync to target the
    same writes there."""
    async with LiveKitTwirpSim(api_key=KEY, api_secret=SECRET) as scratch:
        settings = settings_for(scratch)
        if before is not None:
            first = await run_cli(
                ["--config", str(write_file(tmp_path, before, "scratch.yaml")), "sync"], settings
            )
            assert first.code == 0, first.out + first.err
        start = len(scratch.calls)
        path = write_file(tmp_path, document, "scratch.yaml")
        synced = await run_cli(["--config", str(path), "sync"], settings)
        assert synced.code == 0, synced.out + synced.err
        offset = scratch.request_count - len(scratch.calls)
        assert offset == 0, "the scratch server failed a request"
        writes = lease_free_writes(scratch, start)
        return [index - start for index, _ in writes]
