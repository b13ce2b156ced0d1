"""The worker main process's own HTTP servers: readiness (``GET /ready`` on
``worker.readiness_port``) and metrics (``GET /metrics`` on
``observability.metrics_port``), beside the framework's liveness server.

Their sockets are bound when `OpsServers` is built, before the framework's CLI runs, so a
port in use or a bad bind address stops ``python -m worker`` at once with the setting
named; the servers start serving on the framework's event loop when it reports
``worker_started``. The main process also compacts the metrics directory every few
seconds (and before every scrape) and logs each call whose job process died.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket

import structlog
from aiohttp import web
from livekit.agents import AgentServer
from prometheus_client import CONTENT_TYPE_LATEST

from config import Settings
from config.log_setup import install_call_filter
from worker.telemetry.metrics_store import CrashedCall, MetricsStore
from worker.telemetry.prometheus_metrics import collectors
from worker.telemetry.readiness import RegistrationWatch, readiness_app

__all__ = ["BindError", "OpsServers", "bind_listener"]

log = structlog.get_logger(__name__)

COMPACT_INTERVAL_S = 5.0
"""How often dead job processes are folded in between scrapes: soon enough that a pid
is not reused before its files are gone."""


class BindError(RuntimeError):
    """A listener could not be bound; names the setting."""


def bind_listener(host: str, port: int, setting: str) -> socket.socket:
    """A listening TCP socket; ``host`` empty: every interface, IPv4 and IPv6.

    Raises:
        BindError: naming ``setting`` and the address.
    """
    try:
        if not host and socket.has_dualstack_ipv6():
            return socket.create_server(("", port), family=socket.AF_INET6, dualstack_ipv6=True)
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        return socket.create_server((host, port), family=family)
    except OSError as error:
        raise BindError(f"{setting}: cannot listen on {host or '*'}:{port}: {error}") from None


def _log_crashed(call: CrashedCall) -> None:
    entry = call.entry
    log.error(
        "call_crashed",
        call_id=entry.get("call_id"),
        room=entry.get("room"),
        job_id=entry.get("job_id"),
        caller_kind=entry.get("caller_kind"),
        tenant=entry.get("tenant"),
        pid=call.pid,
        outcome="crashed",
    )


class OpsServers:
    """Readiness and metrics for one worker process.

    Args:
        server: the worker's `AgentServer` (not yet running).
        settings: ports, bind addresses, the metrics directory.
        dev: ``python -m worker dev``: readiness on a free port, as the framework's
            health server is there.
    """

    def __init__(self, server: AgentServer, settings: Settings, *, dev: bool = False) -> None:
        self.watch = RegistrationWatch(server)
        worker, obs = settings.worker, settings.observability
        self._sites: list[tuple[web.Application, socket.socket]] = []
        self._runners: list[web.AppRunner] = []
        self._task: asyncio.Task[None] | None = None
        self.store: MetricsStore | None = None
        ready = bind_listener(
            worker.health_host,
            0 if dev else worker.readiness_port,
            "worker.readiness_port (CALLCENTER_WORKER__READINESS_PORT)",
        )
        self._sites.append((readiness_app(self.watch), ready))
        self.readiness_port = int(ready.getsockname()[1])
        self.metrics_port: int | None = None
        if obs.metrics_port:
            self.store = MetricsStore(obs.metrics_multiproc_dir, on_crashed=_log_crashed)
            listener = bind_listener(
                obs.metrics_host,
                obs.metrics_port,
                "observability.metrics_port (CALLCENTER_OBSERVABILITY__METRICS_PORT)",
            )
            self._sites.append((self._metrics_app(), listener))
            self.metrics_port = int(listener.getsockname()[1])
        server.on("worker_started", self._on_started)

    def _metrics_app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/metrics", self._metrics)
        return app

    async def _metrics(self, _request: web.Request) -> web.Response:
        store = self.store
        if store is None:
            return web.Response(status=404)
        collectors().worker_registered.set(1.0 if self.watch.registered else 0.0)
        body = await asyncio.to_thread(store.scrape)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    def _on_started(self) -> None:
        # The framework's CLI installed its log handler by now: our filters (call
        # fields, phone numbers, the framework's lk.pii fields) go on it, and Python
        # warnings become log lines of the same shape.
        install_call_filter()
        logging.captureWarnings(True)
        self._task = asyncio.get_running_loop().create_task(self._serve())

    async def aclose(self) -> None:
        """Stop serving and release the ports. The framework's CLI cancels the serving
        task when the process ends; whoever runs the worker some other way (tests, an
        embedding process) closes it here."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for _app, sock in self._sites:
            sock.close()

    async def _serve(self) -> None:
        try:
            for app, sock in self._sites:
                runner = web.AppRunner(app, access_log=None, handle_signals=False)
                await runner.setup()
                await web.SockSite(runner, sock).start()
                self._runners.append(runner)
            log.info(
                "ops_http_listening",
                readiness_port=self.readiness_port,
                metrics_port=self.metrics_port,
            )
            # Serves until the process ends (the framework's CLI cancels every task).
            while True:
                await asyncio.sleep(COMPACT_INTERVAL_S)
                if self.store is not None:
                    with contextlib.suppress(OSError):
                        await asyncio.to_thread(self.store.compact)
        finally:
            for runner in self._runners:
                await runner.cleanup()
