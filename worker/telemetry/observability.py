"""One call's observability, attached where its session is built: per-turn figures into
the Prometheus collectors, latency-budget warnings, provider fallbacks and errors, and
the `call.summary` event with the call's outcome when the session closes.

The worker's entrypoint and the simulated calls both call `attach_observability`, so
what operators see is what the simulated calls and the benchmark measure.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

import structlog
from livekit.agents import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    llm,
    stt,
    tts,
)
from livekit.agents.voice.events import CloseEvent, CloseReason

from config import Settings
from worker.agent import recovery_lines_spoken
from worker.call.outcome import CallOutcome
from worker.call.state import CallState
from worker.framework import fallback_engines
from worker.session_factory import CallSession
from worker.telemetry.answer_clock import AnswerClock
from worker.telemetry.answer_timing import AnswerStats, AnswerTiming
from worker.telemetry.budgets import Budgets
from worker.telemetry.metrics import CallMetrics
from worker.telemetry.prometheus_metrics import CallCount, Collectors, collectors
from worker.telemetry.summary import COMPONENT_FIELDS, CallSummary

__all__ = ["CallObserver", "attach_observability", "error_class", "outcome_from_close"]

log = structlog.get_logger(__name__)


def error_class(error: BaseException) -> str:
    """The bounded class a provider failure is counted under."""
    if isinstance(error, APIStatusError):
        if error.status_code == 429:
            return "429"
        if error.status_code >= 500:
            return "5xx"
        if error.status_code >= 400:
            return "4xx"
    if isinstance(error, APITimeoutError | TimeoutError):
        return "timeout"
    if isinstance(error, APIConnectionError | ConnectionError):
        return "disconnect"
    return "other"


def outcome_from_close(reason: CloseReason | None) -> CallOutcome:
    """How a call ended when nothing in the call said so (no transfer, no end_call)."""
    if reason == CloseReason.PARTICIPANT_DISCONNECTED:
        return CallOutcome.CALLER_HUNG_UP
    if reason == CloseReason.ERROR:
        return CallOutcome.ERROR
    return CallOutcome.COMPLETED


def provider_name(engine: object) -> str:
    """``deepgram``, ``openai``, ``elevenlabs``: from the plugin package, because an
    OpenAI-compatible plugin reports its base URL's host as its provider."""
    module = type(engine).__module__
    if module.startswith("livekit.plugins."):
        return module.split(".")[2]
    return type(engine).__name__.lower()


