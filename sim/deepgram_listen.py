"""Deepgram's streaming ``/v1/listen`` websocket, as ``livekit.plugins.deepgram.STT`` uses it.

The simulator cannot transcribe, so *which* words are spoken comes from a script of
:class:`Segment` texts, each with where its words end on its voiced-time axis
(:mod:`sim.word_timing`). Everything else is decided from the audio and from Deepgram's
own definitions, with no knowledge of where the script's sentences end:

* **Endpointing** (developers.deepgram.com/docs/endpointing): speech is found in the
  linear16 PCM from its energy; once the caller has been quiet for the ``endpointing``
  setting the words voiced so far are finalized with ``is_final`` and ``speech_final``
  true, whatever the sentence. A 25 ms setting therefore finalizes at the 140-250 ms
  comma pauses of the synthesized callers, and a sentence spoken in two breaths comes
  back as two finals.
* **Interim results** (docs/interim-results, docs/using-interim-results,
  docs/understand-endpointing-interim-results): ``is_final: false`` results hold the
  words heard so far, one about every second of stream audio while the caller is in
  speech (:attr:`DeepgramLatency.interim_interval_s`). ``is_final``
  without ``speech_final`` marks a final that is not an endpoint: a ``Finalize`` while
  the caller is still talking, or ``endpointing=false``.
* **Utterance end** (docs/utterance-end): with ``utterance_end_ms`` (and interim results)
  an ``UtteranceEnd`` follows once no word has been heard for that long after the last
  finalized word.
* **Punctuation** is decided per final by :mod:`sim.deepgram_punctuation` (seeded): a
  period at a pause is common, a comma sometimes, a question mark for questions.
* **Final latency**: the final goes out :attr:`DeepgramLatency.final_delay` after the
  audio holding the last voiced frame arrived (a seeded log-normal; see ``sim.latency``),
  never before the endpoint itself.
* **Connections** (docs/recovering-from-connection-errors-and-timeouts-when-live-streaming-audio):
  a transcript covers the audio its connection received. When a connection ends, the
  words whose audio it heard and had not sent in a final are lost with it
  (:attr:`ListenConnection.lost_words`); the rest of the scripted segment is heard on
  the next connection, from the audio that one receives, with its timestamps starting
  again at zero. Audio the client never delivered to a live connection is never
  transcribed: the voiced-time clock counts received audio only, so words the client
  dropped in flight shift the next connection's words by that much.

Speech timing is in *audio time* (samples received / sample rate): a client that paces
audio in real time sees real-time behaviour, and a test that pushes audio faster gets the
same messages sooner. The final delay and :attr:`DeepgramLatency.connect_delay_s` are
wall-clock, as they model server work.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import random
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import structlog
from aiohttp import web
from multidict import MultiMapping

from ._server import FaultPlan
from .deepgram_punctuation import DeepgramPunctuation, Punctuator
from .deepgram_socket import DeepgramSocket, DeepgramSocketServer
from .latency import Delay
from .word_timing import spoken_words

__all__ = [
    "DeepgramLatency",
    "DeepgramListenSim",
    "DeepgramPunctuation",
    "ListenConnection",
    "ListenQuery",
    "Segment",
    "UtteranceRecord",
]

log = structlog.get_logger(__name__)

_PATH = "/v1/listen"
_FRAME_S = 0.01
_TRUE_FALSE = {"true": True, "false": False}

Message = dict[str, Any]


@dataclass(frozen=True)
class Segment:
    """One scripted stretch of caller speech: what is said, not how it is written.

    Args:
        text: the words spoken. Punctuation and sentence capitals are ignored: the
            simulator decides how the transcript is punctuated and where it is split.
        duration_s: voiced time the caller takes to say it; words are heard in order
            over it, in proportion to their length. ``None``: said in one breath, every
            word heard by the first pause.
        word_ends_s: voiced-time end of each word (see :func:`sim.word_timing.word_ends`),
            measured from the audio; overrides ``duration_s`` for the words. A part with
            no words (a cough, mumbling) still lasts ``duration_s`` of voiced time when
            given: its stretches of speech are its own, not the next part's.
    """

    text: str
    duration_s: float | None = None
    word_ends_s: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        ends = self.word_ends_s
        if ends is not None and len(ends) != len(spoken_words(self.text)):
            raise ValueError("word_ends_s needs one end per spoken word")


_SPAN_SLACK_S = 0.15
"""How far the endpointer's voiced time (onset after 50 ms, pauses from 100 ms) may fall
short of the part's, measured by :func:`sim.word_timing.voiced_time` (pauses from 120 ms)."""


