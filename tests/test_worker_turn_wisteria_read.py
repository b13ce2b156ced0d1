"""Rules from reading issue 27's wisteria corpus: a relative named after "because" with
what they did still to come ("..., because my granddaughter."), what the caller was told
they could do ("We were told we could bring."), and the number at a house asked for as
a phone number, so its first groups wait for the rest and the whole is answered at
once."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("I'm ringing because my granddaughter.", "Good morning, how can I help?"),
        ("We're calling because our niece.", "What's it regarding?"),
        ("They said we could bring.", "What went wrong on the day?"),
        ("0161.", "And the number at the farm?"),
        ("0161. 496.", "And the number at the farm?"),
    ],
)
def test_the_rest_of_the_turn_is_waited_for(said: str, agent: str) -> None:
    verdict = judge_turn(said, agent)
    assert verdict.state == "unfinished", verdict.reason


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("0161 496 0018.", "And the number at the farm?"),
        ("I'm ringing because my granddaughter is poorly.", "Good morning, how can I help?"),
        ("They said we could bring a cake.", "What went wrong on the day?"),
    ],
)
def test_whole_as_said(said: str, agent: str) -> None:
    verdict = judge_turn(said, agent)
    assert verdict.state == "final", verdict.reason
