"""``python -m bench turns``: end-of-turn decisions on a labelled corpus, per detector and
per class: how long after the caller's true end each decides (p50/p95), and how often it
decides during a pause (premature: the turn is committed to the LLM before the caller
finished, which is what the caller hears as being cut off).

The corpus (bench/turn_corpus) says what is spoken, where the pauses are and how a
real STT writes each final (a period at every pause). The benchmark replays each turn
through a timing model of the framework's own endpointing (livekit-agents 1.8,
``voice/audio_recognition.py``), not in real time:

- the VAD ends speech ``vad_silence`` after the voice stops, if the pause is that long;
  the caller resuming cancels any pending decision (Silero needs ~80 ms to notice);
- each part's STT final arrives ``stt_delay`` after its end (drawn from a profile);
- at the VAD end of speech, and at each final that arrives while the caller is silent,
  the detector is asked; the turn is committed ``min_delay`` or ``max_delay`` after the
  voice stopped (its verdict), and never before a final transcript exists.

Fifty-nine corpora, reported apart: the project's own (bench/turn_corpus, written with the
judge) and fifty-eight written by other engineers without reading the judge, each
README saying how and from which sources: bench/turn_corpus_independent, _holdout,
_fresh, _unseen, _blind, _sealed, _vault, _ledger, _quarry, _tally, _stack, _pylon,
_beacon, _lantern, _meridian, _orchard, _quill, _ridge, _thistle, _yarrow, _willow,
_zinnia, _aspen, _birch, _cedar, _dogwood, _elm, _fir, _gum, _hazel, _ivy, _juniper and
_kauri, _larch, _maple, _oak, _pine, _rowan, _spruce, _tamarack, _walnut, _yew, _hawthorn,
_linden, _mulberry, _nutmeg, _olive, _pecan, _quince, _rosewood, _saffron, _tupelo,
_viburnum, _wisteria and _xylosma (read since to change the judge) and _zelkova, _acacia and
_baobab (not read by anyone changing it).
Per class, the decision's p50/p95 and content TTFA
(:mod:`worker.telemetry.answer_timing`): the decision, then the model's first token
(asked at the turn's last final, as preemptive generation does) and the TTS's first
audio drawn from ``--providers`` (zero by default).

A premature turn is *heard* (``talked_over``) when the reply's first audio, drawn from
``--providers``, would start before the caller is heard going on; otherwise the
framework drops it and answers the whole turn (see :class:`Outcome`). At zero provider
latency every premature turn is heard; at a real provider's latency a pause shorter than
the answer's is not. Reported beside premature, not as a target.

Detectors: ``default`` (the framework's defaults: Silero 0.55 s silence, the offline
audio model ``turn-detector-v1-mini`` from livekit-local-inference with its 0.36
threshold, 0.5/3.0 s delays), ``vad`` (our VAD settings, no judge), ``last-char`` (the
punctuation judge this project had before), ``ours`` (our
settings and the transcript judge), ``ours+audio`` (the judge, asking the audio model
when the only evidence of an end is punctuation). The audio model needs audio: each
part is synthesised with espeak-ng (cached) and the model sees the last 1.2 s at 16 kHz,
as the framework feeds it. ``--no-audio`` skips synthesis (word-rate durations) and the
audio detectors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bench.record import recorded
from bench.turn_corpus import CLASSES, TARGET_EXEMPT, TurnItem, build_corpus
from bench.turn_corpus_independent import COMPLETE_CLASSES as INDEPENDENT_COMPLETE
from bench.turn_corpus_independent import (
    INDEPENDENT_CLASSES,
    LATER_CORPORA,
    UNREAD_CORPORA,
    load_independent,
    load_later,
)
from bench.turn_corpus_independent import TARGET_EXEMPT as INDEPENDENT_EXEMPT
from config import Settings, default_settings
from config.log_setup import configure_logging
from sim.latency import Delay
from sim.latency_profiles import PROFILES
from worker.telemetry.answer_timing import AudioStretch, answer_timing
from worker.turns.turn_judge import TurnVerdict, hold_for, judge_turn

__all__ = [
    "COMPLETE_P95_TARGET_MS",
    "INDEPENDENT",
    "LATER",
    "OURS",
    "PREMATURE_TARGET",
    "Corpus",
    "DetectorSpec",
    "Outcome",
    "detectors",
    "evaluate",
    "measure",
    "percentile",
    "run",
    "summarize",
]

DEFAULT_JSON = Path("bench/results/turns.json")
DEFAULT_CACHE = Path(".cache/caller-voice")
_RESUME_DETECT_S = 0.08
"""Silero's default min_speech_duration (0.05 s) plus a 32 ms window."""
_VAD_LAG_S = 0.02
"""Half a Silero window: the end of speech is seen on a window boundary."""
_WORDS_PER_S = 175 / 60
_AUDIO_RATE = 16_000
_AUDIO_WINDOW_S = 1.2
_AUDIO_THRESHOLD = 0.36
"""turn-detector-v1-mini's English threshold (agents/inference/eot/languages.py)."""