@dataclass(frozen=True)
class DeepgramLatency:
    """Timing and detection knobs of the simulated recogniser."""

    final_delay: Delay = field(default_factory=lambda: Delay(0.0))
    """Wall-clock time from the arrival of the last voiced audio to the final result (the
    endpoint wait plus the model's finalize work), drawn per final. A draw shorter than
    the endpoint wait sends the final at the endpoint."""
    interim_interval_s: float = 1.0
    """Stream audio between interim results. Deepgram's own example output
    (developers.deepgram.com/docs/using-interim-results) shows one interim per second
    of the stream (spans 0-1.1 s, 0-2.1 s, 0-3.1 s...), and client logs show the same
    1 s spacing: a short answer ("Yes.") can come back with no interim at all, and the
    last words of a turn are rarely in one before its final."""
    min_gap_s: float = 0.1
    """Floor on the quiet that makes an endpoint. Deepgram's VAD tells a pause from the
    closure of a stop consonant; this energy detector cannot, and espeak-ng leaves up to
    90 ms of near-silence inside phrases (its comma pauses measure 140-250 ms)."""
    max_gap_s: float = 1.5
    """With ``endpointing=false``, a quiet this long still finalizes what was heard
    (``is_final`` without ``speech_final``), as Deepgram's own finalization does."""
    connect_delay_s: float = 0.0
    """Wall-clock handshake latency (TLS and auth on the real service)."""
    threshold_dbfs: float = -40.0
    """A 10 ms frame at or above this RMS is voiced: espeak speech sits near -20 dBFS,
    line noise below -50."""
    onset_s: float = 0.05
    """Voiced run needed to start speech, so a click or pop does not open a segment."""
    word_s: float = 0.3
    """Pace at which interim words appear when a segment has no timing."""
    idle_timeout_s: float = 10.0
    """Deepgram closes a stream that gets neither audio nor a text message this long
    (its NET-0001 error)."""


