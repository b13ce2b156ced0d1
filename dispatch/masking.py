"""The last line of defence: every line ``python -m dispatch`` writes passes through
a `Masker` that hides the secrets of the run.

The first line is that nothing prints a PIN or a password in the first place (plans
say ``set``/``differs``/``removed``, validation messages never quote a PIN, the export
writes variable names). This catches what slips past that: a server's error message,
a library's exception text, a traceback. It knows the values the run read (passwords
and PINs from the environment, PINs from the file, also as YAML's numeric readings of
an unquoted one, and PINs the server holds), and hides them wherever they stand as a
whole token; values under `MIN_LENGTH` characters are left alone (masking every "1"
would garble the output; `validate` warns about PINs that short).
It also hides the password part of a URL (``scheme://user:password@host``) and the
``input_value=`` that pydantic puts in an error's text.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from collections.abc import Iterable
from typing import TextIO

__all__ = ["MASK", "MIN_LENGTH", "MaskedStream", "Masker", "MaskingLogFilter", "pin_readings"]

MASK = "****"
MIN_LENGTH = 4
_URL_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]*@")
_INPUT_VALUE = re.compile(r"input_value=(?:'[^']*'|\"[^\"]*\"|\S+?)(?=[,\]\s)]|$)")
# `pin: 0123` or `pin: '4321'` in raw YAML, for files that do not even parse.
_RAW_PIN = re.compile(r"""\bpin\s*:\s*["']?([0-9*#]+)""")


def pin_readings(raw: str) -> set[str]:
    """A PIN as written, and what YAML 1.1 makes of it unquoted (``0123`` is octal 83)."""
    readings = {raw}
    if raw.isdigit():
        readings.add(str(int(raw)))
        if len(raw) > 1 and raw.startswith("0") and set(raw) <= set("01234567"):
            readings.add(str(int(raw, 8)))
    return readings


class Masker:
    """Hides known secret values in text."""

    def __init__(self) -> None:
        self._values: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def __repr__(self) -> str:
        return f"Masker({len(self._values)} values)"

    def add(self, values: Iterable[str]) -> None:
        # Also as JSON writes them (a quote or backslash in a password is escaped there).
        spelled = {form for v in values for form in (v, json.dumps(v)[1:-1])}
        fresh = {v for v in spelled if len(v) >= MIN_LENGTH} - self._values
        if fresh:
            self._values |= fresh
            alternatives = "|".join(
                re.escape(v) for v in sorted(self._values, key=len, reverse=True)
            )
            self._pattern = re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})(?![A-Za-z0-9])")

    def add_raw_file(self, text: str) -> None:
        """The PINs of a dispatch file's text, even one that does not parse."""
        for match in _RAW_PIN.finditer(text):
            self.add(pin_readings(match.group(1)))

    def __call__(self, text: str) -> str:
        text = _URL_USERINFO.sub(r"\g<scheme>" + MASK + "@", text)
        text = _INPUT_VALUE.sub("input_value=" + MASK, text)
        if self._pattern is not None:
            text = self._pattern.sub(MASK, text)
        return text

    def traceback(self, error: BaseException) -> str:
        return self("".join(traceback.format_exception(error)))


class MaskedStream:
    """A text stream that masks what is written to it."""

    def __init__(self, stream: TextIO, masker: Masker) -> None:
        self._stream = stream
        self._masker = masker

    def write(self, text: str) -> int:
        self._stream.write(self._masker(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()


class MaskingLogFilter(logging.Filter):
    """Masks a log record's message and string fields (structlog puts an event's
    fields on the record), so log lines on stderr get the same treatment as output."""

    def __init__(self, masker: Masker) -> None:
        super().__init__()
        self._masker = masker

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = self._masker(record.msg)
        for key, value in list(record.__dict__.items()):
            if isinstance(value, str) and key not in ("msg", "name", "levelname", "pathname"):
                setattr(record, key, self._masker(value))
        return True