STT_PROFILES: dict[str, Delay] = {
    # Final after Deepgram's 25 ms endpointing, no provider latency.
    "zero": Delay.constant(0.03),
    # The simulators' typical profile: STT +250 ms.
    "typical": Delay.constant(0.28),
    # Public measurements of streaming nova-3 in LiveKit Agents 1.8 (the `apresvous`
    # measurements cited in issue 17: p50 361 ms, p90 1256 ms).
    "measured": Delay(p50_s=0.361, p90_s=1.256, max_s=3.0),
}

Audio = npt.NDArray[np.float32]
AudioScore = Callable[[Audio], float]


@dataclass(frozen=True)
class DetectorSpec:
    name: str
    vad_silence: float
    min_delay: float
    max_delay: float
    judge: bool = False
    audio: bool = False
    maybe_hold: float = 0.0
    dictation_hold: float = 0.0
    ack_hold: float = 0.0
    short_hold: float = 0.0
    answer_hold: float = 0.0
    """A what-if (``bench turn-tradeoff``), off in every shipped detector: a turn the
    judge does not call unfinished that answers the agent's question in at most
    ``answer_hold_words`` words (``None``: every such turn, asked or not) waits at least
    this long after the judge is asked."""
    answer_hold_words: int | None = None


@dataclass(frozen=True)
class Outcome:
    item: str
    cls: str
    detector: str
    premature: bool
    decision_ms: float
    reason: str
    content_ms: float | None = None
    """Content TTFA (:mod:`worker.telemetry.answer_timing`): the decision, the model's first token
    and the TTS's first audio as the provider profile draws them."""
    talked_over: bool = False
    """Premature, and the reply's first audio starts before the caller is heard going on:
    the caller hears the agent answer half the turn. A reply not yet audible when the
    caller goes on is dropped by the framework and the whole turn answered
    (``tests/test_sim_call_premature.py``, the real session against the simulators), so
    a premature turn the answer's latency covers is not heard, only paid for."""


def detectors(settings: Settings) -> list[DetectorSpec]:
    latency = settings.latency
    vad_silence = latency.vad_min_silence
    lo, hi = latency.min_endpointing_delay, latency.max_endpointing_delay
    maybe, dictation = latency.turn_maybe_hold, latency.turn_dictation_hold
    ack = latency.turn_ack_hold
    short = latency.turn_short_hold
    return [
        DetectorSpec("default", vad_silence=0.55, min_delay=0.5, max_delay=3.0, audio=True),
        DetectorSpec("vad", vad_silence, lo, hi),
        DetectorSpec("last-char", vad_silence, lo, hi),
        DetectorSpec(
            "ours",
            vad_silence,
            lo,
            hi,
            judge=True,
            maybe_hold=maybe,
            dictation_hold=dictation,
            ack_hold=ack,
            short_hold=short,
        ),
        DetectorSpec(
            "ours+audio",
            vad_silence,
            lo,
            hi,
            judge=True,
            audio=True,
            maybe_hold=maybe,
            dictation_hold=dictation,
            ack_hold=ack,
            short_hold=short,
        ),
    ]