@dataclass(frozen=True)
class ListenQuery:
    """The query string of one ``/v1/listen`` connection, parsed with Deepgram's defaults."""

    model: str
    language: str | None
    encoding: str
    sample_rate: int
    channels: int
    endpointing_ms: int | None
    """``None`` when the client sent ``endpointing=false``."""
    interim_results: bool
    punctuate: bool
    smart_format: bool
    no_delay: bool
    numerals: bool
    vad_events: bool
    filler_words: bool
    profanity_filter: bool
    mip_opt_out: bool
    utterance_end_ms: int | None
    keyterm: tuple[str, ...]
    raw: Mapping[str, tuple[str, ...]]
    """Every parameter as sent, multi-valued ones (``keyterm``) in order."""

    @classmethod
    def parse(cls, query: MultiMapping[str]) -> ListenQuery:
        """Parse and validate a query.

        Raises:
            ValueError: with Deepgram-like wording when a parameter is unusable.
        """
        raw = {key: tuple(query.getall(key)) for key in dict.fromkeys(query.keys())}

        def flag(name: str, default: bool) -> bool:
            value = query.get(name)
            if value is None:
                return default
            if value.lower() not in _TRUE_FALSE:
                raise ValueError(f"Invalid value for '{name}': expected true or false")
            return _TRUE_FALSE[value.lower()]

        def integer(name: str) -> int | None:
            value = query.get(name)
            if value is None:
                return None
            try:
                return int(value)
            except ValueError:
                raise ValueError(f"Invalid value for '{name}': expected an integer") from None

        encoding = query.get("encoding", "")
        if encoding != "linear16":
            # Containerised audio would need decoding; the plugin always sends raw PCM.
            raise ValueError(f"Unsupported encoding '{encoding}': this simulator takes linear16")
        sample_rate = integer("sample_rate")
        if sample_rate is None or sample_rate <= 0:
            raise ValueError("sample_rate is required for raw linear16 audio")
        channels = integer("channels") or 1
        endpointing = query.get("endpointing", "true").lower()
        endpointing_ms: int | None
        if endpointing == "false":
            endpointing_ms = None
        elif endpointing == "true":
            # Deepgram's default: endpoint after 10 ms of silence.
            endpointing_ms = 10
        else:
            endpointing_ms = integer("endpointing")
        return cls(
            model=query.get("model", "base"),
            language=query.get("language"),
            encoding=encoding,
            sample_rate=sample_rate,
            channels=channels,
            endpointing_ms=endpointing_ms,
            interim_results=flag("interim_results", False),
            punctuate=flag("punctuate", False),
            smart_format=flag("smart_format", False),
            no_delay=flag("no_delay", False),
            numerals=flag("numerals", False),
            vad_events=flag("vad_events", False),
            filler_words=flag("filler_words", False),
            profanity_filter=flag("profanity_filter", False),
            mip_opt_out=flag("mip_opt_out", False),
            utterance_end_ms=integer("utterance_end_ms"),
            keyterm=raw.get("keyterm", ()),
            raw=raw,
        )


@dataclass
class ListenConnection:
    """Record of one websocket attempt (accepted or refused)."""

    index: int
    request_id: str
    status: int
    """101 when upgraded, else the HTTP status the upgrade was refused with."""
    raw_query: Mapping[str, tuple[str, ...]]
    query: ListenQuery | None = None
    audio_bytes: int = 0
    keepalives: int = 0
    finalizes: int = 0
    close_stream: bool = False
    sent: list[Message | str] = field(default_factory=list)
    """Server messages in send order; a malformed frame is kept as its raw text."""
    close_code: int | None = None
    """The close code the server sent, if it closed the socket."""
    lost_words: list[str] = field(default_factory=list)
    """Scripted words whose audio this connection received and never sent in a final:
    lost when it ended (no other connection hears that audio)."""

    @property
    def audio_s(self) -> float:
        if self.query is None:
            return 0.0
        return self.audio_bytes / (2 * self.query.channels * self.query.sample_rate)


@dataclass
class UtteranceRecord:
    """One stretch of speech the simulator finalized (onset to final), for measuring STT
    delay.

    Audio times count from the start of the connection's audio; wall times are the event
    loop clock (``loop.time()``).
    """

    connection: int
    text: str
    """The transcript of the final, as sent."""
    speech_start_s: float
    speech_end_s: float | None = None
    endpoint_s: float | None = None
    """Audio time at which the stretch was declared over (end plus the quiet gap)."""
    speech_end_at: float | None = None
    """Wall time at which the audio holding the last voiced frame arrived."""
    endpoint_at: float | None = None
    final_due_at: float | None = None
    """Wall time the final was scheduled for: the end of speech plus the drawn delay."""
    final_sent_at: float | None = None
    """``None`` when the connection ended before the final went out."""
    from_finalize: bool = False
    speech_final: bool = False


