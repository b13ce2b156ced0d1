"""One filler policy for every line the agent says while the answer is slow: the
acknowledgment and the LLM bridge (model slow), the STT bridge (transcript late), the tool
bridge (a tool running long) and the repeat request (the caller's words were lost).

One object per call (:class:`FillerPolicy`, on ``CallState.fillers``) decides for all
five, with one set of rules:

1. **Only when it fits.** A filler is said only when the answer is predicted to start
   later than the filler's own audio would end plus a margin. The prediction uses the
   call's running estimates of the model's time to first token and the TTS's time from
   text to first audio (:class:`RunningEstimate`, their lower quartile: even a quick
   answer must come after the filler; before the call has timed them, the published
   priors' tenth percentile), not a fixed delay: a fast model never gets one,
   and a filler rarely stands between the caller and a ready answer (when it does, the
   answer waits no more than the filler's current word: :mod:`worker.speech.reply_audio`).
   No acknowledgment before the call has timed its model once (the first answer): a
   prediction from published priors put a filler in front of answers that were nearly
   ready.
2. **Only when the silence would be noticed.** The decision is made once, at the
   commit (the model asked and the caller silent), from the predicted answer start: a
   filler only when that start is more than ``quiet_s`` (0.7 s by default) after the
   caller stopped, said at once so it ends before the answer. Conversation analysis
   puts the usual gap between turns at about 200 ms (Stivers et al. 2009, ten
   languages) and the longest silence speakers let pass before treating it as trouble
   at about one second (Jefferson 1988, "standard maximum"). Deciding at the commit
   rather than at ``quiet_s`` leaves the filler's audio the whole predicted gap, so the
   answer rarely waits behind it.
3. **Rarely.** At most one per caller turn, none on two turns in a row, and a cooldown
   of ``cooldown_s`` after the last one; never the same line twice in a row.
4. **Never the wrong moment.** None when the turn is headed for an apology (a provider
   of the chain failed this turn) and none right after bad news (the agent's last words
   apologised or refused).
5. **Chosen from what the caller said**, a question, a request, thanks or a statement
   (:func:`worker.speech.spoken_lines.caller_cue`), in the tenant's language.

One exception, for faults rather than slowness: once the caller has heard nothing for
``stall_s`` (2 s) and the model has taken twice its usual time (stuck, not slow), a
*stall* line keeps them from silence (a phone line silent for three seconds sounds dead:
the fault suite's target), once, and only on a turn that has had no line of ours yet: at
most one line a turn. A model still silent after it is a provider fault, and the fault
path speaks next (the LLM chain's attempt timeout, ``providers.llm_attempt_timeout``,
moves to the next model, and a chain that fails says the apology line).
The repeat request is not optional (the words are gone): it is always said, but its
line, language and no-repeat rule come from here too.
"""

from __future__ import annotations

import math
import statistics
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, Literal

import structlog

from worker.speech.spoken_lines import SpokenLines, caller_cue, is_bad_news

__all__ = [
    "FILLER_KINDS",
    "Filler",
    "FillerKind",
    "FillerPolicy",
    "FillerRules",
    "RunningEstimate",
]

log = structlog.get_logger(__name__)

FillerKind = Literal["acknowledgment", "llm_bridge", "stt_bridge", "tool_bridge", "repeat_request"]
FILLER_KINDS: Final[tuple[FillerKind, ...]] = (
    "acknowledgment",
    "llm_bridge",
    "stt_bridge",
    "tool_bridge",
    "repeat_request",
)

