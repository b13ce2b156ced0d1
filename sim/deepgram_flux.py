"""Deepgram Flux: the turn-based ``/v2/listen`` websocket, written from Deepgram's documents.

Sources (each behaviour below names the one it follows):

* [API] API reference, "Turn-based Audio (Flux)":
  https://developers.deepgram.com/reference/speech-to-text/listen-flux — the endpoint,
  the ``Authorization: Token``/``Bearer`` header, the query parameters and their ranges
  (``eager_eot_threshold`` 0.3-0.9, ``eot_threshold`` 0.5-0.9), the messages
  (``Connected``, ``TurnInfo``, ``Error``, ``ConfigureSuccess``/``ConfigureFailure``;
  client ``CloseStream`` and ``Configure``).
* [SDK] the message schemas generated from Deepgram's API definition, as published in
  deepgram/deepgram-python-sdk ``src/deepgram/listen/v2/types/`` (``ListenV2TurnInfo``,
  ``ListenV2Connected``, ``ListenV2FatalError``, ``ListenV2ConfigureSuccess``,
  ``ListenV2TurnInfoWordsItem``): field names, ``sequence_id`` counting every server
  message from 0, words "punctuated, properly-cased" with a confidence and optional
  ``start``/``end``.
* [STATE] "Understanding the Flux State Machine":
  https://developers.deepgram.com/docs/flux/state — Initial -> TurnOngoing
  (``StartOfTurn``) -> AwaitingEnd (``EagerEndOfTurn``) -> TurnOngoing (``TurnResumed``)
  or Initial (``EndOfTurn``); ``Update`` about every 0.25 s of audio "regardless of
  transcript updates, unless a state change has occurred"; an ``EagerEndOfTurn`` always
  has a transcript; ``TurnResumed`` only after an ``EagerEndOfTurn``; the ``EndOfTurn``
  transcript equals the preceding ``EagerEndOfTurn`` one (a change brings a
  ``TurnResumed`` first); ``turn_index`` increments right after ``EndOfTurn``; every
  ``StartOfTurn`` carries a non-empty transcript (the barge-in note on the same page).
* [CONFIG] "End-of-Turn Detection Parameters":
  https://developers.deepgram.com/docs/flux/configuration — ``eot_threshold`` default
  0.7, ``eot_timeout_ms`` 500-10000, default 5000 ("maximum silence ... before forcing
  EndOfTurn"); ``eager_eot_threshold`` unset by default, and only when it is set are
  ``EagerEndOfTurn``/``TurnResumed`` sent; lower values trigger earlier, at the cost of
  more LLM calls.
* [MIGRATE] "Migrating from Nova-3 to Flux":
  https://developers.deepgram.com/docs/flux/nova-3-migration — "~260ms end-of-turn
  detection (p50 at defaults)"; linear16, mono, sample rates 8000, 16000, 24000, 44100,
  48000; ~80 ms chunks recommended.
* [TOGETHER] Flux model card on Together AI: https://www.together.ai/models/flux —
  "Median end-of-turn detection latency under 300ms with p95 at 1.5 seconds".
* [TELNYX] Telnyx's Flux parameter page:
  https://developers.telnyx.com/docs/voice/stt/websocket-streaming/parameters/end-of-turn
  — "0.3-0.5 for ~150-250 ms latency savings at the cost of ~50-70% more LLM calls";
  and its release note https://telnyx.com/release-notes/automatic-eager-end-of-turn-deepgram-flux
  — eager end of turn "reduces median response latency by ~150 ms".

What Deepgram does not publish, the simulator models, and says so (:class:`FluxLatency`):

* Which words are spoken comes from a script of :class:`~sim.deepgram_listen.Segment`
  texts, heard as they are voiced, found in the audio with the /v1 simulator's speech
  detector and word timing (:mod:`sim.deepgram_listen`, :mod:`sim.word_timing`).
* **End-of-turn confidence.** Flux's model is acoustic and semantic; this one is a
  curve over the silence since the last voiced frame, ``1 - 0.3 * exp(-(t - L) / tau)``:
  it crosses 0.7 (the default ``eot_threshold``) after ``L`` seconds of silence, drawn
  per pause from the published end-of-turn latency (p50 ~260 ms [MIGRATE], p95 1.5 s
  [TOGETHER]); ``tau`` sets how much sooner a lower threshold is crossed, fitted to the
  published eager saving [TELNYX]. Its only "semantics": a pause after a word that
  cannot end a clause (a preposition, an article, "and", "my"...) draws ``L`` from a
  much later distribution (our assumption; Flux "waits through the silence" after an
  unfinished phrase). It does not know what the caller is dictating or what the agent
  asked: a number read in groups ends on a digit and looks finished, as it would to any
  model that hears only the caller.
* **Punctuation** follows the /v1 simulator's seeded rules
  (:mod:`sim.deepgram_punctuation`), the words being "punctuated, properly-cased" [SDK];
  the ending is drawn once per turn end, so the ``EndOfTurn`` transcript matches the
  ``EagerEndOfTurn`` one [STATE].

Timing is in *audio time* (samples received / sample rate), so a client pushing audio
faster than real time gets the same messages sooner; :attr:`FluxLatency.event_delay` and
:attr:`FluxLatency.connect_delay_s` are wall-clock, as they model network and server work.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import random
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import structlog
from aiohttp import web
from multidict import MultiMapping

from ._server import FaultPlan
from .deepgram_listen import Segment, SegmentScript, _Endpointer, _Heard
from .deepgram_punctuation import DeepgramPunctuation, Punctuator
from .deepgram_socket import DeepgramSocket, DeepgramSocketServer
from .latency import Delay

__all__ = [
    "EAGER_EOT_THRESHOLD_RANGE",
    "EOT_THRESHOLD_RANGE",
    "EOT_TIMEOUT_MS_RANGE",
    "FLUX_MODELS",
    "FLUX_SAMPLE_RATES",
    "DeepgramFluxSim",
    "FluxConnection",
    "FluxLatency",
    "FluxQuery",
    "FluxTurnRecord",
    "Segment",
]

log = structlog.get_logger(__name__)

_PATH = "/v2/listen"
_FRAME_S = 0.01
_TRUE_FALSE = {"true": True, "false": False}

FLUX_MODELS = frozenset({"flux-general-en", "flux-general-multi"})
"""[API] / feature overview: the models /v2/listen serves."""
FLUX_SAMPLE_RATES = frozenset({8000, 16000, 24000, 44100, 48000})
"""[MIGRATE] Audio Requirements."""
EAGER_EOT_THRESHOLD_RANGE = (0.3, 0.9)
EOT_THRESHOLD_RANGE = (0.5, 0.9)
"""[API] query parameters: "Valid Values 0.5 - 0.9"."""
EOT_TIMEOUT_MS_RANGE = (500, 10000)
"""[CONFIG] "Valid Values: 500 to 10000 (milliseconds)"."""
_DEFAULT_EOT_THRESHOLD = 0.7
_DEFAULT_EOT_TIMEOUT_MS = 5000
_REFERENCE_THRESHOLD = 0.7
"""The threshold the published latency figures were measured at (the default)."""

# A clause that stops on one of these is not over ("I'd like to talk to", "my number
# is"); everything else may be. Deliberately cruder than a language model.
_UNFINISHED_ENDINGS = frozenset(
    """a an the to for of in on at by with from about into onto over under than as and or
    but so because if that which who whose my your our their his her its is are was were
    be been am do does did have has had will would can could should um uh er""".split()
)

Message = dict[str, Any]
State = Literal["Initial", "TurnOngoing", "AwaitingEnd"]


def _p90_from_p95(p50_s: float, p95_s: float) -> float:
    """The 90th percentile of the log-normal through a median and a 95th percentile."""
    sigma = math.log(p95_s / p50_s) / 1.6448536269514722
    return p50_s * math.exp(1.2815515655446004 * sigma)


@dataclass(frozen=True)
class FluxLatency:
    """Timing and turn-model knobs of the simulated Flux.

    The defaults reproduce the published figures (module docstring); the ones marked
    *assumed* have no public source.
    """

    complete_eot: Delay = field(
        default_factory=lambda: Delay(p50_s=0.26, p90_s=_p90_from_p95(0.26, 1.5))
    )
    """Silence until the confidence reaches 0.7 after a clause that may be complete:
    p50 ~260 ms [MIGRATE], p95 1.5 s [TOGETHER], log-normal between them."""
    unfinished_eot: Delay = field(
        default_factory=lambda: Delay(p50_s=2.0, p90_s=_p90_from_p95(2.0, 11.5))
    )
    """The same after a word that cannot end a clause (*assumed*: the same spread,
    centred well past a breath, so Flux mostly waits for the rest)."""
    confidence_tau_s: float = 0.3
    """Time constant of the confidence curve: a threshold ``θ`` is crossed
    ``tau * ln(0.3 / (1 - θ))`` from the 0.7 crossing, so eager 0.3-0.5 fires 150-260 ms
    sooner, the published saving [TELNYX]."""
    min_silence_s: float = 0.1
    """No end-of-turn event before this much silence: the energy detector cannot tell a
    pause from a stop-consonant closure (espeak-ng leaves up to 90 ms inside phrases)."""
    update_interval_s: float = 0.25
    """[STATE] "approximately every 0.25 seconds of transcribed audio"."""
    event_delay: Delay = field(default_factory=Delay.zero)
    """Wall-clock delay of every server message (network and server work). Zero by
    default: the published end-of-turn latency is what clients measured, network and
    all, and the curve above reproduces it already."""
    connect_delay_s: float = 0.0
    threshold_dbfs: float = -40.0
    """A 10 ms frame at or above this RMS is voiced (as in :mod:`sim.deepgram_listen`)."""
    onset_s: float = 0.05
    word_s: float = 0.3
    """Pace of words in a segment without timing."""
    idle_timeout_s: float = 10.0
    """Close a stream that receives nothing this long (as the /v1 service does: its
    NET-0001 error; /v2 publishes no figure)."""

    def crossing_s(self, reference_s: float, threshold: float) -> float:
        """Silence at which the confidence reaches ``threshold``, given the silence
        ``reference_s`` at which it reaches 0.7."""
        shift = self.confidence_tau_s * math.log(
            (1.0 - _REFERENCE_THRESHOLD) / max(1e-9, 1.0 - threshold)
        )
        return max(self.min_silence_s, reference_s + shift)

    def confidence(self, silence_s: float, reference_s: float) -> float:
        """``end_of_turn_confidence`` after ``silence_s`` of silence (0 while speaking)."""
        if silence_s <= 0.0:
            return 0.0
        tau = max(1e-9, self.confidence_tau_s)
        value = 1.0 - (1.0 - _REFERENCE_THRESHOLD) * math.exp(-(silence_s - reference_s) / tau)
        return round(min(0.99, max(0.0, value)), 3)

    def draw_reference_s(self, rng: random.Random, last_word: str) -> float:
        """Draw one pause's 0.7-crossing silence after ``last_word``."""
        unfinished = last_word.lower().strip(",.?!") in _UNFINISHED_ENDINGS
        return (self.unfinished_eot if unfinished else self.complete_eot).sample(rng)


