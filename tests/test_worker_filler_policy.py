"""The one filler policy: when a line is said, which one, in which language, and the
rules every filler kind shares."""

from __future__ import annotations

import itertools

import pytest

from worker.speech.filler_policy import FillerPolicy, FillerRules, RunningEstimate
from worker.speech.spoken_lines import caller_cue, is_bad_news, spoken_lines

pytestmark = pytest.mark.unit

EN = spoken_lines("en-US")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _policy(
    clock: Clock, *, cached: bool = True, timed: bool = True, **rules: float
) -> FillerPolicy:
    """A call's policy; ``timed``: the call has already timed its model once."""
    policy = FillerPolicy(
        EN,
        FillerRules(**rules),
        audio_s=(lambda line: 0.4) if cached else (lambda line: None),
        clock=clock,
    )
    if timed:
        policy.llm_ttft.observe(0.6)
    return policy


def _turn(policy: FillerPolicy, clock: Clock, seconds: float = 10.0) -> None:
    """The agent answered, then the caller spoke and stopped."""
    clock.now += seconds
    policy.agent_spoke()
    policy.caller_started()
    policy.caller_stopped()


def test_a_filler_only_when_the_answer_would_start_after_it_ends() -> None:
    clock = Clock()
    policy = _policy(clock, margin_s=0.2)
    _turn(policy, clock)
    # 0.4 s of filler + 0.2 s margin: an answer due in 0.5 s would wait behind it.
    assert policy.choose("acknowledgment", answer_due_in_s=0.5, caller_text="Hi.") is None
    filler = policy.choose("acknowledgment", answer_due_in_s=0.7, caller_text="Hi.")
    assert filler is not None and filler.kind == "acknowledgment"


def test_no_acknowledgment_before_the_call_has_timed_its_model() -> None:
    clock = Clock()
    policy = _policy(clock, timed=False)
    _turn(policy, clock)
    # However long the priors predict, the first answer is not kept waiting on a guess.
    assert policy.choose("acknowledgment", answer_due_in_s=3.0, caller_text="Hi.") is None
    # Once the call has timed its model, a long predicted wait gets one.
    policy.llm_ttft.observe(0.9)
    assert policy.choose("acknowledgment", answer_due_in_s=1.0, caller_text="Hi.") is not None
    # A tool running long is seen, not predicted: its bridge is said before any timing.
    untimed = _policy(clock, timed=False)
    _turn(untimed, clock)
    assert untimed.choose("tool_bridge", answer_due_in_s=3.0) is not None


def test_one_slow_timing_is_not_taken_for_the_models_pace() -> None:
    estimate = RunningEstimate(prior_s=0.55)
    estimate.observe(0.9)  # a tail draw: the model's p90 is ~1.8x its median
    assert estimate.early == pytest.approx(0.55 / 1.8)
    estimate.observe(1.0)
    assert estimate.early == pytest.approx(0.55 / 1.8)
    estimate.observe(0.8)  # three timings: the call's own lower quartile
    assert estimate.early == pytest.approx(0.8)
    quick = RunningEstimate(prior_s=0.55)
    quick.observe(0.1)
    assert quick.early == pytest.approx(0.1)


def test_the_prediction_follows_the_calls_own_estimates() -> None:
    clock = Clock()
    policy = FillerPolicy(
        EN,
        llm_ttft=RunningEstimate(prior_s=0.5),
        tts_ttfb=RunningEstimate(prior_s=0.3),
        clock=clock,
    )
    # Before any measurement: the priors' tenth percentiles (the call may run a faster
    # model and voice than the priors name).
    assert policy.answer_due_in(0.0) == pytest.approx((0.5 + 0.3) / 1.8)
    # Past its quick time the model is still expected to take a while (the tail).
    assert policy.answer_due_in(0.6) == pytest.approx((0.25 + 0.3) / 1.8)
    # The call's own figures replace the priors: their lower quartile.
    for ttft, ttfb in ((0.1, 0.05), (0.12, 0.0), (0.3, 0.3), (0.9, 0.4)):
        policy.llm_ttft.observe(ttft)
        policy.tts_ttfb.observe(ttfb)
    assert policy.llm_ttft.early == 0.1 and policy.tts_ttfb.early == 0.0
    assert policy.llm_ttft.seconds == pytest.approx(0.21)
    assert policy.answer_due_in(0.0) == pytest.approx(0.1)
    # A tool or a transcript still to come: the whole model and TTS time is ahead, and
    # what is already late is expected to take part of that again.
    assert policy.answer_due_in(None, ahead_waited_s=1.0) == pytest.approx(0.1 + 0.5)