class _Endpointer:
    """Speech segmentation from per-frame voiced/quiet decisions, in audio time."""

    def __init__(self, *, onset_s: float, gap_s: float) -> None:
        self.onset_s = onset_s
        self.gap_s = gap_s
        self.in_speech = False
        self.start_s = 0.0
        self.last_voiced_end_s = 0.0
        self.quiet_s = 0.0
        self._run_start_s: float | None = None
        self._run_s = 0.0

    def step(self, end_s: float, frame_s: float, voiced: bool) -> str | None:
        """Advance one frame; returns ``"onset"``, ``"end"`` or ``None``."""
        if not self.in_speech:
            self.quiet_s = 0.0 if voiced else self.quiet_s + frame_s
            if not voiced:
                self._run_start_s = None
                return None
            if self._run_start_s is None:
                self._run_start_s, self._run_s = end_s - frame_s, 0.0
            self._run_s += frame_s
            if self._run_s + 1e-9 < self.onset_s:
                return None
            self.in_speech = True
            self.start_s = self._run_start_s
            self.last_voiced_end_s, self.quiet_s = end_s, 0.0
            return "onset"
        if voiced:
            self.quiet_s = 0.0
            self.last_voiced_end_s = end_s
            return None
        self.quiet_s += frame_s
        if self.quiet_s + 1e-9 >= self.gap_s:
            self.cut()
            return "end"
        return None

    def cut(self) -> None:
        """End the current stretch now (Finalize, CloseStream)."""
        self.in_speech = False
        self._run_start_s = None


class _Heard:
    """A scripted segment being spoken: its words and how far the caller has got.

    The clock is voiced time: each stretch of speech (onset to its last voiced frame)
    adds its length, pauses add nothing, so a pause does not use up words.
    """

    def __init__(self, segment: Segment, word_s: float) -> None:
        self.segment = segment
        self.words = spoken_words(segment.text)
        self.timed = segment.word_ends_s is not None or segment.duration_s is not None
        if segment.word_ends_s is not None:
            self.ends = list(segment.word_ends_s)
        else:
            span = segment.duration_s or word_s * len(self.words)
            weights = [len(w) + 1 for w in self.words]
            total, used = sum(weights) or 1, 0
            self.ends = []
            for weight in weights:
                used += weight
                self.ends.append(span * used / total)
        self.done_s = 0.0
        """Voiced time of the stretches already over."""
        self.finalized = 0
        """Words already sent in a final."""
        self.stretches = 0
        """Stretches of speech already finalized against this segment."""
        self.span_s = segment.duration_s

    def heard(self, spoken_s: float, *, final: bool) -> int:
        """How many words are heard once ``spoken_s`` of this segment is voiced: a word
        counts once more than half of it has been said. An untimed segment is said in one
        breath: its interims are paced, its first final has it all."""
        if final and not self.timed:
            return len(self.words)
        count = 0
        start = 0.0
        for end in self.ends:
            if (start + end) / 2 > spoken_s + 1e-9:
                break
            count += 1
            start = end
        return count

    @property
    def exhausted(self) -> bool:
        # A part with no words (a cough, "hmm") is still the caller's own speech: it is
        # used up when its stretches end (all of its voiced time, when that is known),
        # not at its onset, or the next part's words would be heard in it.
        if self.words:
            return self.finalized >= len(self.words)
        if self.span_s is not None:
            return self.done_s + _SPAN_SLACK_S >= self.span_s
        return self.stretches > 0