@dataclass
class _Timeline:
    item: TurnItem
    starts: list[float]
    ends: list[float]
    finals: list[float]
    audio: Audio | None = None

    def transcript_at(self, t: float) -> str:
        return " ".join(
            p.heard for p, f in zip(self.item.parts, self.finals, strict=True) if f <= t
        )

    def window(self, t: float) -> Audio:
        assert self.audio is not None
        end = max(0, min(len(self.audio), round(t * _AUDIO_RATE)))
        start = max(0, end - round(_AUDIO_WINDOW_S * _AUDIO_RATE))
        return self.audio[start:end]


_OLD_DANGLING = frozenset(
    """
    a an the to of for from with without in on at by under over into about as than
    and or but so because if when while that which who whose where my your our their his her its
    is are was were be been am i'm it's i we you they he she um uh er like just um-hmm
    uh-huh then also plus
    """.split()
)


def _last_char_verdict(text: str) -> bool:
    """The judge this project shipped before dictation awareness (commit 65c0c6a): a
    trailing function word, digit or placeholder is unfinished, a full stop is final."""
    words = re.findall(r"[\w'\-\[\]]+", text.lower())
    if not words:
        return True
    if words[-1].strip("-") in _OLD_DANGLING or text.endswith((",", "-", "...")):
        return False
    if text[-1].isdigit() or text.endswith("]"):
        return False
    return text.endswith(("?", ".", "!"))


def _short_answer(text: str, agent_text: str, max_words: int | None) -> bool:
    if max_words is None:
        return True
    return agent_text.rstrip().endswith("?") and len(text.split()) <= max_words


def _verdict(
    spec: DetectorSpec, line: _Timeline, text: str, prob: float | None
) -> tuple[str, float, float]:
    """(reason, delay after the voice stopped, hold after the detector was asked)."""
    if spec.name == "last-char":
        final = _last_char_verdict(text)
        return (
            ("final" if final else "unfinished"),
            (spec.min_delay if final else spec.max_delay),
            0.0,
        )
    if spec.judge:
        verdict: TurnVerdict = judge_turn(text, line.item.agent)
        hold = hold_for(
            verdict,
            maybe_s=spec.maybe_hold,
            dictation_s=spec.dictation_hold,
            ack_s=spec.ack_hold,
            short_s=spec.short_hold,
        )
        if verdict.state == "unfinished":
            return verdict.reason, spec.max_delay, hold
        if spec.answer_hold > hold and _short_answer(text, line.item.agent, spec.answer_hold_words):
            return f"{verdict.reason}+answer_hold", spec.min_delay, spec.answer_hold
        if verdict.state == "maybe":
            return verdict.reason, spec.min_delay, hold
        weak = verdict.reason == "punctuated"
        if spec.audio and weak and prob is not None and prob < _AUDIO_THRESHOLD:
            return "punctuated+audio_unlikely", spec.min_delay, spec.maybe_hold
        return verdict.reason, spec.min_delay, 0.0
    if spec.audio and prob is not None:
        unlikely = prob < _AUDIO_THRESHOLD
        return (
            ("audio_unlikely" if unlikely else "audio_likely"),
            (spec.max_delay if unlikely else spec.min_delay),
            0.0,
        )
    return "silence", spec.min_delay, 0.0


