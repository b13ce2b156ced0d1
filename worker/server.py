"""The agent server: one fleet answers phone (SIP) and app (WebRTC) callers.

``python -m worker start|dev|console`` runs the framework's CLI on `server`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from livekit.agents import AgentServer, JobContext, JobProcess, room_io, vad
from livekit.agents.worker import ServerEnvOption
from livekit.plugins import silero

from config import Settings, load_settings
from worker.caller import caller_from_participant, tenant_from_metadata
from worker.logs import CallIdentity, bind_call, configure_logging
from worker.observability import attach_observability
from worker.prometheus_metrics import metrics_server_options
from worker.session_factory import build_call
from worker.tracing import configure_tracing, flush_tracing

__all__ = ["build_server", "entrypoint", "prewarm", "prewarm_models", "server", "settings"]

log = structlog.get_logger(__name__)

settings: Settings = load_settings()


def load_vad(settings: Settings) -> vad.VAD:
    """Silero with our silence window; its ONNX model ships inside the plugin wheel."""
    return silero.VAD.load(
        min_silence_duration=settings.latency.vad_min_silence,
        activation_threshold=settings.latency.vad_activation_threshold,
    )


def prewarm_models(settings: Settings, userdata: dict[str, Any]) -> None:
    """Load the process's models off any call's clock.

    The offline end-of-turn model (~100 MB) is loaded only when turn detection uses it;
    its weights live inside the livekit-local-inference wheel, nothing is downloaded.
    """
    userdata["vad"] = load_vad(settings)
    if settings.latency.turn_detection == "audio":
        from livekit.agents import inference
        from livekit.local_inference import init_eot

        init_eot()
        userdata["eot"] = inference.TurnDetector(version="v1-mini")


def prewarm(proc: JobProcess) -> None:
    """Runs once per job process, before any call."""
    configure_logging(level=settings.observability.log_level)
    configure_tracing(settings)
    prewarm_models(settings, proc.userdata)


async def entrypoint(ctx: JobContext) -> None:
    bind_call(
        CallIdentity(call_id=ctx.job.id, room=ctx.room.name, job_id=ctx.job.id, caller_kind="app"),
        ctx,
    )
    await ctx.connect()
    participant = await ctx.wait_for_participant()
    caller = caller_from_participant(participant, tenant=tenant_from_metadata(ctx.job.metadata))
    # The SIP call id is what the carrier and LiveKit's SIP logs know the call by.
    call_id = caller.call_id or ctx.room.name or ctx.job.id
    bind_call(
        CallIdentity(
            call_id=call_id,
            room=ctx.room.name,
            job_id=ctx.job.id,
            caller_kind=caller.kind,
        ),
        ctx,
    )
    call = build_call(
        settings,
        caller,
        vad_model=ctx.proc.userdata["vad"],
        audio_turn_detector=ctx.proc.userdata.get("eot"),
    )
    call.prewarm(settings)
    # --- observability hook: Prometheus, budgets, call.summary (worker/observability.py)
    observer = attach_observability(call, settings, call_id=call_id)

    async def _summary() -> None:
        # The session's close event normally wrote it; a job shut down first still gets one.
        observer.finish()
        await flush_tracing()
        await call.aclose()

    ctx.add_shutdown_callback(_summary)
    # --- end observability hook
    log.info("call_started", tenant=call.state.tenant_name, tts_encoding=call.profile.tts_encoding)
    await call.session.start(
        agent=call.agent,
        room=ctx.room,
        room_options=room_io.RoomOptions(participant_identity=participant.identity),
        record=settings.compliance.record_calls,
    )


def build_server(
    settings: Settings,
    *,
    entrypoint: Callable[[JobContext], Awaitable[None]] = entrypoint,
) -> AgentServer:
    """The worker's `AgentServer`, configured from Settings.

    Args:
        settings: the process's settings.
        entrypoint: the job body; the fleet benchmarks and the drain test swap in a
            simulated call (`sim.fleet_worker`), everything else stays the worker's.
    """
    agent_server = AgentServer(
        setup_fnc=prewarm,
        load_threshold=settings.worker.load_threshold,
        drain_timeout=settings.worker.drain_timeout,
        num_idle_processes=settings.worker.num_idle_processes,
        # `dev` keeps the framework's random port, so two dev workers can share a machine.
        port=ServerEnvOption(dev_default=0, prod_default=settings.worker.health_port),
        # observability hook: our level as the CLI's default, the framework's /metrics
        log_level=settings.observability.log_level,
        **metrics_server_options(settings),
        ws_url=settings.livekit.url,
        api_key=settings.livekit.api_key.get_secret_value() if settings.livekit.api_key else None,
        api_secret=(
            settings.livekit.api_secret.get_secret_value() if settings.livekit.api_secret else None
        ),
    )
    # Explicit dispatch: only rooms whose dispatch rule names this agent get it.
    agent_server.rtc_session(entrypoint, agent_name=settings.livekit.agent_name)
    return agent_server


server = build_server(settings)