class CallObserver:
    """Follows one call from session start to close. `finish` is idempotent."""

    def __init__(
        self,
        call: CallSession,
        settings: Settings,
        *,
        call_id: str,
        tenant_known: bool | None = None,
    ) -> None:
        self._state: CallState = call.state
        self._session = call.session
        self._settings = settings
        self._collectors: Collectors = collectors()
        self._budgets = Budgets.from_settings(settings)
        self._started = time.monotonic()
        self.call_id = call_id
        self.caller_kind = call.state.caller.kind
        self.tenant = call.state.tenant_name
        # Label values must be a bounded set: a tenant name the settings do not know
        # (dispatch metadata is free text) is counted as "other".
        known = (
            tenant_known
            if tenant_known is not None
            else self.tenant in settings.tenants or self.tenant == settings.default_tenant
        )
        self._labels = {
            "caller_kind": self.caller_kind,
            "tenant": self.tenant if known else "other",
        }
        self.metrics = CallMetrics(call.session, call.state.model_ttft.get)
        self.metrics.listeners.append(self._on_turn)
        self.answers = AnswerClock(call.session)
        """Content TTFA per turn; the entrypoint puts its tap in front of the output."""
        self.answers.listeners.append(self._on_answer)
        self.fallbacks: Counter[str] = Counter()
        self.provider_errors: Counter[str] = Counter()
        self.summary: dict[str, Any] | None = None
        self._deferred: asyncio.Task[None] | None = None
        self._watch_providers(call)
        call.session.on("close", self._on_close)
        # Room and job as bound to the call's log lines (worker.logs.bind_call).
        bound = structlog.contextvars.get_contextvars()
        self._count = CallCount(
            self._labels,
            {
                "call_id": call_id,
                "room": str(bound.get("room", "")),
                "job_id": str(bound.get("job_id", "")),
            },
        )

    def _watch_providers(self, call: CallSession) -> None:
        parts: list[tuple[str, object]] = [
            ("stt", call.providers.stt),
            ("llm", call.providers.llm),
            ("tts", call.providers.tts),
        ]
        if call.providers.fast_llm is not None:
            parts.append(("llm", call.providers.fast_llm))
        for component, adapter in parts:
            for engine in fallback_engines(adapter):
                engine.on("error", self._error_handler(component, provider_name(engine)))
        providers = call.providers
        if isinstance(providers.stt, stt.FallbackAdapter):
            providers.stt.on("stt_availability_changed", self._fallback_handler("stt"))
        if isinstance(providers.llm, llm.FallbackAdapter):
            providers.llm.on("llm_availability_changed", self._fallback_handler("llm"))
        if isinstance(providers.tts, tts.FallbackAdapter):
            providers.tts.on("tts_availability_changed", self._fallback_handler("tts"))

    def _error_handler(self, component: str, provider: str) -> Any:
        def on_error(event: llm.LLMError | stt.STTError | tts.TTSError) -> None:
            if component == "llm" and self._state.fillers is not None:
                # The answer may be an apology: no filler before it.
                self._state.fillers.provider_failed()
            kind = error_class(event.error)
            self.provider_errors[f"{component}.{provider}.{kind}"] += 1
            self._collectors.provider_errors.labels(
                component=component, provider=provider, error_class=kind
            ).inc()
            # The class and the exception's type only: a provider's message may quote input.
            log.warning(
                "provider_error",
                component=component,
                provider=provider,
                error_class=kind,
                error_type=type(event.error).__name__,
                recoverable=event.recoverable,
            )

        return on_error

    def _fallback_handler(self, component: str) -> Any:
        def on_availability(event: Any) -> None:
            engine = getattr(event, component, None)
            provider = provider_name(engine)
            if event.available:
                log.info("provider_recovered", component=component, provider=provider)
                return
            self.fallbacks[f"{component}.{provider}"] += 1
            self._collectors.fallbacks.labels(component=component, provider=provider).inc()
            log.warning("provider_fallback", component=component, provider=provider)

        return on_availability

    def _on_turn(self, fields: dict[str, float], interrupted: bool) -> None:
        labels = self._labels
        for name, field in COMPONENT_FIELDS.items():
            if field in fields:
                histogram = getattr(self._collectors, name)
                histogram.labels(**labels).observe(fields[field] / 1000.0)
        if interrupted:
            self._collectors.interruptions.labels(**labels).inc()
        for component in self._budgets.check_turn(fields):
            self._collectors.budget_exceeded.labels(component=component).inc()

    def _on_answer(self, timing: AnswerTiming) -> None:
        labels = self._labels
        if timing.content_s is not None:
            self._collectors.ttfa_content.labels(**labels).observe(timing.content_s)
            if self._budgets.check("ttfa_content", timing.content_s * 1000.0):
                self._collectors.budget_exceeded.labels(component="ttfa_content").inc()
        if timing.filler_kinds:
            self._collectors.fillers.labels(kind=timing.filler_kinds[0]).inc()

    def samples(self) -> dict[str, list[float]]:
        """Per component, every turn's figure (ms) as observed into the histograms."""
        samples = {name: self.metrics.samples_ms(f) for name, f in COMPONENT_FIELDS.items()}
        return {"ttfa_content": AnswerStats(self.answers.timings).content_ms, **samples}

    def _on_close(self, event: CloseEvent) -> None:
        actions = self._state.actions
        if actions is not None and actions.handoff.pending:
            # A hand-off webhook is still being delivered (bounded by its deadline):
            # the summary waits for its result rather than saying "pending".
            self._deferred = asyncio.create_task(self._finish_after_handoff(event.reason))
            return
        self.finish(event.reason)

    async def _finish_after_handoff(self, reason: CloseReason | None) -> None:
        actions = self._state.actions
        if actions is not None:
            await actions.handoff.wait()
        self.finish(reason)

    def finish(self, reason: CloseReason | None = None) -> dict[str, Any]:
        """Record the outcome, count the call and log `call.summary` (once)."""
        if self.summary is not None:
            return self.summary
        self._state.end_with(outcome_from_close(reason))
        self.answers.close()
        outcome = self._state.outcome or CallOutcome.ERROR
        summary = CallSummary(
            call_id=self.call_id,
            caller_kind=self.caller_kind,
            tenant=self.tenant,
            outcome=outcome,
            duration_s=time.monotonic() - self._started,
            metrics=self.metrics,
            prices=self._settings.observability.prices,
            budget_flags={},
            fallbacks=dict(self.fallbacks),
            provider_errors=dict(self.provider_errors),
            answers=AnswerStats(self.answers.timings),
        )
        samples = summary.samples()
        summary.budget_flags = self._budgets.p95_flags(samples)
        self.summary = summary.as_event()
        c = self._collectors
        self._count.finish(outcome.value)
        kinds = Counter(entry.kind.value for entry in self._state.redactor.vault)
        for kind, count in kinds.items():
            c.pii_redactions.labels(kind=kind).inc(count)
        self.summary["pii_redactions"] = dict(kinds)
        recovery = self._state.recovery_lines + recovery_lines_spoken(
            self._session.history, self._state.lines
        )
        self.summary["recovery_lines"] = dict(recovery)
        actions = self._state.actions
        self.summary["handoffs"] = actions.handoff.summary() if actions is not None else []
        for kind, count in recovery.items():
            c.recovery_lines.labels(kind=kind).inc(count)
        log.info("call.summary", **self.summary)
        return self.summary


def attach_observability(
    call: CallSession,
    settings: Settings,
    *,
    call_id: str | None = None,
    tenant_known: bool | None = None,
) -> CallObserver:
    """Observe one call; call once, where its session is built, before it starts.

    Args:
        call: what the session factory built for this call.
        settings: the process's settings (budgets, price table).
        call_id: the id the call's log lines carry; by default the one bound to them
            (`worker.logs.bind_call`), else the SIP call id.
        tenant_known: whether the call's tenant is one the tenant directory lists (a
            bounded label value); by default judged from the inline settings.
    """
    bound = structlog.contextvars.get_contextvars().get("call_id")
    ident = call_id or bound or call.state.caller.call_id or call.state.caller.identity
    return CallObserver(call, settings, call_id=ident, tenant_known=tenant_known)