def _decide(
    spec: DetectorSpec, line: _Timeline, audio_score: AudioScore | None
) -> tuple[float, int, str]:
    """When the turn is committed, in which gap (index of the part it follows), why."""
    n = len(line.ends)
    for i in range(n):
        end = line.ends[i]
        resume = line.starts[i + 1] + _RESUME_DETECT_S if i + 1 < n else math.inf
        eos = end + spec.vad_silence + _VAD_LAG_S
        if eos >= resume:
            continue
        prob = None
        if spec.audio and audio_score is not None and line.audio is not None:
            # The framework asks the model once 200 ms of silence have accumulated.
            prob = audio_score(line.window(end + 0.2))
        events = sorted([eos, *(f for f in line.finals[: i + 1] if eos < f < resume)])
        pending: tuple[float, str] | None = None
        for at in events:
            if pending is not None and pending[0] <= at:
                return pending[0], i, pending[1]
            text = line.transcript_at(at)
            if not text:
                continue  # a later final re-enters detection
            reason, delay, hold = _verdict(spec, line, text, prob)
            pending = (max(at + hold, end + delay), reason)
        if pending is not None and pending[0] < resume:
            return pending[0], i, pending[1]
    raise AssertionError("the last gap always commits")  # pragma: no cover


@dataclass(frozen=True)
class AnswerModel:
    """What follows the decision, for content TTFA: the model asked at the turn's last
    final (preemptive generation), its first words spoken once the turn is committed."""

    llm_ttft: Delay
    tts_ttfb: Delay
    rng: random.Random

    def content_at(self, committed: float, last_final: float) -> float:
        token = last_final + self.llm_ttft.sample(self.rng)
        return max(committed, token) + self.tts_ttfb.sample(self.rng)


def evaluate(
    items: Sequence[TurnItem],
    specs: Sequence[DetectorSpec],
    timelines: Sequence[_Timeline],
    audio_score: AudioScore | None,
    answer: AnswerModel | None = None,
    cut_answer: AnswerModel | None = None,
) -> list[Outcome]:
    """Each detector's decision on each turn; ``answer`` draws the content TTFA of turns
    decided in time, ``cut_answer`` (its own draws, so adding it moves no other figure)
    when a premature turn's reply would be heard."""
    outcomes: list[Outcome] = []
    for item, line in zip(items, timelines, strict=True):
        for spec in specs:
            if spec.audio and line.audio is None:
                continue
            at, gap, reason = _decide(spec, line, audio_score)
            premature = gap < len(line.ends) - 1
            content_ms: float | None = None
            if answer is not None and not premature:
                started = answer.content_at(at, max(line.finals))
                timing = answer_timing(
                    line.ends[-1], [AudioStretch(started, started + 1.0, "content")]
                )
                if timing.content_s is not None:
                    content_ms = round(timing.content_s * 1000.0, 1)
            talked_over = False
            if cut_answer is not None and premature:
                started = cut_answer.content_at(at, max(line.finals[: gap + 1]))
                talked_over = started < line.starts[gap + 1] + _RESUME_DETECT_S
            outcomes.append(
                Outcome(
                    item.id,
                    item.cls,
                    spec.name,
                    premature=premature,
                    decision_ms=round((at - line.ends[-1]) * 1000.0, 1),
                    reason=reason,
                    content_ms=content_ms,
                    talked_over=talked_over,
                )
            )
    return outcomes


def timeline(
    item: TurnItem, durations: Sequence[float], stt: Delay, rng: random.Random
) -> _Timeline:
    starts, ends, finals = [], [], []
    t = 0.0
    for part, duration in zip(item.parts, durations, strict=True):
        starts.append(t)
        t += duration
        ends.append(t)
        finals.append(t + stt.sample(rng))
        t += part.pause_after
    # A final cannot overtake the one before it on the same socket.
    for k in range(1, len(finals)):
        finals[k] = max(finals[k], finals[k - 1])
    return _Timeline(item, starts, ends, finals)


