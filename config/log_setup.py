"""Logging for every process of ours: structlog on top of stdlib, so LiveKit's handlers
carry our fields.

LiveKit owns the handlers: JSON on stdout in ``start``, coloured text in ``dev``, and in a
job process a queue handler that pickles each ``LogRecord`` to the main process. So our
structlog events are rendered into stdlib records (``render_to_log_kwargs``) with the
fields as record attributes, which all of those handlers already serialise.

A call's fields (``call_id``, ``room``, ``job_id``, ``caller_kind``, bound by
``worker.logs.bind_call``) live in structlog's contextvars; `CallContextFilter` copies
them onto *every* record passing a handler, the framework's own included.

No text of a call is logged, at any level: the framework logs each turn's (redacted)
transcript at DEBUG under ``lk.pii.*`` fields (``lk.pii.user_transcript``,
``lk.pii.text``), and `PIIFieldFilter` drops those fields from every record on the same
handlers, using the framework's own test for what counts as such a field.

Nor is the password of a URL set with one (``wss://user:password@host``):
`UrlCredentialFilter` masks the userinfo of every URL in a record.

Nor is a phone number: LiveKit's individual dispatch rules name the room after the caller
(``call-_+15551234567_x``), the SIP participant's identity is ``sip_+1555...``, and both
reach our fields and the framework's lines. `PhoneNumberFilter` masks every E.164 number
in a record's text and string fields.

The worker, the dispatch and compliance commands, the simulators and the benchmarks all
set logging up here, from the level and format in Settings.

One shape everywhere: under ``python -m worker start`` the framework's JSON formatter
writes every line (``message``, ``level`` in capitals, ``name``, the fields,
``pid``, ``code.*``, ``timestamp``); our own handler (`LineFormatter`, for the token
endpoint, dispatch, the simulators and benchmarks) writes the same keys, and its text
form the layout of the framework's ``dev`` lines. Our events reach either as plain
stdlib records: no structlog key (``event``, a lower-case ``level``) survives into them.

Import-light: nothing here imports livekit-agents, so ``python -m dispatch --help``
does not pay for the framework.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any, Literal

import structlog

from config.urls import mask_url_credentials

__all__ = [
    "CALL_FIELDS",
    "CallContextFilter",
    "LineFormatter",
    "PIIFieldFilter",
    "PhoneNumberFilter",
    "UrlCredentialFilter",
    "configure_logging",
    "install_call_filter",
    "mask_phone_numbers",
]

CALL_FIELDS = ("call_id", "room", "job_id", "caller_kind")


class CallContextFilter(logging.Filter):
    """Adds the bound call fields to records that do not already have them."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in structlog.contextvars.get_contextvars().items():
            if key in CALL_FIELDS and not hasattr(record, key):
                setattr(record, key, value)
        return True


_FRAMEWORK_PII = "livekit.agents.telemetry.pii"


def _is_pii_field(key: str) -> bool:
    """The framework's own test once it is loaded (only then can its records carry such
    fields); before, the marker it documents: a ``pii`` segment (``lk.pii.text``)."""
    framework = sys.modules.get(_FRAMEWORK_PII)
    if framework is not None:
        return bool(framework.is_pii_attribute(key))
    return "pii" in key.split(".")


class PIIFieldFilter(logging.Filter):
    """Drops the fields the framework marks as conversation content (``lk.pii.*``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key in [k for k in record.__dict__ if _is_pii_field(k)]:
            delattr(record, key)
        return True


# E.164 as LiveKit writes it (a plus, then 7 to 15 digits): in room names, identities and
# SIP attributes. Timestamps and ids have no leading plus, so they are left alone.
_E164 = re.compile(r"\+\d{7,15}")
_MASK = "+[PHONE]"


def mask_phone_numbers(text: str) -> str:
    return _E164.sub(_MASK, text)


class _TextMaskFilter(logging.Filter):
    """Applies ``mask`` to a record's message, arguments and string fields that contain
    ``trigger`` (a cheap test first: most records contain neither)."""

    trigger = ""

    def mask(self, text: str) -> str:
        raise NotImplementedError

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and self.trigger in record.msg:
            record.msg = self.mask(record.msg)
        if isinstance(record.args, dict):
            record.args = self._mask_mapping(record.args)
        elif record.args:
            record.args = tuple(self.mask(a) if isinstance(a, str) else a for a in record.args)
        for key, value in list(record.__dict__.items()):
            if isinstance(value, str) and key not in _RESERVED and self.trigger in value:
                setattr(record, key, self.mask(value))
            elif isinstance(value, dict) and key not in _RESERVED:
                setattr(record, key, self._mask_mapping(value))
        return True

    def _mask_mapping(self, value: dict[Any, Any]) -> dict[Any, Any]:
        return {k: self.mask(v) if isinstance(v, str) else v for k, v in value.items()}


class PhoneNumberFilter(_TextMaskFilter):
    """Masks phone numbers in a record's message and string fields, ours and the
    framework's (room names, participant identities, SIP attributes)."""

    trigger = "+"

    def mask(self, text: str) -> str:
        return mask_phone_numbers(text)


