"""The one definition of a premature answer, shared by simulated calls and benchmarks."""

from __future__ import annotations

import pytest

from sim.premature import premature_turn

pytestmark = pytest.mark.unit


def test_a_reply_committed_in_the_pause_is_premature_though_nothing_was_heard() -> None:
    # The end of turn was declared at 1.2 s, inside the pause; the caller went on to
    # 3.0 s. The agent's audio never started (the caller barged back in first).
    assert premature_turn(caller_end=3.0, committed_at=[1.2], first_audio_at=None)


def test_audio_before_the_caller_finished_is_premature() -> None:
    assert premature_turn(caller_end=3.0, committed_at=[], first_audio_at=2.5)


def test_a_reply_committed_after_the_caller_finished_is_not() -> None:
    assert not premature_turn(caller_end=3.0, committed_at=[3.25], first_audio_at=3.4)
    assert not premature_turn(caller_end=3.0)