async def _voiced(items: Sequence[TurnItem], cache: Path) -> list[tuple[list[float], Audio]]:
    from sim.caller_voice import synthesize

    out: list[tuple[list[float], Audio]] = []
    for item in items:
        pieces: list[Audio] = []
        durations: list[float] = []
        for part in item.parts:
            # Phone callers: narrowband G.711, delivered at 48 kHz; the model gets 16 kHz.
            utterance = await synthesize(part.say, cache_dir=cache, narrowband=True)
            step = utterance.sample_rate // _AUDIO_RATE
            samples = utterance.samples.astype(np.float32)
            usable = len(samples) // step * step
            pcm = samples[:usable].reshape(-1, step).mean(axis=1)
            pieces.append(pcm)
            durations.append(len(pcm) / _AUDIO_RATE)
            pieces.append(np.zeros(round(part.pause_after * _AUDIO_RATE), dtype=np.float32))
        # Trailing silence the model sees at the end of the turn.
        pieces.append(np.zeros(round(0.5 * _AUDIO_RATE), dtype=np.float32))
        out.append((durations, np.concatenate(pieces)))
    return out


def _audio_model() -> AudioScore:
    from livekit.local_inference import EOT

    model = EOT()

    def score(window: Audio) -> float:
        pcm = np.clip(window, -32768, 32767).astype(np.int16)
        return float(model.predict(pcm))

    return score


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q / 100.0 * len(ordered))) - 1]


@dataclass
class _Cell:
    decisions: list[float] = field(default_factory=list)
    contents: list[float] = field(default_factory=list)
    premature: int = 0
    talked_over: int = 0
    items: int = 0

    def as_dict(self) -> dict[str, Any]:
        ok = self.decisions
        return {
            "items": self.items,
            "premature": self.premature,
            "premature_rate": self.premature / self.items if self.items else math.nan,
            "talked_over": self.talked_over,
            "talked_over_rate": self.talked_over / self.items if self.items else math.nan,
            "decision_p50_ms": percentile(ok, 50),
            "decision_p95_ms": percentile(ok, 95),
            "content_p50_ms": percentile(self.contents, 50),
            "content_p95_ms": percentile(self.contents, 95),
        }


@dataclass(frozen=True)
class Corpus:
    """A labelled corpus and how its classes are judged."""

    name: str
    classes: tuple[str, ...]
    exempt: frozenset[str]
    """Classes reported but not held to the premature target."""
    complete: frozenset[str]
    """One finished sentence, no pause: held to the complete-turn targets."""


OURS = Corpus("ours", CLASSES, TARGET_EXEMPT, frozenset({"complete"}))
INDEPENDENT = Corpus("independent", INDEPENDENT_CLASSES, INDEPENDENT_EXEMPT, INDEPENDENT_COMPLETE)
LATER = {
    name: Corpus(name, INDEPENDENT_CLASSES, INDEPENDENT_EXEMPT, INDEPENDENT_COMPLETE)
    for name in LATER_CORPORA
}
PREMATURE_TARGET = 0.02
COMPLETE_P95_TARGET_MS = 400.0
"""Issue 27: complete turns decided at p95 <= 400 ms at zero provider latency."""
COMPLETE_P50_TARGET_MS = 200.0