def _bounded_float(
    query: MultiMapping[str], name: str, bounds: tuple[float, float]
) -> float | None:
    value = query.get(name)
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"Invalid value for '{name}': expected a number") from None
    low, high = bounds
    if not low <= number <= high:
        raise ValueError(f"Invalid value for '{name}': must be between {low} and {high}")
    return number


@dataclass(frozen=True)
class FluxQuery:
    """The query of one ``/v2/listen`` connection, with Deepgram's defaults [API][CONFIG]."""

    model: str
    encoding: str
    sample_rate: int
    eager_eot_threshold: float | None
    eot_threshold: float
    eot_timeout_ms: int
    keyterm: tuple[str, ...]
    mip_opt_out: bool
    numerals: bool
    tag: tuple[str, ...]
    raw: Mapping[str, tuple[str, ...]]

    @classmethod
    def parse(cls, query: MultiMapping[str]) -> FluxQuery:
        """Parse and validate a query.

        Raises:
            ValueError: naming the parameter, when it is missing or out of range.
        """
        raw = {key: tuple(query.getall(key)) for key in dict.fromkeys(query.keys())}
        model = query.get("model")
        if model is None:
            raise ValueError("'model' is required")
        if model not in FLUX_MODELS:
            raise ValueError(f"Unsupported model '{model}' for /v2/listen")
        encoding = query.get("encoding", "")
        if encoding != "linear16":
            # [MIGRATE] raw audio is linear16; containers would need decoding.
            raise ValueError(f"Unsupported encoding '{encoding}': this simulator takes linear16")
        try:
            sample_rate = int(query.get("sample_rate", ""))
        except ValueError:
            raise ValueError("'sample_rate' is required for raw linear16 audio") from None
        if sample_rate not in FLUX_SAMPLE_RATES:
            raise ValueError(
                f"Invalid value for 'sample_rate': {sample_rate} is not one of "
                f"{sorted(FLUX_SAMPLE_RATES)}"
            )
        eager = _bounded_float(query, "eager_eot_threshold", EAGER_EOT_THRESHOLD_RANGE)
        eot = _bounded_float(query, "eot_threshold", EOT_THRESHOLD_RANGE)
        timeout = _bounded_float(
            query,
            "eot_timeout_ms",
            (float(EOT_TIMEOUT_MS_RANGE[0]), float(EOT_TIMEOUT_MS_RANGE[1])),
        )

        def flag(name: str) -> bool:
            value = query.get(name, "false").lower()
            if value not in _TRUE_FALSE:
                raise ValueError(f"Invalid value for '{name}': expected true or false")
            return _TRUE_FALSE[value]

        return cls(
            model=model,
            encoding=encoding,
            sample_rate=sample_rate,
            eager_eot_threshold=eager,
            eot_threshold=eot if eot is not None else _DEFAULT_EOT_THRESHOLD,
            eot_timeout_ms=int(timeout) if timeout is not None else _DEFAULT_EOT_TIMEOUT_MS,
            keyterm=raw.get("keyterm", ()),
            mip_opt_out=flag("mip_opt_out"),
            numerals=flag("numerals"),
            tag=raw.get("tag", ()),
            raw=raw,
        )


