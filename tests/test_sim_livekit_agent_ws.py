"""The agent-dispatch simulator against LiveKit's definitions (livekit_agent.proto;
livekit/livekit pkg/agent/worker.go and pkg/service/agentservice.go), driven by a bare
protocol client written from the proto, not by the agents SDK."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import aiohttp
import pytest
from livekit import api
from livekit.protocol import agent

from sim.livekit_agent_ws import AgentDispatchSim, NoWorkerAvailable

pytestmark = pytest.mark.unit

_KEY, _SECRET = "key", "secret-" + "x" * 32


def _token(*, agent_grant: bool = True) -> str:
    grants = api.VideoGrants(agent=agent_grant)
    return api.AccessToken(_KEY, _SECRET).with_grants(grants).to_jwt()


class _Worker:
    """A protocol-level worker: registers, then answers availability as told."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, *, accept: bool) -> None:
        self.ws = ws
        self.accept = accept
        self.asked: list[str] = []
        self.assigned: list[agent.JobAssignment] = []
        self.got_assignment = asyncio.Event()

    async def register(self, agent_name: str) -> agent.RegisterWorkerResponse:
        message = agent.WorkerMessage(
            register=agent.RegisterWorkerRequest(agent_name=agent_name, version="test")
        )
        await self.ws.send_bytes(message.SerializeToString())
        reply = agent.ServerMessage()
        reply.ParseFromString(await self.ws.receive_bytes())
        assert reply.WhichOneof("message") == "register"
        return reply.register

    async def send(self, message: agent.WorkerMessage) -> None:
        await self.ws.send_bytes(message.SerializeToString())

    async def serve(self) -> None:
        async for frame in self.ws:
            message = agent.ServerMessage()
            message.ParseFromString(frame.data)
            which = message.WhichOneof("message")
            if which == "availability":
                self.asked.append(message.availability.job.id)
                answer = agent.AvailabilityResponse(
                    job_id=message.availability.job.id,
                    available=self.accept,
                    participant_identity="agent-1",
                )
                await self.send(agent.WorkerMessage(availability=answer))
            elif which == "assignment":
                self.assigned.append(message.assignment)
                self.got_assignment.set()


@contextlib.asynccontextmanager
async def _worker(
    sim: AgentDispatchSim, http: aiohttp.ClientSession, *, accept: bool = True, load: float = 0.0
) -> AsyncIterator[_Worker]:
    ws = await http.ws_connect(f"{sim.url}/agent", headers={"Authorization": f"Bearer {_token()}"})
    worker = _Worker(ws, accept=accept)
    await worker.register("callcenter")
    status = agent.UpdateWorkerStatus(status=agent.WorkerStatus.WS_AVAILABLE, load=load)
    await worker.send(agent.WorkerMessage(update_worker=status))
    task = asyncio.create_task(worker.serve())
    try:
        yield worker
    finally:
        task.cancel()
        await ws.close()


async def test_register_answers_with_a_worker_id_and_needs_the_agent_grant() -> None:
    async with (
        AgentDispatchSim(api_key=_KEY, api_secret=_SECRET) as sim,
        aiohttp.ClientSession() as http,
    ):
        ws = await http.ws_connect(
            f"{sim.url}/agent", headers={"Authorization": f"Bearer {_token()}"}
        )
        response = await _Worker(ws, accept=True).register("callcenter")
        assert response.worker_id.startswith("AW_")
        await ws.close()
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(
                f"{sim.url}/agent",
                headers={"Authorization": f"Bearer {_token(agent_grant=False)}"},
            )
        assert refused.value.status == 401


async def test_a_job_goes_to_an_accepting_worker_with_an_agent_token() -> None:
    async with (
        AgentDispatchSim(api_key=_KEY, api_secret=_SECRET) as sim,
        aiohttp.ClientSession() as http,
        _worker(sim, http, accept=False) as declines,
        _worker(sim, http) as accepts,
    ):
        await sim.wait_until(lambda: all(w.load == 0.0 for w in sim.workers), 5)
        job = await sim.dispatch(agent_name="callcenter", room="room-1", metadata="{}")
        assert job.worker_id == sim.workers[1].id
        await asyncio.wait_for(accepts.got_assignment.wait(), 5)
        (assignment,) = accepts.assigned
        claims = api.TokenVerifier(_KEY, _SECRET).verify(assignment.token)
        assert claims.video is not None and claims.video.room == "room-1"
        assert claims.identity == "agent-1"
        # worker.go: a worker that declined is not asked again for the same job.
        assert declines.asked.count(job.job.id) <= 1


async def test_full_or_fully_loaded_workers_get_no_jobs() -> None:
    async with (
        AgentDispatchSim(api_key=_KEY, api_secret=_SECRET) as sim,
        aiohttp.ClientSession() as http,
        _worker(sim, http, load=1.0) as loaded,
    ):
        await sim.wait_until(lambda: sim.workers[0].load == 1.0, 5)
        with pytest.raises(NoWorkerAvailable):
            await sim.dispatch(agent_name="callcenter", room="r")
        full = agent.UpdateWorkerStatus(status=agent.WorkerStatus.WS_FULL, load=0.1)
        await loaded.send(agent.WorkerMessage(update_worker=full))
        await sim.wait_until(lambda: sim.workers[0].load == pytest.approx(0.1), 5)
        with pytest.raises(NoWorkerAvailable):
            await sim.dispatch(agent_name="callcenter", room="r")
        assert loaded.asked == []


async def test_load_weights_the_choice_between_workers() -> None:
    async with (
        AgentDispatchSim(api_key=_KEY, api_secret=_SECRET, seed=1) as sim,
        aiohttp.ClientSession() as http,
        _worker(sim, http, load=0.9),
        _worker(sim, http, load=0.1),
    ):
        await sim.wait_until(lambda: len(sim.workers) == 2 and sim.workers[1].load > 0, 5)
        chosen = [
            (await sim.dispatch(agent_name="callcenter", room=f"r{i}")).worker_id for i in range(60)
        ]
        light = chosen.count(sim.workers[1].id)
        # Weights 0.1 and 0.9 (agentservice.go: max(0, 1 - load)).
        assert light > 40


async def test_ping_gets_a_pong_echoing_its_timestamp() -> None:
    async with (
        AgentDispatchSim(api_key=_KEY, api_secret=_SECRET) as sim,
        aiohttp.ClientSession() as http,
    ):
        ws = await http.ws_connect(
            f"{sim.url}/agent", headers={"Authorization": f"Bearer {_token()}"}
        )
        worker = _Worker(ws, accept=True)
        await worker.register("callcenter")
        await worker.send(agent.WorkerMessage(ping=agent.WorkerPing(timestamp=1234)))
        reply = agent.ServerMessage()
        reply.ParseFromString(await ws.receive_bytes())
        assert reply.pong.last_timestamp == 1234
        assert reply.pong.timestamp > 0
        await ws.close()