class UrlCredentialFilter(_TextMaskFilter):
    """Masks the ``user:password@`` of any URL in a record (a LiveKit or provider URL
    set with credentials in it), ours and the framework's."""

    trigger = "@"

    def mask(self, text: str) -> str:
        return mask_url_credentials(text)


# Order matters: the call fields are stamped first, then masked with everything else.
_FILTERS = (CallContextFilter(), PIIFieldFilter(), PhoneNumberFilter(), UrlCredentialFilter())


def install_call_filter(logger: logging.Logger | None = None) -> None:
    """Attach the call and PII-field filters to every handler of ``logger`` (root by
    default); idempotent."""
    for handler in (logger or logging.getLogger()).handlers:
        for log_filter in _FILTERS:
            if log_filter not in handler.filters:
                handler.addFilter(log_filter)


# Attributes every LogRecord has; as `extra` keys they make stdlib raise KeyError.
_RESERVED = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
# What render_to_log_kwargs hands to stdlib as arguments, not as fields.
_PASSED_THROUGH = frozenset({"event", "exc_info", "stack_info", "stacklevel"})


def _rename_reserved(
    _logger: Any, _method: str, event_dict: structlog.typing.EventDict
) -> structlog.typing.EventDict:
    """``log.info("x", msg=...)`` must not crash the call: rename clashing keys."""
    for key in [k for k in event_dict if k in _RESERVED and k not in _PASSED_THROUGH]:
        event_dict[f"{key}_"] = event_dict.pop(key)
    return event_dict


# No add_log_level: the record's own level is the one rendered (a lower-case copy in
# the fields would override the framework's ``level``). No format_exc_info: the
# exception travels as the record's exc_info, rendered as the framework renders its own.
_SHARED_PROCESSORS: list[structlog.typing.Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.processors.StackInfoRenderer(),
]

# Attributes of a record that are not fields of the line (the framework's list,
# livekit/agents/cli/log.py _RESERVED_ATTRS, plus what the stdlib adds).
_RECORD_ATTRIBUTES = _RESERVED | {"exc_text", "stack_info", "taskName"}


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    return {
        key: value
        for key, value in record.__dict__.items()
        if key not in _RECORD_ATTRIBUTES and not key.startswith("_")
    }


def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return str(value)
    return value


class LineFormatter(logging.Formatter):
    """Our handler's lines, in the framework's shape.

    Args:
        fmt: ``json``: one object per line with the framework's keys; ``console``: the
            framework's ``dev`` layout (time - LEVEL logger - message {fields}), no colours.
    """

    def __init__(self, fmt: Literal["json", "console"]) -> None:
        super().__init__()
        self._json = fmt == "json"

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        fields = {key: _jsonable(value) for key, value in _fields(record).items()}
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if self._json:
            line: dict[str, Any] = {"message": message, "level": record.levelname}
            line["name"] = record.name
            line.update(fields)
            if record.exc_text:
                line["exc_info"] = record.exc_text
            if record.stack_info:
                line["stack_info"] = self.formatStack(record.stack_info)
            line.setdefault("pid", record.process)
            line.setdefault("code.file.path", record.pathname)
            line.setdefault("code.function.name", record.funcName)
            line.setdefault("code.line.number", record.lineno)
            line["timestamp"] = datetime.fromtimestamp(record.created, tz=UTC).isoformat()
            return json.dumps(line, ensure_ascii=False, default=str)
        text = f"{self.formatTime(record)} - {record.levelname} {record.name} - {message}"
        if fields:
            text += " " + json.dumps(fields, ensure_ascii=False, default=str)
        if record.exc_text:
            text += "\n" + record.exc_text
        return text


def configure_logging(
    *,
    level: str = "INFO",
    fmt: Literal["json", "console"] = "json",
    own_handler: bool = False,
) -> None:
    """Route structlog through stdlib.

    Args:
        level: level for our loggers (and the root handler when ``own_handler``).
        fmt: rendering of the handler we add when ``own_handler``.
        own_handler: add a stdout handler to the root logger. False under the LiveKit
            CLI, which installs its own; True for our commands and simulated calls.
    """
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_SHARED_PROCESSORS,
            structlog.stdlib.PositionalArgumentsFormatter(),
            _rename_reserved,
            # The event dict becomes the record's `extra`: every stdlib handler sees it.
            structlog.stdlib.render_to_log_kwargs,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        # Not cached: a later configure_logging (another level or format) and structlog's
        # capture_logs must reach module-level loggers that already logged. Our code logs
        # per turn, never per audio frame, so the lookup costs nothing that matters.
        cache_logger_on_first_use=False,
    )
    root = logging.getLogger()
    if own_handler:
        # A second call (a command run in-process after another) replaces our handler,
        # so the format asked for last is the one used.
        for old in [h for h in root.handlers if getattr(h, "_callcenter", False)]:
            root.removeHandler(old)
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(LineFormatter(fmt))
        handler._callcenter = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        root.setLevel(level)
        # A library's warnings.warn becomes a line of the same shape, not bare text.
        logging.captureWarnings(True)
    for name in ("worker", "sip", "dispatch", "compliance", "sim", "bench"):
        logging.getLogger(name).setLevel(level)
    install_call_filter()