@dataclass
class FluxTurnRecord:
    """One turn the simulator ended (or was ending), for measuring. Loop times are the
    event loop's clock; audio times count from the connection's first sample."""

    connection: int
    turn_index: int
    transcript: str = ""
    eager_count: int = 0
    """``EagerEndOfTurn`` messages sent in this turn (each a preemptive LLM request)."""
    resumed_count: int = 0
    speech_end_s: float | None = None
    """Audio time of the last voiced frame before the end of turn."""
    speech_end_at: float | None = None
    """Loop time at which the audio holding that frame arrived."""
    first_eager_at: float | None = None
    end_of_turn_at: float | None = None
    """Loop time the ``EndOfTurn`` went out; None when the connection ended first."""
    forced_by_timeout: bool = False

    def sent_end_of_turn(self, at: float) -> None:
        """The ``EndOfTurn`` message that ends this turn went out at loop time ``at``."""
        self.end_of_turn_at = at


@dataclass
class FluxConnection:
    """Record of one websocket attempt (accepted or refused)."""

    index: int
    request_id: str
    status: int
    raw_query: Mapping[str, tuple[str, ...]]
    query: FluxQuery | None = None
    audio_bytes: int = 0
    audio_message_sizes: Counter[int] = field(default_factory=Counter)
    """How many binary messages of each size (bytes) the client sent."""
    close_stream: bool = False
    configures: list[Message] = field(default_factory=list)
    sent: list[Message | str] = field(default_factory=list)
    """Server messages in send order; a malformed frame is kept as its raw text."""
    close_code: int | None = None
    lost_words: list[str] = field(default_factory=list)
    """Scripted words this connection heard and never sent in an ``EndOfTurn``."""

    @property
    def audio_s(self) -> float:
        if self.query is None:
            return 0.0
        return self.audio_bytes / (2 * self.query.sample_rate)

    def turn_infos(self, event: str | None = None) -> list[Message]:
        """The ``TurnInfo`` messages sent, optionally of one event."""
        return [
            m
            for m in self.sent
            if isinstance(m, dict)
            and m.get("type") == "TurnInfo"
            and (event is None or m.get("event") == event)
        ]