def test_at_most_one_a_turn_none_on_consecutive_turns_and_a_cooldown() -> None:
    clock = Clock()
    policy = _policy(clock, cooldown_s=6.0)
    _turn(policy, clock)
    assert policy.choose("acknowledgment", answer_due_in_s=2.0) is not None
    assert policy.choose("tool_bridge", answer_due_in_s=2.0) is None  # same turn
    _turn(policy, clock)
    assert policy.choose("acknowledgment", answer_due_in_s=2.0) is None  # the next turn
    _turn(policy, clock)
    assert policy.choose("stt_bridge", answer_due_in_s=2.0) is not None
    _turn(policy, clock, seconds=0.0)
    _turn(policy, clock, seconds=1.0)  # two turns later, but within the cooldown
    assert policy.choose("acknowledgment", answer_due_in_s=2.0) is None
    _turn(policy, clock, seconds=6.0)
    assert policy.choose("acknowledgment", answer_due_in_s=2.0) is not None


def test_a_pause_in_the_callers_sentence_is_not_a_new_turn() -> None:
    clock = Clock()
    policy = _policy(clock)
    _turn(policy, clock)
    assert policy.choose("stt_bridge", answer_due_in_s=2.0) is not None
    _turn(policy, clock)  # the next turn: none (never two turns in a row) ...
    assert policy.choose("acknowledgment", answer_due_in_s=2.0) is None
    # ... and the caller pausing and going on before the agent spoke is still it.
    clock.now += 10.0
    policy.caller_started()
    policy.caller_stopped()
    assert policy.choose("acknowledgment", answer_due_in_s=2.0) is None


def test_never_the_same_line_twice_in_a_row() -> None:
    clock = Clock()
    policy = _policy(clock)
    said = []
    for _ in range(4):
        _turn(policy, clock)
        _turn(policy, clock)  # a turn without one between
        filler = policy.choose("acknowledgment", answer_due_in_s=0.8, caller_text="I see.")
        assert filler is not None
        said.append(filler.line)
    assert all(a != b for a, b in itertools.pairwise(said))
    asks = [policy.repeat_request().line for _ in range(3)]
    assert asks[0] != asks[1] and asks[1] != asks[2]


def test_chosen_from_what_the_caller_said() -> None:
    def first_line(text: str) -> str:
        clock = Clock()
        policy = _policy(clock)
        _turn(policy, clock)
        filler = policy.choose("acknowledgment", answer_due_in_s=0.8, caller_text=text)
        assert filler is not None
        return filler.line

    assert first_line("Can you tell me when the refund will arrive?") in EN.fillers["question"]
    assert first_line("I want to update my phone number.") in EN.fillers["request"]
    assert first_line("Great, thank you so much.") in EN.fillers["thanks"]
    assert first_line("I was charged twice for the same order.") in EN.fillers["statement"]
    # A question after thanks is still waiting on an answer.
    assert caller_cue("Thanks. And when does it arrive?", EN) == "question"


def test_a_long_predicted_wait_gets_a_bridge_line_and_then_no_stall_line() -> None:
    clock = Clock()
    policy = _policy(clock)
    _turn(policy, clock)
    filler = policy.choose("acknowledgment", answer_due_in_s=2.0)
    assert filler is not None and filler.kind == "llm_bridge" and filler.line in EN.llm_bridge
    # One line a turn: after the bridge line a stuck model is the fault path's to voice.
    assert policy.stall_line() is None