_TAIL_FRACTION: Final = 0.5
"""Of a model's median time to first token, what is still to come once the median has
passed without a token: the mean residual life of a log-normal at its median is about
half the median for the spread measured for these models (p90 ~1.8x p50,
sim/latency_profiles.py)."""
_LOWER_QUARTILE_RATIO: Final = 0.73
"""p25 / p50 of a log-normal with p90 / p50 = 1.8 (exp(-0.674 * ln 1.8 / 1.28))."""
_UNMEASURED_RATIO: Final = 1 / 1.8
"""p10 / p50 of the same log-normal. Before a call has timed its own providers the prior
is a published median of one model and voice, and the call may run a faster one: a
filler said on that guess delays an answer that was nearly ready, while one not said
costs at most the silence until the call's first sample. So the unmeasured prediction
is the optimistic tenth percentile: a tool or transcript bridge said before the call has
timed its providers is said only for a wait that is long even then (an acknowledgment is
not said at all until the model has been timed once)."""
_TRUSTED_SAMPLES: Final = 3
"""Timings a call needs before their lower quartile stands alone: one or two may be a
tail draw (a model's p90 is ~1.8x its median), and a slow first one read as the model's
pace put a filler in front of an answer that came at its usual speed."""
_SECONDS_PER_CHAR: Final = 0.065
"""Speaking time of a line whose audio is not cached yet (about 15 characters a second)."""
_OVERDUE_FACTOR: Final = 2.0
_LONG_WAIT_S: Final = 1.5
"""A predicted wait this long gets a bridge line ("One moment, please.") instead of an
acknowledgment: "Okay." and then a long silence reads as a dropped line."""


@dataclass
class RunningEstimate:
    """The median of a provider step's recent durations, starting from a prior.

    Args:
        prior_s: the estimate before the call has measured anything.
        window: how many recent samples the median is taken over.
    """

    prior_s: float
    window: int = 9
    _samples: deque[float] = field(default_factory=deque, repr=False)

    def observe(self, seconds: float) -> None:
        if seconds < 0:
            return
        self._samples.append(seconds)
        while len(self._samples) > self.window:
            self._samples.popleft()

    @property
    def seconds(self) -> float:
        """The median."""
        return statistics.median(self._samples) if self._samples else self.prior_s

    @property
    def early(self) -> float:
        """The lower quartile: how soon it is when it is quick. Before any sample, the
        prior's tenth percentile for the spread measured for these providers (the
        provider may be faster than the prior's); until a few samples, the sooner of the
        two."""
        unmeasured = self.prior_s * _UNMEASURED_RATIO
        if not self._samples:
            return unmeasured
        ordered = sorted(self._samples)
        quick = ordered[max(1, math.ceil(0.25 * len(ordered))) - 1]
        return quick if len(ordered) >= _TRUSTED_SAMPLES else min(quick, unmeasured)

    @property
    def samples(self) -> int:
        return len(self._samples)


@dataclass(frozen=True)
class FillerRules:
    """The policy's timings, in seconds (``latency.filler_*`` settings)."""

    quiet_s: float = 0.7
    margin_s: float = 0.2
    cooldown_s: float = 6.0
    stall_s: float = 2.0


@dataclass(frozen=True)
class Filler:
    """A line the policy approved: what kind, what to say, how long its audio is."""

    kind: FillerKind
    line: str
    audio_s: float


