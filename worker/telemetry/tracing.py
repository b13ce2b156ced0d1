"""OpenTelemetry traces through the framework's tracer-provider hook, exported over OTLP.

Which variables are read where: whether tracing is on, and where to, comes from
Settings (`config/` maps the standard ``OTEL_EXPORTER_OTLP_ENDPOINT``,
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`` and ``OTEL_EXPORTER_OTLP_PROTOCOL`` onto
``observability.otlp_*``); the rest of the OTLP exporter's options (headers, timeout,
compression, certificates) and the resource (``OTEL_SERVICE_NAME``,
``OTEL_RESOURCE_ATTRIBUTES``) are left to the OpenTelemetry SDK's own environment
handling. No endpoint: no provider, and the framework's spans stay no-ops.

The provider is handed over with ``allow_pii=False``: the framework then strips every
attribute it marks as conversational content (``lk.pii.*``: transcripts, chat context,
tool arguments and output, instructions, room name, phone number) and the GenAI content
attributes before any exporter sees the span. Its default is to export them.
"""

from __future__ import annotations

import asyncio

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter

from config import ObservabilitySettings, Settings

__all__ = ["configure_tracing", "flush_tracing", "install_tracer_provider", "otlp_exporter"]

_SERVICE = "callcenter-worker"
_installed: list[TracerProvider] = []


def otlp_exporter(obs: ObservabilitySettings) -> SpanExporter | None:
    """The OTLP span exporter the settings describe, or None when tracing is off."""
    if obs.otlp_traces_endpoint:
        endpoint = obs.otlp_traces_endpoint
    elif obs.otlp_endpoint:
        # The OTLP spec: a base endpoint gets the signal's path appended (HTTP only;
        # gRPC takes the endpoint as is).
        base = obs.otlp_endpoint.rstrip("/")
        endpoint = base if obs.otlp_protocol == "grpc" else f"{base}/v1/traces"
    else:
        return None
    if obs.otlp_protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import (
            OTLPSpanExporter as GrpcExporter,
        )

        return GrpcExporter(endpoint=endpoint)
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
        OTLPSpanExporter as HttpExporter,
    )

    return HttpExporter(endpoint=endpoint)


def install_tracer_provider(processor: SpanProcessor) -> TracerProvider:
    """A provider exporting through ``processor``, installed as the framework's, with the
    framework's PII stripping in front of it."""
    from livekit.agents.telemetry import set_tracer_provider

    # Resource.create merges OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES (SDK-read);
    # our name only stands in for the SDK's "unknown_service".
    resource = Resource.create()
    if str(resource.attributes.get("service.name", "")).startswith("unknown_service"):
        resource = resource.merge(Resource({"service.name": _SERVICE}))
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(processor)
    set_tracer_provider(provider, allow_pii=False)
    _installed[:] = [provider]
    return provider


def configure_tracing(settings: Settings) -> TracerProvider | None:
    """Install OTLP tracing for this process when an endpoint is configured."""
    exporter = otlp_exporter(settings.observability)
    if exporter is None:
        return None
    return install_tracer_provider(BatchSpanProcessor(exporter))


async def flush_tracing() -> None:
    """Export the spans still batched, before a job process exits (off the event loop:
    the exporter does blocking I/O)."""
    for provider in _installed:
        await asyncio.to_thread(provider.force_flush)