def summarize(outcomes: Sequence[Outcome], corpus: Corpus = OURS) -> dict[str, Any]:
    cells: dict[str, dict[str, _Cell]] = {}
    complete: dict[str, list[float]] = {}
    for o in outcomes:
        cell = cells.setdefault(o.detector, {}).setdefault(o.cls, _Cell())
        cell.items += 1
        if o.premature:
            cell.premature += 1
            cell.talked_over += o.talked_over
        else:
            cell.decisions.append(o.decision_ms)
            if o.content_ms is not None:
                cell.contents.append(o.content_ms)
            if o.cls in corpus.complete:
                complete.setdefault(o.detector, []).append(o.decision_ms)
    summary: dict[str, Any] = {"detectors": {}}
    for name, by_cls in cells.items():
        entry = {cls: by_cls[cls].as_dict() for cls in corpus.classes if cls in by_cls}
        targeted = {cls: c for cls, c in entry.items() if cls not in corpus.exempt}
        decided = complete.get(name, [])
        p95 = percentile(decided, 95)
        p50 = percentile(decided, 50)
        worst = max(targeted, key=lambda cls: targeted[cls]["premature_rate"], default=None)
        heard = max(targeted, key=lambda cls: targeted[cls]["talked_over_rate"], default=None)
        entry["targets"] = {
            "premature_max_rate": targeted[worst]["premature_rate"] if worst else math.nan,
            "premature_max_class": worst,
            "premature_ok": all(c["premature_rate"] <= PREMATURE_TARGET for c in targeted.values()),
            # Not a target (issue 27 counts every premature commit): what the caller hears.
            "talked_over_max_rate": targeted[heard]["talked_over_rate"] if heard else math.nan,
            "talked_over_max_class": heard,
            "complete_p50_ms": p50,
            "complete_p50_ok": p50 <= COMPLETE_P50_TARGET_MS,
            "complete_p95_ms": p95,
            "complete_p95_ok": p95 <= COMPLETE_P95_TARGET_MS,
        }
        summary["detectors"][name] = entry
    return summary


def render_table(summary: dict[str, Any], corpus: Corpus = OURS) -> str:
    header = (
        f"{'detector':<11} {'class':<17} {'items':>5} {'premature':>9} {'heard':>6} "
        f"{'p50_ms':>7} {'p95_ms':>7} {'cont50':>7} {'cont95':>7}"
    )
    lines = [f"corpus: {corpus.name}", header, "-" * len(header)]
    for name, entry in summary["detectors"].items():
        for cls in corpus.classes:
            if cls not in entry:
                continue
            c = entry[cls]
            mark = " (not a target)" if cls in corpus.exempt else ""
            lines.append(
                f"{name:<11} {cls:<17} {c['items']:>5} {c['premature_rate']:>8.1%} "
                f"{c['talked_over_rate']:>6.1%} {c['decision_p50_ms']:>7.0f} "
                f"{c['decision_p95_ms']:>7.0f} "
                f"{c['content_p50_ms']:>7.0f} {c['content_p95_ms']:>7.0f}{mark}"
            )
        t = entry["targets"]
        lines.append(
            f"{name:<11} {'TARGETS':<17} premature max {t['premature_max_rate']:.1%} "
            f"({t['premature_max_class']}; {'met' if t['premature_ok'] else 'MISSED'}), "
            f"complete p50 {t['complete_p50_ms']:.0f} ms "
            f"({'met' if t['complete_p50_ok'] else 'MISSED'}), p95 "
            f"{t['complete_p95_ms']:.0f} ms ({'met' if t['complete_p95_ok'] else 'MISSED'})"
        )
    return "\n".join(lines)


def measure(
    per_class: int,
    *,
    seed: int,
    stt_profile: str,
    with_audio: bool,
    cache: Path = DEFAULT_CACHE,
    settings: Settings | None = None,
    items: Sequence[TurnItem] | None = None,
    providers: str = "zero",
    specs: Sequence[DetectorSpec] | None = None,
) -> list[Outcome]:
    """Every detector (or ``specs``) on a corpus (the project's own, ``per_class`` items
    of each class, unless ``items`` are given)."""
    settings = settings or default_settings()
    items = list(items) if items is not None else build_corpus(per_class=per_class, seed=seed)
    specs = list(specs) if specs is not None else detectors(settings)
    rng = random.Random(seed)
    stt = STT_PROFILES[stt_profile]
    profile = PROFILES[providers]  # type: ignore[index]
    model = profile.openai.for_model(settings.providers.openai_model)
    answer = AnswerModel(model.ttft, profile.elevenlabs.ttfb, random.Random(seed + 1))
    cut_answer = AnswerModel(model.ttft, profile.elevenlabs.ttfb, random.Random(seed + 2))
    audio_score: AudioScore | None = None
    if with_audio:
        voiced = asyncio.run(_voiced(items, cache))
        audio_score = _audio_model()
        timelines = []
        for item, (durations, audio) in zip(items, voiced, strict=True):
            line = timeline(item, durations, stt, rng)
            line.audio = audio
            timelines.append(line)
    else:
        specs = [s for s in specs if not s.audio]
        timelines = [
            timeline(item, [len(p.say.split()) / _WORDS_PER_S + 0.1 for p in item.parts], stt, rng)
            for item in items
        ]
    return evaluate(items, specs, timelines, audio_score, answer, cut_answer)