def test_a_stall_line_is_said_once_a_turn() -> None:
    clock = Clock()
    policy = _policy(clock)
    _turn(policy, clock)
    stall = policy.stall_line()
    assert stall is not None and stall.line in EN.stall
    assert policy.stall_line() is None
    # The next turn may have its own (a stall line is not a filler: no cooldown).
    _turn(policy, clock)
    again = policy.stall_line()
    assert again is not None and again.line != stall.line


def test_none_after_bad_news_or_before_an_apology() -> None:
    clock = Clock()
    policy = _policy(clock)
    _turn(policy, clock)
    declined = "I'm sorry, that card was declined."
    assert is_bad_news(declined, EN)
    assert policy.choose("acknowledgment", answer_due_in_s=2.0, agent_text=declined) is None
    _turn(policy, clock)
    policy.provider_failed()
    assert policy.choose("acknowledgment", answer_due_in_s=2.0) is None
    _turn(policy, clock)
    assert policy.choose("acknowledgment", answer_due_in_s=2.0) is not None


def test_a_short_filler_needs_its_audio_cached_and_off_means_none() -> None:
    clock = Clock()
    cold = _policy(clock, cached=False)
    _turn(cold, clock)
    assert cold.choose("acknowledgment", answer_due_in_s=1.0) is None
    # A tool bridge may be synthesised: its TTS time counts against the wait.
    assert cold.line_audio_s(EN.tool_bridge[0]) > cold.tts_ttfb.seconds
    off = _policy(clock)
    off.enabled = False
    _turn(off, clock)
    assert off.choose("acknowledgment", answer_due_in_s=5.0) is None
    assert off.stall_line() is None
    assert off.repeat_request().line in EN.repeat_request  # never optional


def test_the_tenants_language_with_a_clear_fallback() -> None:
    spanish = spoken_lines("es-MX")
    assert spanish.language == "es" and not spanish.fallback
    assert caller_cue("¿Cuándo llega mi pedido?", spanish) == "question"
    assert caller_cue("Muchas gracias.", spanish) == "thanks"
    clock = Clock()
    policy = FillerPolicy(spanish, audio_s=lambda line: 0.4, clock=clock)
    policy.llm_ttft.observe(0.6)
    _turn(policy, clock)
    filler = policy.choose("acknowledgment", answer_due_in_s=0.8, caller_text="Quiero pagar.")
    assert filler is not None and filler.line in spanish.fillers["request"]
    assert policy.repeat_request().line in spanish.repeat_request
    assert spoken_lines("de-DE").apology.startswith("Entschuldigung")
    assert spoken_lines("fr-CA").language == "fr"
    unknown = spoken_lines("pt-BR")
    assert unknown.fallback and unknown.language == "en"
    assert unknown.fillers == EN.fillers


@pytest.mark.parametrize("language", ["en", "es", "fr", "de"])
def test_every_language_has_every_line(language: str) -> None:
    lines = spoken_lines(language)
    assert set(lines.fillers) == {"question", "request", "thanks", "statement"}
    for group in (*lines.fillers.values(), lines.llm_bridge, lines.stt_bridge):
        assert len(group) >= 2 and len(set(group)) == len(group)
    for group in (lines.tool_bridge, lines.repeat_request, lines.stall, lines.openers):
        assert group and all(line.strip() for line in group)
    assert lines.apology and lines.question_words and lines.thanks_words


def test_a_gap_the_caller_would_not_notice_gets_no_filler() -> None:
    clock = Clock()
    policy = _policy(clock, margin_s=0.2, quiet_s=0.7)
    _turn(policy, clock)
    # Decided at the commit, 0.1 s after the caller stopped: an answer predicted 0.65 s
    # later starts 0.75 s after the caller stopped, past the quiet gap; 0.55 s is not.
    assert policy.waited_s() == 0.0
    clock.now += 0.1
    assert policy.choose("acknowledgment", answer_due_in_s=0.65, waited_s=0.1) is not None
    _turn(policy, clock)
    clock.now += 0.1
    assert policy.choose("acknowledgment", answer_due_in_s=0.55, waited_s=0.1) is None
