"""Five digits said on their own to a postcode question: a ZIP's last four or the town may
follow after a breath (issue 27; the read corpora's ZIP+4 and "75008. Paris." turns)."""

from __future__ import annotations

import pytest

from worker.turns.turn_judge import judge_turn


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        ("94110.", "Can I get the ZIP on your billing address?"),
        ("Sure. 33101.", "And the zip code for the delivery?"),
        ("20121.", "What's the postcode where the bike is kept?"),
        ("Yes. 02139.", "Do you have the ZIP code handy?"),
    ],
)
def test_five_digits_alone_wait_for_what_may_follow(said: str, agent: str) -> None:
    verdict = judge_turn(said, agent)
    assert (verdict.state, verdict.reason) == ("maybe", "more_may_follow:zip")


@pytest.mark.parametrize(
    ("said", "agent"),
    [
        # The four more digits said: the ZIP+4 is whole.
        ("94110. Dash 3307.", "Can I get the ZIP on your billing address?"),
        ("94110-3307.", "Can I get the ZIP on your billing address?"),
        # The town said after it.
        ("20121. Milano.", "What's the postcode where the bike is kept?"),
        # Where it is was said first: nothing left to add.
        ("We live in Lyon. 69003.", "And your postcode?"),
        ("It's a French one. 69003.", "And your postcode?"),
        # Said in a sentence, not on its own.
        ("My zip is 33101.", "And the zip code for the delivery?"),
    ],
)
def test_said_whole_is_answered(said: str, agent: str) -> None:
    verdict = judge_turn(said, agent)
    assert verdict.state == "final", verdict.reason