@dataclass(frozen=True)
class _Token:
    word: str
    start_s: float
    end_s: float


@dataclass
class _Pause:
    start_s: float
    """Audio time of the last voiced frame."""
    reference_s: float
    """Silence at which the confidence reaches 0.7 in this pause."""


def _spread(words: list[str], start_s: float, end_s: float) -> list[_Token]:
    """Words over a stretch of speech by length, like aligned recogniser output."""
    weights = [len(w) + 1 for w in words]
    total = sum(weights) or 1
    span = max(0.0, end_s - start_s)
    out: list[_Token] = []
    t = start_s
    for word, weight in zip(words, weights, strict=True):
        length = span * weight / total
        out.append(_Token(word, t, t + length * 0.9))
        t += length
    return out


class _FluxSession(DeepgramSocket):
    """One accepted websocket: audio in, Flux messages out."""

    log_name = "flux_sim"
    malformed = '{"type": "TurnInfo", "event": '
    invalid_utf8 = b'{"type": "TurnInfo", "transcript": "\xff"}'

    def __init__(
        self,
        sim: DeepgramFluxSim,
        ws: web.WebSocketResponse,
        conn: FluxConnection,
        query: FluxQuery,
    ) -> None:
        # [API] Flux takes mono linear16 only.
        super().__init__(
            sim,
            ws,
            conn,
            sample_rate=query.sample_rate,
            channels=1,
            frame_s=_FRAME_S,
            threshold_dbfs=sim.latency.threshold_dbfs,
            idle_timeout_s=sim.latency.idle_timeout_s,
        )
        self._sim = sim
        self._conn = conn
        self._q = query
        self._lat = sim.latency
        self._endpointer = _Endpointer(onset_s=self._lat.onset_s, gap_s=self._lat.min_silence_s)
        seed = f"{sim.seed}:{conn.index}"
        self._eot_rng = random.Random(f"flux-eot:{seed}")
        self._delay_rng = random.Random(f"flux-delay:{seed}")
        self._punct_rng = random.Random(f"flux-punct:{seed}")
        self._sequence = 0
        self._heard: _Heard | None = None
        self._state: State = "Initial"
        self._turn_index = 0
        self._window_start_s = 0.0
        self._tokens: list[_Token] = []
        self._pause: _Pause | None = None
        self._eager_render: list[str] | None = None
        self._turn: FluxTurnRecord | None = None
        self._next_update_s = self._lat.update_interval_s
        self._changed_since_update = False
        self._last_voiced_at = self._loop.time()

    # -- audio -------------------------------------------------------------------------

    def _on_open(self) -> None:
        # [SDK] ListenV2Connected: the first message, sequence_id 0.
        self._queue({"type": "Connected", "request_id": self._conn.request_id})

    async def _on_idle(self) -> None:
        await self._fail("NET-0001", "No audio or message within the timeout window")

    def _on_audio_bytes(self, data: bytes) -> None:
        self._conn.audio_message_sizes[len(data)] += 1

    def _on_frame(self, frame_s: float, voiced: bool) -> None:
        ep = self._endpointer
        event = ep.step(self._now_s, frame_s, voiced)
        if event == "onset":
            self._on_onset()
        elif event == "end":
            self._on_stretch_end()
        if ep.in_speech and voiced:
            self._last_voiced_at = self._loop.time()
        if ep.in_speech and self._state == "Initial" and self._current_words(final=False):
            # [STATE] a StartOfTurn always carries words: sent once the first is heard.
            self._start_turn()
        if not ep.in_speech and self._pause is not None:
            self._on_silence()
        if self._now_s + 1e-9 >= self._next_update_s:
            while self._now_s + 1e-9 >= self._next_update_s:
                self._next_update_s += self._lat.update_interval_s
            if not self._changed_since_update:
                self._send_turn_info("Update")
            self._changed_since_update = False

    # -- the caller's words --------------------------------------------------------------

    def _bind(self) -> None:
        if self._heard is None or self._heard.exhausted:
            self._heard = self._sim.script.next_heard(self._lat.word_s)

    def _spoken_s(self) -> float:
        ep, heard = self._endpointer, self._heard
        if heard is None:
            return 0.0
        return heard.done_s + ep.last_voiced_end_s - ep.start_s

    def _provisional(self, *, final: bool) -> list[_Token]:
        """Words of the stretch in progress, heard and not yet booked."""
        ep, heard = self._endpointer, self._heard
        if heard is None or not ep.in_speech:
            return []
        upto = heard.heard(self._spoken_s(), final=final)
        return _spread(heard.words[heard.finalized : upto], ep.start_s, ep.last_voiced_end_s)

    def _current_words(self, *, final: bool) -> list[_Token]:
        return [*self._tokens, *self._provisional(final=final)]

    def _on_onset(self) -> None:
        self._bind()
        self._pause = None
        if self._state == "AwaitingEnd":
            # [STATE] the caller goes on after an EagerEndOfTurn: TurnResumed, before the
            # transcript changes.
            self._eager_render = None
            self._state = "TurnOngoing"
            if self._turn is not None:
                self._turn.resumed_count += 1
            self._send_turn_info("TurnResumed")

    def _on_stretch_end(self) -> None:
        """A stretch of speech is over: its words join the turn, and a pause begins."""
        ep, heard = self._endpointer, self._heard
        if heard is not None:
            upto = heard.heard(self._spoken_s(), final=True)
            new = heard.words[heard.finalized : upto]
            self._tokens += _spread(new, ep.start_s, ep.last_voiced_end_s)
            heard.finalized = max(heard.finalized, upto)
            heard.done_s += ep.last_voiced_end_s - ep.start_s
            heard.stretches += 1
        if not self._tokens:
            return  # a cough or a click: no words, no turn
        if self._state == "Initial":
            self._start_turn()
        self._pause = _Pause(
            start_s=ep.last_voiced_end_s,
            reference_s=self._lat.draw_reference_s(self._eot_rng, self._tokens[-1].word),
        )
        if self._turn is not None:
            self._turn.speech_end_s = round(ep.last_voiced_end_s, 3)
            self._turn.speech_end_at = self._last_voiced_at

    def _on_silence(self) -> None:
        pause = self._pause
        assert pause is not None
        silence = self._now_s - pause.start_s
        q = self._q
        eot_at = min(
            self._lat.crossing_s(pause.reference_s, q.eot_threshold), q.eot_timeout_ms / 1000.0
        )
        eot_due = silence + 1e-9 >= eot_at
        eager = q.eager_eot_threshold
        # [CONFIG] eager events only with eager_eot_threshold set (equal thresholds turn
        # them off); [STATE] in eager mode every EndOfTurn follows an EagerEndOfTurn
        # with the same transcript, so a turn the timeout ends gets one first.
        if eager is not None and eager < q.eot_threshold and self._state == "TurnOngoing":
            crossed = silence + 1e-9 >= self._lat.crossing_s(pause.reference_s, eager)
            if crossed or eot_due:
                self._state = "AwaitingEnd"
                self._eager_render = self._render(final=True)
                if self._turn is not None:
                    self._turn.eager_count += 1
                    self._turn.first_eager_at = self._turn.first_eager_at or self._loop.time()
                self._send_turn_info("EagerEndOfTurn", floor=eager if crossed else None)
        if eot_due:
            forced = eot_at < self._lat.crossing_s(pause.reference_s, q.eot_threshold)
            self._end_turn(forced=forced)

    # -- turns -----------------------------------------------------------------------------

    def _start_turn(self) -> None:
        self._state = "TurnOngoing"
        self._turn = FluxTurnRecord(self._conn.index, self._turn_index)
        self._sim.turns.append(self._turn)
        self._send_turn_info("StartOfTurn")

    def _end_turn(self, *, forced: bool) -> None:
        render = self._eager_render or self._render(final=True)
        if self._turn is not None:
            self._turn.transcript = " ".join(render)
            self._turn.forced_by_timeout = forced
        self._send_turn_info(
            "EndOfTurn",
            render=render,
            floor=None if forced else self._q.eot_threshold,
            on_sent=self._turn,
        )
        # [STATE] turn_index increments right after EndOfTurn; the next turn's audio
        # window starts where this one's ended.
        self._turn_index += 1
        self._window_start_s = self._now_s
        self._tokens = []
        self._pause = None
        self._eager_render = None
        self._turn = None
        self._state = "Initial"

    def _render(self, *, final: bool) -> list[str]:
        words = [t.word for t in self._current_words(final=final)]
        # Each rendering starts a sentence afresh: a turn's transcript is whole [SDK].
        return Punctuator(self._sim.punctuation, self._punct_rng).render(words, final=final)

    def _send_turn_info(
        self,
        event: str,
        *,
        render: list[str] | None = None,
        floor: float | None = None,
        on_sent: FluxTurnRecord | None = None,
    ) -> None:
        tokens = self._current_words(final=event in ("EagerEndOfTurn", "EndOfTurn"))
        if render is None:
            render = (
                self._eager_render
                if self._state == "AwaitingEnd" and self._eager_render is not None
                else self._render(final=False)
            )
        if self._state == "Initial" and event == "Update":
            tokens, render = [], []
        confidence = 0.0
        if self._pause is not None and not self._endpointer.in_speech:
            confidence = self._lat.confidence(
                self._now_s - self._pause.start_s, self._pause.reference_s
            )
        if floor is not None:
            confidence = max(confidence, floor)
        message: Message = {
            "type": "TurnInfo",
            "request_id": self._conn.request_id,
            "event": event,
            "turn_index": self._turn_index,
            "audio_window_start": round(self._window_start_s, 3),
            "audio_window_end": round(self._now_s, 3),
            "transcript": " ".join(render),
            "words": [
                {
                    "word": shown,
                    "confidence": 0.98,
                    "start": round(token.start_s, 3),
                    "end": round(token.end_s, 3),
                }
                for token, shown in zip(tokens, render, strict=False)
            ],
            "end_of_turn_confidence": round(confidence, 3),
        }
        if event != "Update":
            self._changed_since_update = True
        self._queue(message, turn=on_sent)

    # -- control messages ------------------------------------------------------------------

    async def _on_control(self, text: str, sender: asyncio.Task[None]) -> bool:
        """Handle a text message; True when the stream is over."""
        try:
            payload = json.loads(text)
            kind = payload.get("type") if isinstance(payload, dict) else None
        except json.JSONDecodeError:
            payload, kind = text, None
        self._sim.record(self._conn.index, "control", _PATH, payload)
        if kind == "CloseStream":
            # [API] "close the WebSocket stream"; feature overview: "Force stream closure
            # and final transcription": what the turn holds is sent as its end.
            self._conn.close_stream = True
            if self._endpointer.in_speech:
                self._endpointer.cut()
                self._on_stretch_end()
            if self._tokens:
                self._end_turn(forced=True)
            self._outbox.put_nowait(None)
            with contextlib.suppress(asyncio.CancelledError):
                await sender
            await self._close(1000, "")
            return True
        if kind == "Configure" and isinstance(payload, dict):
            self._configure(payload)
        else:
            log.warning("flux_sim.unknown_message", connection=self._conn.index)
        return False

    def _configure(self, payload: Message) -> None:
        """[SDK] ListenV2Configure: thresholds and keyterms mid-stream; the answer is a
        ConfigureSuccess with the values now in force, or a ConfigureFailure."""
        self._conn.configures.append(payload)
        thresholds = payload.get("thresholds") or {}
        q = self._q
        try:
            eager = thresholds.get("eager_eot_threshold", q.eager_eot_threshold)
            eot = float(thresholds.get("eot_threshold", q.eot_threshold))
            timeout = int(thresholds.get("eot_timeout_ms", q.eot_timeout_ms))
            checks: tuple[bool, ...] = (
                eager is None
                or EAGER_EOT_THRESHOLD_RANGE[0] <= float(eager) <= EAGER_EOT_THRESHOLD_RANGE[1],
                EOT_THRESHOLD_RANGE[0] <= eot <= EOT_THRESHOLD_RANGE[1],
                EOT_TIMEOUT_MS_RANGE[0] <= timeout <= EOT_TIMEOUT_MS_RANGE[1],
            )
        except (TypeError, ValueError):
            checks = (False,)
        if not all(checks):
            self._queue({"type": "ConfigureFailure", "request_id": self._conn.request_id})
            return
        keyterms = payload.get("keyterms", list(q.keyterm))
        self._q = replace(
            q,
            eager_eot_threshold=None if eager is None else float(eager),
            eot_threshold=eot,
            eot_timeout_ms=timeout,
            keyterm=tuple(keyterms),
        )
        self._queue(
            {
                "type": "ConfigureSuccess",
                "request_id": self._conn.request_id,
                "thresholds": {
                    "eager_eot_threshold": self._q.eager_eot_threshold,
                    "eot_threshold": eot,
                    "eot_timeout_ms": timeout,
                },
                "keyterms": list(keyterms),
            }
        )

    # -- sending -------------------------------------------------------------------------

    def _queue(self, message: Message, *, turn: FluxTurnRecord | None = None) -> None:
        if self._closed:
            return
        delay = self._lat.event_delay.sample(self._delay_rng)

        self._enqueue(message, delay, turn.sent_end_of_turn if turn is not None else None)

    def _stamp(self, message: Message) -> None:
        # [SDK] sequence_id: from 0, one more for every message the server sends.
        message["sequence_id"] = self._sequence
        self._sequence += 1

    async def _disconnect(self) -> None:
        await self._fail("INTERNAL_SERVER_ERROR", "Simulated server failure")

    async def _fail(self, code: str, description: str) -> None:
        """[SDK] ListenV2FatalError: an Error message, then the server closes."""
        message = {
            "type": "Error",
            "sequence_id": self._sequence,
            "code": code,
            "description": description,
        }
        self._sequence += 1
        with contextlib.suppress(ConnectionError):
            await self._ws.send_str(json.dumps(message))
            self._conn.sent.append(message)
        await self._close(1011, code)

    def _hand_over(self) -> None:
        """The connection is over: words it heard and never ended a turn with are lost
        with it; the rest of its segment goes to the next connection."""
        self._conn.lost_words += [t.word for t in self._tokens]
        heard = self._heard
        self._heard = None
        if heard is None or heard.exhausted:
            return
        if self._endpointer.in_speech:
            upto = heard.heard(self._spoken_s(), final=False)
            self._conn.lost_words += heard.words[heard.finalized : upto]
            heard.finalized = max(heard.finalized, upto)
        if not heard.exhausted:
            self._sim.script.resume(heard)


