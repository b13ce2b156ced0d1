"""The agent server: one fleet answers phone (SIP) and app (WebRTC) callers.

``python -m worker start|dev|console`` builds the settings and the tenant directory in
`worker.__main__`, then `build_server` hands them to the job processes inside the
entrypoint and prewarm callables: nothing is read from the environment at import time.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from livekit.agents import NOT_GIVEN, AgentServer, JobContext, JobProcess, vad
from livekit.plugins import silero

from config import Settings, TenantDirectory
from config.log_setup import configure_logging
from worker.entrypoint import CallServices, JobCallRoom, start_call
from worker.framework import ServerEnvOption, warm_framework_tls
from worker.providers.providers import tls_context
from worker.telemetry.ledger import open_call_ledger
from worker.telemetry.prometheus_metrics import metrics_server_options
from worker.telemetry.tracing import configure_tracing

__all__ = ["CallEntrypoint", "Prewarm", "build_server", "load_vad", "prewarm_models"]

log = structlog.get_logger(__name__)


def load_vad(settings: Settings) -> vad.VAD:
    """Silero with our silence window; its ONNX model ships inside the plugin wheel."""
    latency = settings.latency
    return silero.VAD.load(
        min_silence_duration=latency.vad_min_silence,
        activation_threshold=latency.vad_activation_threshold,
        deactivation_threshold=(
            latency.vad_deactivation_threshold
            if latency.vad_deactivation_threshold is not None
            else NOT_GIVEN
        ),
    )


# The OpenAI SDK resolves its resources through module __getattr__ hooks, and anyio
# loads its asyncio backend on first use: named here as the loop monitor saw them.
_LAZY_ON_FIRST_REQUEST = (
    "anyio._backends._asyncio",
    "anyio._core._synchronization",
    "openai.pagination",
    "openai.resources.models",
    "openai.resources.chat.chat",
    "openai.resources.chat.completions.completions",
    "openai.lib.streaming.chat",
)


def warm_call_start() -> None:
    """Do once per process what every call would otherwise do on its event loop as it
    starts, all at once when calls arrive together (the framework's loop monitor named
    each: 100-240 ms apiece).

    * the TLS contexts: ours for the OpenAI clients, and the framework's for its shared
      HTTP session (a process-wide cache it fills on first use; `worker.framework`);
    * modules the OpenAI SDK and anyio import on a call's first request.
    """
    tls_context()
    warm_framework_tls()
    for module in _LAZY_ON_FIRST_REQUEST:
        importlib.import_module(module)


def prewarm_models(settings: Settings, userdata: dict[str, Any]) -> None:
    """Load the process's models, and what every call's start needs, off any call's clock.

    The offline end-of-turn model (~100 MB) is loaded only when turn detection uses it;
    its weights live inside the livekit-local-inference wheel, nothing is downloaded.
    """
    userdata["vad"] = load_vad(settings)
    warm_call_start()
    if settings.latency.turn_detection == "audio":
        from livekit.agents import inference
        from livekit.local_inference import init_eot

        init_eot()
        userdata["eot"] = inference.TurnDetector(version="v1-mini")


# Job processes receive these by pickling (forkserver/spawn): module-level classes
# whose fields are plain data carry the settings built in `main` into every process.


@dataclass(frozen=True)
class Prewarm:
    """Runs once per job process, before any call."""

    settings: Settings

    def __call__(self, proc: JobProcess) -> None:
        configure_logging(level=self.settings.observability.log_level)
        configure_tracing(self.settings)
        obs = self.settings.observability
        if obs.metrics_port:
            # Before any call: the ledger the main process reads if this process dies.
            open_call_ledger(obs.metrics_multiproc_dir)
        prewarm_models(self.settings, proc.userdata)


@dataclass(frozen=True)
class CallEntrypoint:
    """One call: the shared entrypoint over the job's room."""

    settings: Settings
    tenants: TenantDirectory

    async def __call__(self, ctx: JobContext) -> None:
        services = CallServices(
            settings=self.settings,
            tenants=self.tenants,
            vad_model=ctx.proc.userdata["vad"],
            audio_turn_detector=ctx.proc.userdata.get("eot"),
        )
        await start_call(JobCallRoom(ctx, self.settings), services)


_FORKSERVER_PRELOAD = "worker.forkserver_preload"


def _framework_log_level(level: str) -> str:
    """The framework spells stdlib's WARNING as WARN and refuses the former."""
    return "WARN" if level == "WARNING" else level


def build_server(
    settings: Settings,
    tenants: TenantDirectory,
    *,
    entrypoint: Callable[[JobContext], Awaitable[None]] | None = None,
    preload: Sequence[str] = (),
) -> AgentServer:
    """The worker's `AgentServer`, configured from Settings.

    Args:
        settings: the process's settings.
        tenants: the tenant directory, loaded once in `main`.
        entrypoint: the job body; the fleet benchmarks and the drain test swap in a
            simulated call (`sim.fleet_worker`), everything else stays the worker's.
        preload: more modules for the forkserver to import once (the swapped-in
            entrypoint's), besides the worker's own (`worker.forkserver_preload`).
    """
    agent_server = AgentServer(
        setup_fnc=Prewarm(settings),
        # Imported once in the forkserver, not in every job process (one per call).
        preload_modules=[_FORKSERVER_PRELOAD, *preload],
        load_threshold=settings.worker.load_threshold,
        drain_timeout=settings.worker.drain_timeout,
        num_idle_processes=settings.worker.num_idle_processes,
        # `dev` keeps the framework's random port, so two dev workers can share a machine.
        port=ServerEnvOption(dev_default=0, prod_default=settings.worker.health_port),
        host=settings.worker.health_host,
        # Then run() fails and `python -m worker` exits non-zero (worker/__main__.py).
        max_retry=settings.worker.connect_attempts,
        # Our level as the CLI's default; the framework's /metrics serves our collectors.
        log_level=_framework_log_level(settings.observability.log_level),
        **metrics_server_options(settings),
        ws_url=settings.livekit.url,
        api_key=settings.livekit.api_key.get_secret_value() if settings.livekit.api_key else None,
        api_secret=(
            settings.livekit.api_secret.get_secret_value() if settings.livekit.api_secret else None
        ),
    )
    # Explicit dispatch: only rooms whose dispatch rule names this agent get it.
    agent_server.rtc_session(
        entrypoint or CallEntrypoint(settings, tenants), agent_name=settings.livekit.agent_name
    )
    return agent_server