class FillerPolicy:
    """One call's filler decisions.

    Args:
        lines: the tenant's language's lines.
        rules: the timings.
        llm_ttft: running estimate of the model's own time to first token.
        tts_ttfb: running estimate of the time from a reply's first text to its first audio.
        audio_s: the duration of a line's cached audio, None when it is not cached.
        enabled: False turns every optional line off (the repeat request stays).
        clock: seconds, monotonic.
    """

    def __init__(
        self,
        lines: SpokenLines,
        rules: FillerRules | None = None,
        *,
        llm_ttft: RunningEstimate | None = None,
        tts_ttfb: RunningEstimate | None = None,
        audio_s: Callable[[str], float | None] = lambda _line: None,
        enabled: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.lines = lines
        self.rules = rules or FillerRules()
        # Priors: the public medians of gpt-4.1-mini and ElevenLabs Flash
        # (sim/latency_profiles.py MEASURED); the call's own figures replace them.
        self.llm_ttft = llm_ttft or RunningEstimate(prior_s=0.55)
        self.tts_ttfb = tts_ttfb or RunningEstimate(prior_s=0.29)
        self.enabled = enabled
        self._audio_s = audio_s
        self._clock = clock
        self._turn = 0
        self._agent_spoke = True
        self._turn_had_filler = False
        self._turn_had_line = False
        self._previous_turn_had_filler = False
        self._failing_turn = -1
        self._last_line: str | None = None
        self._last_filler_end = -float("inf")
        self.caller_stopped_at: float | None = None
        """When the caller last stopped speaking (this policy's clock)."""
        self.said: list[Filler] = []
        """Every line this policy approved, in order."""

    # -- what the call tells the policy ---------------------------------------------

    def caller_started(self) -> None:
        """The caller began to speak: a new turn once the agent has spoken since the
        last one (speech after a mid-sentence pause is the same turn)."""
        self.caller_stopped_at = None
        if not self._agent_spoke:
            return
        self._agent_spoke = False
        self._turn += 1
        self._previous_turn_had_filler = self._turn_had_filler
        self._turn_had_filler = False
        self._turn_had_line = False

    def caller_keyed(self) -> None:
        """The caller's turn came as keys pressed or typed text: it ended just now."""
        self.caller_started()
        self.caller_stopped()

    def agent_spoke(self) -> None:
        """The agent began to speak (a filler, an answer, a line of its own)."""
        self._agent_spoke = True

    def caller_stopped(self, at: float | None = None) -> None:
        """The caller stopped speaking (``at`` on this policy's clock; default now)."""
        self.caller_stopped_at = self._clock() if at is None else at

    def provider_failed(self) -> None:
        """A provider of the chain failed during this turn: the answer may be an apology."""
        self._failing_turn = self._turn

    def now(self) -> float:
        return self._clock()

    @property
    def last_line_end(self) -> float:
        """When the last line this policy approved ends (its clock), -inf for none."""
        return self._last_filler_end

    # -- predictions ------------------------------------------------------------------

    def answer_due_in(
        self, model_waited_s: float | None = 0.0, *, ahead_waited_s: float = 0.0
    ) -> float:
        """Seconds until the answer's first audio can be expected, at the earliest likely:
        the lower quartile of the call's own model and TTS times, so a filler is said
        only when even a quick answer would come after it.

        Args:
            model_waited_s: how long ago the model was asked, for a reply that has said
                nothing yet; None: not asked yet (a tool or a transcript comes first).
            ahead_waited_s: how long what comes before the model (a late transcript, a
                running tool) has already taken: something that late is expected to
                take part of that again (the tail, as for the model).
        """
        ttft = self.llm_ttft.early
        if model_waited_s is None:
            remaining = ttft + ahead_waited_s * _TAIL_FRACTION
        else:
            remaining = max(ttft - model_waited_s, ttft * _TAIL_FRACTION)
        return remaining + self.tts_ttfb.early

    def overdue_at(self, request_at: float) -> float:
        """When a reply requested at ``request_at`` is late rather than slow: twice the
        call's median time to first token. A stall line waits for this as well as for
        the silence (a late transcript's silence is not a stuck model)."""
        return request_at + _OVERDUE_FACTOR * self.llm_ttft.seconds

    def first_check_at(self, request_at: float) -> float:
        """When a reply requested at ``request_at`` is looked at for a filler: the
        commit, once the model is asked and the caller has stopped."""
        stopped = self.caller_stopped_at if self.caller_stopped_at is not None else request_at
        return max(request_at, stopped)

    def waited_s(self) -> float:
        """How long the caller has been silent (0 when not known)."""
        if self.caller_stopped_at is None:
            return 0.0
        return max(0.0, self._clock() - self.caller_stopped_at)

    def line_audio_s(self, line: str) -> float:
        """How long ``line`` keeps the caller listening, from now: its cached audio, or
        the TTS's time to first audio and a speaking-rate estimate."""
        cached = self._audio_s(line)
        if cached is not None:
            return cached
        return self.tts_ttfb.seconds + len(line) * _SECONDS_PER_CHAR

    # -- decisions --------------------------------------------------------------------

    def choose(
        self,
        kind: FillerKind,
        *,
        answer_due_in_s: float,
        caller_text: str = "",
        agent_text: str = "",
        waited_s: float = math.inf,
    ) -> Filler | None:
        """A line to say now, or None.

        Args:
            kind: ``acknowledgment`` (the model is slow; a long predicted wait gets an
                LLM bridge line instead), ``stt_bridge``, ``tool_bridge``.
            answer_due_in_s: seconds until the answer's first audio is predicted.
            caller_text: the caller's turn, for the cue.
            agent_text: the agent's last message, for bad news.
            waited_s: how long the caller has already been silent; with the predicted
                wait, a gap under ``quiet_s`` goes unnoticed and gets no filler.
        """
        if kind == "repeat_request":
            return self.repeat_request()
        if not self.enabled or self._refused(agent_text):
            return None
        if waited_s + answer_due_in_s < self.rules.quiet_s:
            return None
        if kind == "acknowledgment" and not self.llm_ttft.samples:
            # The model's speed is not known until this call has timed it: a filler on
            # a guess stood in front of an answer that was nearly ready. A stuck model
            # still gets the stall line.
            return None
        if kind == "acknowledgment":
            long_wait = answer_due_in_s >= _LONG_WAIT_S
            choices = (
                self.lines.llm_bridge
                if long_wait
                else self.lines.fillers[caller_cue(caller_text, self.lines)]
            )
            kind = "llm_bridge" if long_wait else "acknowledgment"
        elif kind == "stt_bridge":
            choices = self.lines.stt_bridge
        elif kind == "tool_bridge":
            choices = self.lines.tool_bridge
        else:  # pragma: no cover - the Literal is exhausted above
            return None
        line = self._pick(choices)
        if kind == "acknowledgment" and self._audio_s(line) is None:
            # A short filler is only worth it the moment it is chosen: from the cache.
            return None
        audio_s = self.line_audio_s(line)
        if answer_due_in_s <= audio_s + self.rules.margin_s:
            # The answer would be ready before the filler ended: it would only delay it.
            return None
        return self._record(Filler(kind, line, audio_s))

    def stall_line(self, kind: FillerKind = "llm_bridge") -> Filler | None:
        """A line for a provider that has kept the caller in silence for ``stall_s``
        (not a filler: faults only; no cooldown), or None when fillers are off or the
        turn has had a line of ours already (one a turn: the fault path speaks next)."""
        if not self.enabled or self._turn_had_line:
            return None
        line = self._pick(self.lines.stall)
        return self._record(Filler(kind, line, self.line_audio_s(line)), counts=False)

    def repeat_request(self) -> Filler:
        """The request to say it again; always approved (the caller's words are gone)."""
        line = self._pick(self.lines.repeat_request)
        return self._record(Filler("repeat_request", line, self.line_audio_s(line)))

    def _refused(self, agent_text: str) -> bool:
        now = self._clock()
        if self._turn_had_filler or self._previous_turn_had_filler:
            return True
        if now - self._last_filler_end < self.rules.cooldown_s:
            return True
        if self._failing_turn == self._turn:
            return True
        return is_bad_news(agent_text, self.lines)

    def _pick(self, choices: tuple[str, ...]) -> str:
        for line in choices:
            if line != self._last_line:
                return line
        return choices[0]

    def _record(self, filler: Filler, *, counts: bool = True) -> Filler:
        now = self._clock()
        self._last_line = filler.line
        self._last_filler_end = now + filler.audio_s
        self._turn_had_line = True
        if counts:
            self._turn_had_filler = True
        self.said.append(filler)
        log.debug("filler", kind=filler.kind, audio_s=round(filler.audio_s, 2))
        return filler