class SegmentScript:
    """What the caller will say, as a Deepgram simulator hears it: scripted segments in
    order, and the rest of any a dropped connection left unfinished, which the next
    connection resumes first."""

    def __init__(self, segments: Iterable[Segment | str] = ()) -> None:
        self._pending: deque[Segment] = deque()
        self._unfinished: deque[_Heard] = deque()
        self.push(*segments)

    @property
    def pending(self) -> tuple[Segment, ...]:
        """Scripted segments not yet heard."""
        return tuple(self._pending)

    def push(self, *segments: Segment | str) -> None:
        """Append segments to the script."""
        self._pending.extend(s if isinstance(s, Segment) else Segment(s) for s in segments)

    def resume(self, heard: _Heard) -> None:
        """A connection ended partway through ``heard``: the next one hears the rest."""
        self._unfinished.append(heard)

    def next_heard(self, word_s: float) -> _Heard | None:
        """The segment a new stretch of speech is, or None when the script is spent."""
        if self._unfinished:
            return self._unfinished.popleft()
        if not self._pending:
            return None
        return _Heard(self._pending.popleft(), word_s)

    def say_again(self, *segments: Segment) -> None:
        """The caller says ``segments`` again (the agent asked them to repeat): heard next,
        in full. Segments not yet heard at all stay where they are (the connection that
        would have heard them never did), and the rest of one a dropped connection left
        unfinished is not resumed: the caller starts over."""
        kept = [h for h in self._unfinished if h.segment not in segments]
        self._unfinished.clear()
        self._unfinished.extend(kept)
        if list(self._pending)[: len(segments)] != list(segments):
            self._pending.extendleft(reversed(segments))


def _words(
    tokens: list[str], shown: list[str], start_s: float, end_s: float, *, punctuated: bool
) -> list[Message]:
    """Spread tokens over [start, end] by length, like aligned recogniser output."""
    weights = [len(t) + 1 for t in tokens]
    total = sum(weights) or 1
    span = max(end_s - start_s, 0.0)
    out: list[Message] = []
    t = start_s
    for token, form, weight in zip(tokens, shown, weights, strict=True):
        length = span * weight / total
        word: Message = {
            "word": token.lower(),
            "start": round(t, 3),
            "end": round(t + length * 0.9, 3),
            "confidence": 0.98,
        }
        if punctuated:
            word["punctuated_word"] = form
        out.append(word)
        t += length
    return out