def run(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench turns")
    parser.add_argument("--per-class", type=int, default=40, help="corpus items per class")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--stt", choices=tuple(STT_PROFILES), default="zero")
    parser.add_argument(
        "--providers",
        choices=tuple(PROFILES),
        default="zero",
        help="LLM and TTS latency for the content TTFA columns (sim/latency_profiles.py)",
    )
    parser.add_argument(
        "--corpus",
        choices=("all", "ours", "independent", *LATER_CORPORA),
        default="all",
        help=(
            "the project's corpus, the independent one (bench/turn_corpus_independent), "
            "one written since (bench/turn_corpus_<name>: each read in turn to change "
            f"the judge, but {' and '.join(UNREAD_CORPORA)} by no one), or all"
        ),
    )
    parser.add_argument(
        "--no-audio", action="store_true", help="skip synthesis and the audio model"
    )
    parser.add_argument(
        "--vad-silence",
        type=float,
        default=None,
        help="override latency.vad_min_silence for our detectors (what-if)",
    )
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write JSON")
    args = parser.parse_args(argv)
    if args.per_class < 1:
        parser.error("--per-class must be at least 1")
    configure_logging(level="ERROR", fmt="console", own_handler=True)
    settings = default_settings()
    if args.vad_silence is not None:
        settings.latency.vad_min_silence = args.vad_silence
    started = time.monotonic()
    corpora: list[tuple[Corpus, Sequence[TurnItem] | None]] = []
    if args.corpus in ("all", "ours"):
        corpora.append((OURS, None))
    if args.corpus in ("all", "independent"):
        corpora.append((INDEPENDENT, load_independent()))
    for name, corpus in LATER.items():
        if args.corpus in ("all", name):
            corpora.append((corpus, load_later(name)))
    summary: dict[str, Any] = {"corpora": {}}
    tables = []
    for corpus, items in corpora:
        outcomes = measure(
            args.per_class,
            seed=args.seed,
            stt_profile=args.stt,
            with_audio=not args.no_audio,
            settings=settings,
            items=items,
            providers=args.providers,
        )
        entry = summarize(outcomes, corpus)
        # An unread corpus's items are named nowhere: the ids say which turns were cut,
        # and whoever reads them has read the corpus.
        entry["premature_items"] = [
            {
                "item": o.item,
                "detector": o.detector,
                "reason": o.reason,
                "talked_over": o.talked_over,
            }
            for o in outcomes
            if o.premature and o.detector.startswith("ours") and corpus.name not in UNREAD_CORPORA
        ]
        summary["corpora"][corpus.name] = entry
        tables.append(render_table(entry, corpus))
    if "ours" in summary["corpora"]:
        # Where earlier readers of this JSON look for the project's own corpus.
        summary["detectors"] = summary["corpora"]["ours"]["detectors"]
    summary["recorded"] = recorded("turns", argv)
    summary["config"] = {
        "per_class": args.per_class,
        "seed": args.seed,
        "stt_profile": args.stt,
        "providers": args.providers,
        "audio": not args.no_audio,
        "vad_min_silence": settings.latency.vad_min_silence,
    }
    print("\n\n".join(tables))
    print(f"({time.monotonic() - started:.1f}s)")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(summary, indent=2))
    print(f"wrote {args.json}")
    return 0
