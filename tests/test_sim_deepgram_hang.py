"""A Deepgram outage that hangs: the real plugin gives up after its configured connect
timeout, not before and not never (the STT FallbackAdapter then takes over)."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
from livekit import rtc
from livekit.agents import APIConnectionError, APIConnectOptions, utils
from livekit.plugins import deepgram

from sim.deepgram_listen import DeepgramListenSim
from sim.faults import Fault, FaultPlan

pytestmark = pytest.mark.sim

TIMEOUT_S = 1.5


@pytest.mark.parametrize("kind", ["hang", "half_open"])
async def test_the_plugin_gives_up_after_its_connect_timeout(kind: str) -> None:
    faults = FaultPlan([Fault(kind, request=None)])  # type: ignore[arg-type]
    async with DeepgramListenSim(faults=faults, api_key="k") as sim, utils.http_context.open():
        stt = deepgram.STT(api_key="k", base_url=sim.base_url, sample_rate=16000)
        options = APIConnectOptions(max_retry=0, timeout=TIMEOUT_S, retry_interval=0.05)
        loop = asyncio.get_running_loop()
        started = loop.time()
        stream = stt.stream(conn_options=options)
        frame = rtc.AudioFrame(
            data=np.zeros(320, np.int16).tobytes(),
            sample_rate=16000,
            num_channels=1,
            samples_per_channel=320,
        )
        stream.push_frame(frame)

        async def drain() -> None:
            async with asyncio.timeout(TIMEOUT_S + 5):
                async for _ in stream:
                    pass

        with pytest.raises(APIConnectionError):
            await drain()
        waited = loop.time() - started
        await stream.aclose()
    assert waited >= TIMEOUT_S - 0.05
    assert waited < TIMEOUT_S + 4
    # The simulator held the connection and never upgraded it.
    assert sim.connections
    assert all(c.status != 101 for c in sim.connections)