class DeepgramFluxSim(DeepgramSocketServer):
    """Loopback stand-in for ``wss://api.deepgram.com/v2/listen`` (Flux).

    Args:
        segments: what the caller will say, in order; a plain string is a
            :class:`Segment` said in one breath.
        api_key: the key the ``Authorization`` header must carry; ``None`` accepts any.
        latency: timing and turn-model profile.
        faults: failures to inject, targeted by websocket connection index.
        punctuation: how turn transcripts are punctuated.
        seed: seeds each connection's draws (end-of-turn timing, punctuation, delays).
    """

    log_name = "flux_sim"

    def _accepts_scheme(self, scheme: str) -> bool:
        # [API] "Authorization: Token <key>" or "Bearer <temporary token>".
        return scheme.lower() in ("token", "bearer")

    def __init__(
        self,
        segments: Iterable[Segment | str] = (),
        *,
        api_key: str | None = None,
        latency: FluxLatency | None = None,
        faults: FaultPlan | None = None,
        punctuation: DeepgramPunctuation | None = None,
        seed: int = 0,
    ) -> None:
        super().__init__(faults=faults)
        self.latency = latency or FluxLatency()
        self.punctuation = punctuation or DeepgramPunctuation()
        self.seed = seed
        self.connections: list[FluxConnection] = []
        self.turns: list[FluxTurnRecord] = []
        self._api_key = api_key
        self.script = SegmentScript(segments)

    @property
    def base_url(self) -> str:
        """What to pass as ``deepgram.STTv2(base_url=...)``; the plugin swaps http for ws."""
        return f"{self.http_url}{_PATH}"

    def _routes(self, app: web.Application) -> None:
        app.router.add_get(_PATH, self.tracked(self._handle))

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        index = self.next_request_index()
        raw = {k: tuple(request.query.getall(k)) for k in dict.fromkeys(request.query.keys())}
        conn = FluxConnection(index, str(uuid.uuid4()), 0, raw)
        self.connections.append(conn)
        self.record(index, "connect", _PATH, raw)

        opened = await self._upgrade(
            request,
            conn,
            api_key=self._api_key,
            connect_delay_s=self.latency.connect_delay_s,
            parse=FluxQuery.parse,
        )
        if not isinstance(opened, tuple):
            return opened
        ws, query = opened
        conn.query = query
        log.info(
            "flux_sim.connected",
            connection=index,
            sample_rate=query.sample_rate,
            eager=query.eager_eot_threshold,
            eot=query.eot_threshold,
        )
        await _FluxSession(self, ws, conn, query).run()
        return ws