class _ListenSession(DeepgramSocket):
    """One accepted websocket: audio in, Deepgram messages out."""

    log_name = "deepgram_sim"

    def __init__(
        self,
        sim: DeepgramListenSim,
        ws: web.WebSocketResponse,
        conn: ListenConnection,
        query: ListenQuery,
    ) -> None:
        super().__init__(
            sim,
            ws,
            conn,
            sample_rate=query.sample_rate,
            channels=query.channels,
            frame_s=_FRAME_S,
            threshold_dbfs=sim.latency.threshold_dbfs,
            idle_timeout_s=sim.latency.idle_timeout_s,
        )
        self._sim = sim
        self._conn = conn
        self._q = query
        self._lat = sim.latency
        # endpointing=false: no endpoint, but a long quiet still finalizes.
        self._endpoints = query.endpointing_ms is not None
        gap_s = (
            max((query.endpointing_ms or 0) / 1000.0, self._lat.min_gap_s)
            if self._endpoints
            else max(self._lat.max_gap_s, self._lat.min_gap_s)
        )
        self._endpointer = _Endpointer(onset_s=self._lat.onset_s, gap_s=gap_s)
        # Separate generators, so a change in one knob does not reshuffle the other.
        seed = f"{sim.seed}:{conn.index}"
        self._delay_rng = random.Random(f"deepgram-final-delay:{seed}")
        self._punctuator = Punctuator(sim.punctuation, random.Random(f"deepgram-punct:{seed}"))
        self._sha = hashlib.sha256()
        self._cursor_s = 0.0
        self._heard: _Heard | None = None
        self._utterance: UtteranceRecord | None = None
        self._next_interim_s = self._lat.interim_interval_s
        """Stream audio time of the next interim: the service works through the stream
        in steps of its own, whenever the caller happened to start."""
        self._endpoint_pending = False
        self._utterance_end_due: tuple[float, float] | None = None
        self._last_voiced_at = self._loop.time()

    def _hand_over(self) -> None:
        """The connection is over: what it heard and did not send is lost with it, and
        the rest of its segment goes to the next connection."""
        while not self._outbox.empty():
            item = self._outbox.get_nowait()
            if item is not None and item.message.get("is_final"):
                words = item.message["channel"]["alternatives"][0]["words"]
                self._conn.lost_words += [str(w["word"]) for w in words]
        heard, spoken_s = self._heard, self._spoken_s()
        self._heard = None
        if heard is None or heard.exhausted:
            return
        ep = self._endpointer
        if ep.in_speech:
            upto = heard.heard(spoken_s, final=False)
            self._conn.lost_words += heard.words[heard.finalized : upto]
            heard.finalized = max(heard.finalized, upto)
            heard.done_s += ep.last_voiced_end_s - ep.start_s
        if not heard.exhausted:
            self._sim.script.resume(heard)

    async def _on_idle(self) -> None:
        await self._close(1011, "NET-0001: no audio or message within the timeout window")

    async def _disconnect(self) -> None:
        await self._close(1011, "simulated disconnect")

    def _on_audio_bytes(self, data: bytes) -> None:
        self._sha.update(data)

    def _spoken_s(self) -> float:
        """Voiced time of the current segment up to the last voiced frame of the stretch
        in progress (or just ended, before :meth:`_finish` books it)."""
        ep, heard = self._endpointer, self._heard
        if heard is None:
            return 0.0
        return heard.done_s + ep.last_voiced_end_s - ep.start_s

    def _on_frame(self, frame_s: float, voiced: bool) -> None:
        ep = self._endpointer
        event = ep.step(self._now_s, frame_s, voiced)
        if event == "onset":
            self._on_onset()
        elif event == "end":
            self._finish(from_finalize=False, speech_final=self._endpoints)
        elif ep.in_speech and voiced:
            self._last_voiced_at = self._loop.time()
        elif not ep.in_speech:
            self._on_quiet_idle()
        if self._now_s + 1e-9 >= self._next_interim_s:
            while self._now_s + 1e-9 >= self._next_interim_s:
                self._next_interim_s += self._lat.interim_interval_s
            if ep.in_speech and event != "end":
                self._send_interim()

    def _on_onset(self) -> None:
        ep = self._endpointer
        self._last_voiced_at = self._loop.time()
        self._utterance_end_due = None
        self._utterance = UtteranceRecord(self._conn.index, "", round(ep.start_s, 3))
        self._sim.utterances.append(self._utterance)
        self._bind()
        if self._q.vad_events:
            self._queue(
                {"type": "SpeechStarted", "channel": [0, 1], "timestamp": round(ep.start_s, 3)}
            )

    def _bind(self) -> None:
        # A segment spans pauses until all its words were finalized; the next one is
        # taken lazily so that push() after onset still feeds this stretch.
        if self._heard is None or self._heard.exhausted:
            self._heard = self._sim.script.next_heard(self._lat.word_s)

    def _on_quiet_idle(self) -> None:
        ep = self._endpointer
        if self._endpoint_pending and ep.quiet_s + 1e-9 >= ep.gap_s:
            # A Finalize mid-speech left the endpoint open; Deepgram closes it with an
            # empty speech_final result once the caller actually stops.
            self._endpoint_pending = False
            self._queue(self._results([], [], is_final=True, speech_final=self._endpoints))
        if self._utterance_end_due is not None and self._now_s + 1e-9 >= self._utterance_end_due[0]:
            last_word_end = self._utterance_end_due[1]
            self._utterance_end_due = None
            self._queue({"type": "UtteranceEnd", "channel": [0, 1], "last_word_end": last_word_end})

    def _pending_words(self, *, final: bool) -> list[str]:
        """Words heard and not finalized yet."""
        self._bind()
        heard = self._heard
        if heard is None:
            return []
        return heard.words[heard.finalized : heard.heard(self._spoken_s(), final=final)]

    def _send_interim(self) -> None:
        if not self._q.interim_results:
            return
        tokens = self._pending_words(final=False)
        if not tokens:
            return
        ep = self._endpointer
        shown = self._punctuator.render(tokens, final=False) if self._punct else tokens
        words = _words(tokens, shown, ep.start_s, ep.last_voiced_end_s, punctuated=self._punct)
        self._queue(self._results(words, shown, is_final=False, speech_final=False))

    @property
    def _punct(self) -> bool:
        return self._q.punctuate or self._q.smart_format

    def _finish(self, *, from_finalize: bool, speech_final: bool) -> None:
        """Finalize the words heard so far: at an endpoint, a Finalize or the stream's end."""
        ep = self._endpointer
        start_s, end_s = ep.start_s, ep.last_voiced_end_s
        tokens = self._pending_words(final=True)
        heard = self._heard
        if heard is not None:
            heard.finalized += len(tokens)
            heard.done_s += end_s - start_s
            heard.stretches += 1
        shown = self._punctuator.render(tokens, final=True) if self._punct else tokens
        words = _words(tokens, shown, start_s, end_s, punctuated=self._punct)
        message = self._results(words, shown, is_final=True, speech_final=speech_final)
        if from_finalize:
            message["from_finalize"] = True
        utterance, self._utterance = self._utterance, None
        self._endpoint_pending = not speech_final and self._endpoints
        if self._q.utterance_end_ms is not None and self._q.interim_results:
            self._utterance_end_due = (end_s + self._q.utterance_end_ms / 1000, round(end_s, 3))
        # The model's finalize work runs from the end of speech; the endpoint wait is part
        # of it, so a short draw still cannot send the final before the endpoint.
        not_before = self._last_voiced_at + self._lat.final_delay.sample(self._delay_rng)
        delay_s = max(0.0, not_before - self._loop.time())
        if utterance is None:
            self._queue(message, delay_s=delay_s)
            return
        utterance.text = message["channel"]["alternatives"][0]["transcript"]
        utterance.speech_end_s = round(end_s, 3)
        utterance.endpoint_s = round(self._now_s, 3)
        utterance.speech_end_at = self._last_voiced_at
        utterance.endpoint_at = self._loop.time()
        utterance.final_due_at = not_before
        utterance.from_finalize = from_finalize
        utterance.speech_final = speech_final

        def sent(at: float) -> None:
            utterance.final_sent_at = at

        self._queue(message, delay_s=delay_s, on_sent=sent)

    def _results(
        self, words: list[Message], shown: list[str], *, is_final: bool, speech_final: bool
    ) -> Message:
        now_s = self._now_s
        start_s = self._cursor_s
        if is_final:
            # Final windows tile the stream, as Deepgram's do.
            self._cursor_s = now_s
        return {
            "type": "Results",
            "channel_index": [0, 1],
            "duration": round(now_s - start_s, 3),
            "start": round(start_s, 3),
            "is_final": is_final,
            "speech_final": speech_final,
            "channel": {
                "alternatives": [
                    {
                        "transcript": " ".join(shown),
                        "confidence": 0.98 if words else 0.0,
                        "words": words,
                    }
                ]
            },
            "metadata": self._sim._metadata_block(self._conn, self._q),
            "from_finalize": False,
        }

    async def _on_control(self, text: str, sender: asyncio.Task[None]) -> bool:
        """Handle a text message; returns True when the stream is over."""
        try:
            payload = json.loads(text)
            kind = payload.get("type") if isinstance(payload, dict) else None
        except json.JSONDecodeError:
            payload, kind = text, None
        self._sim.record(self._conn.index, "control", _PATH, payload)
        if kind == "KeepAlive":
            self._conn.keepalives += 1
        elif kind == "Finalize":
            self._conn.finalizes += 1
            if self._endpointer.in_speech:
                # The endpoint is only real if the caller had already gone quiet.
                quiet = self._endpointer.quiet_s > 0
                self._endpointer.cut()
                self._finish(from_finalize=True, speech_final=quiet and self._endpoints)
        elif kind == "CloseStream":
            self._conn.close_stream = True
            if self._endpointer.in_speech:
                self._endpointer.cut()
                self._finish(from_finalize=False, speech_final=True)
            self._queue(self._closing_metadata())
            self._outbox.put_nowait(None)
            with contextlib.suppress(asyncio.CancelledError):
                await sender
            await self._close(1000, "")
            return True
        else:
            log.warning("deepgram_sim.unknown_message", connection=self._conn.index)
        return False

    def _closing_metadata(self) -> Message:
        model = self._q.model
        model_uuid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"deepgram-sim/{model}"))
        return {
            "type": "Metadata",
            "transaction_key": "deprecated",
            "request_id": self._conn.request_id,
            "sha256": self._sha.hexdigest(),
            "created": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "duration": round(self._conn.audio_s, 3),
            "channels": self._q.channels,
            "models": [model_uuid],
            "model_info": {
                model_uuid: {"name": f"general-{model}", "version": "sim", "arch": model}
            },
        }

    def _queue(
        self,
        message: Message,
        *,
        delay_s: float = 0.0,
        on_sent: Callable[[float], None] | None = None,
    ) -> None:
        self._enqueue(message, delay_s, on_sent)


