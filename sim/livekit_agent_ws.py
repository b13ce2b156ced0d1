"""LiveKit agent-dispatch simulator: the ``/agent`` websocket that workers register on.

This is the engine the fleet scales on: every registered worker takes calls and the
server picks one for each job, weighted by the load the worker reports. Built from
LiveKit's own definitions, not from what the agents SDK happens to send:

* messages: ``protobufs/livekit_agent.proto`` in livekit/protocol (``WorkerMessage`` /
  ``ServerMessage``, binary protobuf frames);
* handshake, availability, assignment, job updates, ping/pong: ``pkg/agent/worker.go``
  in livekit/livekit (``HandleRegister`` answers ``RegisterWorkerResponse``; ``AssignJob``
  sends an ``AvailabilityRequest``, waits up to ``AssignJobTimeout`` = 10 s, then sends a
  ``JobAssignment`` with an agent token; ``HandleUpdateWorker`` stores status and load);
* worker choice: ``selectWorkerWeightedByLoad`` in ``pkg/service/agentservice.go``: among
  workers of the job's agent name whose status is ``WS_AVAILABLE``, pick at random with
  weight ``max(0, 1 - load)``; a worker that declines is not asked again for that job;
  none left is ``no worker available``.

The websocket is authenticated like the server's ``AgentSocketUpgrader``: a bearer JWT
signed with the API secret carrying the ``agent`` video grant.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import structlog
from aiohttp import WSMsgType, web
from livekit import api
from livekit.protocol import agent, models

from ._server import FaultPlan, LoopbackServer

__all__ = ["AgentDispatchSim", "DispatchedJob", "NoWorkerAvailable", "SimWorker"]

log = structlog.get_logger(__name__)

# pkg/agent/worker.go: AssignJobTimeout.
ASSIGN_JOB_TIMEOUT_S = 10.0


class NoWorkerAvailable(RuntimeError):
    """No registered worker for the agent name accepted the job (server: ResourceExhausted)."""


@dataclass(eq=False)
class SimWorker:
    """One registered worker as the server sees it."""

    id: str
    agent_name: str
    version: str
    status: int = agent.WorkerStatus.WS_AVAILABLE
    load: float = 0.0
    job_count: int = 0
    status_updates: list[tuple[float, int, float]] = field(default_factory=list)
    """(time, status, load) for every ``UpdateWorkerStatus`` received."""
    connected: bool = True
    _ws: web.WebSocketResponse | None = None
    _availability: dict[str, asyncio.Future[agent.AvailabilityResponse]] = field(
        default_factory=dict
    )

    @property
    def available(self) -> bool:
        return self.connected and self.status == agent.WorkerStatus.WS_AVAILABLE

    async def send(self, message: agent.ServerMessage) -> None:
        if self._ws is None or self._ws.closed:
            raise ConnectionError(f"worker {self.id} is not connected")
        await self._ws.send_bytes(message.SerializeToString())


@dataclass
class DispatchedJob:
    """A job the server assigned, and what the worker reported about it since."""

    job: agent.Job
    worker_id: str
    participant_identity: str
    statuses: list[int] = field(default_factory=list)
    error: str = ""
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    ended_at: float | None = None
    """``time.monotonic()`` when the worker reported the job ended."""

    @property
    def status(self) -> int:
        return self.statuses[-1] if self.statuses else agent.JobStatus.JS_PENDING


class AgentDispatchSim(LoopbackServer):
    """Loopback ``/agent`` endpoint: workers register, :meth:`dispatch` hands them jobs.

    Args:
        api_key: the key the workers' JWTs must be issued by.
        api_secret: the secret they are signed with; also signs the agent tokens in
            ``JobAssignment`` as the real server does.
        seed: seeds the load-weighted worker choice, so runs reproduce.
        faults: by connection index: ``http_error`` refuses the websocket upgrade with
            ``status`` (401 is what the server's ``AgentSocketUpgrader`` answers a key
            it does not know; 503 an overloaded or restarting server), ``disconnect``
            closes the socket after ``after_messages`` server messages (0: before the
            register response).
    """

    def __init__(
        self,
        *,
        api_key: str,
        api_secret: str,
        seed: int = 0,
        faults: FaultPlan | None = None,
    ) -> None:
        super().__init__(faults=faults)
        self._api_key = api_key
        self._api_secret = api_secret
        self._rng = random.Random(seed)
        self._ids = itertools.count(1)
        self.workers: list[SimWorker] = []
        self.jobs: dict[str, DispatchedJob] = {}
        self._changed = asyncio.Event()
        self._sockets: set[web.WebSocketResponse] = set()

    @property
    def registered(self) -> list[SimWorker]:
        """Workers whose registration still holds (their socket is open)."""
        return [w for w in self.workers if w.connected]

    async def disconnect_workers(self) -> None:
        """Close every worker's socket, as a server restart or a lost network does; the
        workers reconnect (and register again) on their own."""
        for ws in list(self._sockets):
            await ws.close(code=1001, message=b"going away")

    @property
    def url(self) -> str:
        """What a worker's ``ws_url`` (``LIVEKIT_URL``) is set to."""
        return f"ws://127.0.0.1:{self.port}"

    def _routes(self, app: web.Application) -> None:
        app.router.add_get("/agent", self.tracked(self._socket))

    def _authorized(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return False
        try:
            claims = api.TokenVerifier(self._api_key, self._api_secret).verify(
                header.removeprefix("Bearer ")
            )
        except Exception:
            return False
        return bool(claims.video and claims.video.agent)

    async def _socket(self, request: web.Request) -> web.StreamResponse:
        index = self.next_request_index()
        refused = self.faults.first(index, "http_error")
        if refused is not None:
            self.record(index, "refused", request.path, refused.status)
            return web.Response(status=refused.status, text="refused by the fault plan")
        if not self._authorized(request):
            self.record(index, "unauthorized", request.path, None)
            return web.Response(status=401, text="permission denied")
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.add(ws)
        drop = self.faults.first(index, "disconnect")
        sent = 0
        worker: SimWorker | None = None
        try:
            async for frame in ws:
                if drop is not None and sent >= drop.after_messages:
                    self.record(index, "dropped", request.path, sent)
                    await ws.close()
                    break
                if frame.type != WSMsgType.BINARY:
                    continue
                message = agent.WorkerMessage()
                message.ParseFromString(frame.data)
                which = message.WhichOneof("message")
                self.record(index, which or "empty", request.path, message)
                if which == "register":
                    worker = await self._register(ws, message.register)
                    sent += 1
                elif worker is None:
                    # worker.go: nothing but a register is accepted before registration.
                    await ws.close()
                    break
                else:
                    await self._handle(worker, message)
        finally:
            self._sockets.discard(ws)
            if worker is not None:
                worker.connected = False
                self._notify()
                for waiting in worker._availability.values():
                    if not waiting.done():
                        waiting.set_exception(ConnectionError("worker closed"))
        return ws

    async def _register(
        self, ws: web.WebSocketResponse, request: agent.RegisterWorkerRequest
    ) -> SimWorker:
        worker = SimWorker(
            id=f"AW_sim{next(self._ids)}",
            agent_name=request.agent_name,
            version=request.version,
            _ws=ws,
        )
        self.workers.append(worker)
        await worker.send(
            agent.ServerMessage(
                register=agent.RegisterWorkerResponse(
                    worker_id=worker.id,
                    server_info=models.ServerInfo(edition=models.ServerInfo.Standard),
                )
            )
        )
        self._notify()
        log.debug("sim_worker_registered", worker_id=worker.id, agent_name=worker.agent_name)
        return worker

    def _notify(self) -> None:
        self._changed.set()

    async def wait_until(self, condition: Callable[[], bool], within: float) -> None:
        """Wait until ``condition()`` holds, re-checked on every message from a worker."""
        async with asyncio.timeout(within):
            while not condition():
                self._changed.clear()
                await self._changed.wait()

    async def _handle(self, worker: SimWorker, message: agent.WorkerMessage) -> None:
        self._notify()
        which = message.WhichOneof("message")
        if which == "availability":
            waiting = worker._availability.pop(message.availability.job_id, None)
            if waiting is not None and not waiting.done():
                waiting.set_result(message.availability)
        elif which == "update_worker":
            update = message.update_worker
            if update.HasField("status"):
                worker.status = update.status
            worker.load = update.load
            worker.job_count = update.job_count
            worker.status_updates.append((time.monotonic(), worker.status, worker.load))
        elif which == "update_job":
            job = self.jobs.get(message.update_job.job_id)
            if job is not None:
                job.statuses.append(message.update_job.status)
                job.error = message.update_job.error
                if message.update_job.status in (
                    agent.JobStatus.JS_SUCCESS,
                    agent.JobStatus.JS_FAILED,
                ):
                    job.ended_at = time.monotonic()
                    job.ended.set()
        elif which == "ping":
            await worker.send(
                agent.ServerMessage(
                    pong=agent.WorkerPong(
                        last_timestamp=message.ping.timestamp,
                        timestamp=int(time.time() * 1000),
                    )
                )
            )

    async def wait_for_workers(self, count: int, within: float) -> None:
        await self.wait_until(lambda: sum(w.connected for w in self.workers) >= count, within)

    def _choose(self, agent_name: str, attempted: set[str], by_load: bool) -> SimWorker | None:
        weights = {
            w: max(0.0, 1.0 - w.load) if by_load else 1.0
            for w in self.workers
            if w.agent_name == agent_name and w.available and w.id not in attempted
        }
        total = sum(weights.values())
        if total <= 0:
            return None
        point = self._rng.random() * total
        for candidate, weight in weights.items():
            point -= weight
            if point <= 0:
                return candidate
        return next(iter(weights))

    async def dispatch(
        self, *, agent_name: str, room: str, metadata: str = "", by_load: bool = True
    ) -> DispatchedJob:
        """Hand a job to one worker, as the server does for an agent dispatch.

        Args:
            agent_name: the agent the job is for.
            room: the room's name.
            metadata: the dispatch metadata.
            by_load: weight the choice by reported load as the server does; a load test
                that places calls itself past the point where LiveKit would stop turns
                it off (a worker reporting full status is still skipped).

        Raises:
            NoWorkerAvailable: every matching worker declined or none is available.
        """
        job = agent.Job(
            id=f"AJ_sim{next(self._ids)}",
            dispatch_id=f"AD_sim{next(self._ids)}",
            type=agent.JobType.JT_ROOM,
            room=models.Room(sid=f"RM_sim{next(self._ids)}", name=room),
            metadata=metadata,
            agent_name=agent_name,
        )
        attempted: set[str] = set()
        while (worker := self._choose(agent_name, attempted, by_load)) is not None:
            attempted.add(worker.id)
            answer = await self._ask(worker, job)
            if answer is None or not answer.available:
                continue
            token = (
                api.AccessToken(self._api_key, self._api_secret)
                .with_identity(answer.participant_identity)
                .with_name(answer.participant_name)
                .with_kind("agent")
                .with_attributes(dict(answer.participant_attributes))
                .with_grants(api.VideoGrants(room_join=True, room=room, agent=True))
                .to_jwt()
            )
            dispatched = DispatchedJob(
                job=job, worker_id=worker.id, participant_identity=answer.participant_identity
            )
            self.jobs[job.id] = dispatched
            await worker.send(
                agent.ServerMessage(assignment=agent.JobAssignment(job=job, token=token))
            )
            return dispatched
        raise NoWorkerAvailable(f"no worker available for agent {agent_name!r}")

    async def _ask(self, worker: SimWorker, job: agent.Job) -> agent.AvailabilityResponse | None:
        waiting: asyncio.Future[agent.AvailabilityResponse] = (
            asyncio.get_running_loop().create_future()
        )
        worker._availability[job.id] = waiting
        try:
            await worker.send(agent.ServerMessage(availability=agent.AvailabilityRequest(job=job)))
            async with asyncio.timeout(ASSIGN_JOB_TIMEOUT_S):
                return await waiting
        except (TimeoutError, ConnectionError):
            return None
        finally:
            worker._availability.pop(job.id, None)

    async def terminate(self, job_id: str) -> None:
        """Ask the job's worker to end it (``JobTermination``), as room deletion does."""
        job = self.jobs[job_id]
        worker = next(w for w in self.workers if w.id == job.worker_id)
        await worker.send(agent.ServerMessage(termination=agent.JobTermination(job_id=job_id)))