class DeepgramListenSim(DeepgramSocketServer):
    """Loopback stand-in for ``wss://api.deepgram.com/v1/listen``.

    Args:
        segments: what the caller will say, in order; a plain string is a
            :class:`Segment` without a duration.
        api_key: the key the ``Authorization: Token`` header must carry; ``None``
            accepts any non-empty key.
        latency: timing profile.
        faults: failures to inject, targeted by websocket connection index.
        punctuation: how finals are punctuated (rates of a period, a comma...).
        seed: seeds each connection's draws (final delays, punctuation), so a run is
            reproducible; another seed is another plausible run.
    """

    log_name = "deepgram_sim"

    def __init__(
        self,
        segments: Iterable[Segment | str] = (),
        *,
        api_key: str | None = None,
        latency: DeepgramLatency | None = None,
        faults: FaultPlan | None = None,
        punctuation: DeepgramPunctuation | None = None,
        seed: int = 0,
    ) -> None:
        super().__init__(faults=faults)
        self.latency = latency or DeepgramLatency()
        self.punctuation = punctuation or DeepgramPunctuation()
        self.seed = seed
        self.connections: list[ListenConnection] = []
        self.utterances: list[UtteranceRecord] = []
        self._api_key = api_key
        self.script = SegmentScript(segments)

    @property
    def base_url(self) -> str:
        """What to pass as ``deepgram.STT(base_url=...)``; the plugin swaps http for ws."""
        return f"{self.http_url}{_PATH}"

    def _routes(self, app: web.Application) -> None:
        app.router.add_get(_PATH, self.tracked(self._handle))

    def _metadata_block(self, conn: ListenConnection, query: ListenQuery) -> Message:
        model_uuid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"deepgram-sim/{query.model}"))
        return {
            "request_id": conn.request_id,
            "model_info": {"name": f"general-{query.model}", "version": "sim", "arch": query.model},
            "model_uuid": model_uuid,
        }

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        index = self.next_request_index()
        raw = {k: tuple(request.query.getall(k)) for k in dict.fromkeys(request.query.keys())}
        conn = ListenConnection(index, str(uuid.uuid4()), 0, raw)
        self.connections.append(conn)
        self.record(index, "connect", _PATH, raw)

        opened = await self._upgrade(
            request,
            conn,
            api_key=self._api_key,
            connect_delay_s=self.latency.connect_delay_s,
            parse=ListenQuery.parse,
        )
        if not isinstance(opened, tuple):
            return opened
        ws, query = opened
        conn.query = query
        log.info(
            "deepgram_sim.connected",
            connection=index,
            sample_rate=query.sample_rate,
            endpointing_ms=query.endpointing_ms,
        )
        await _ListenSession(self, ws, conn, query).run()
        return ws
