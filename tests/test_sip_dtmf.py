"""Key presses: collected into entries, redacted before the LLM, bounded under a flood."""

from __future__ import annotations

import asyncio

import pytest
from structlog.testing import capture_logs

from compliance import CallRedactor
from sip.dtmf import DigitCollector, DtmfOptions, EntryThrottle, describe_entry

pytestmark = pytest.mark.unit

FAST = DtmfOptions(inter_digit_timeout=0.05)


async def test_terminator_and_pause_end_an_entry() -> None:
    entries: list[str] = []
    collector = DigitCollector(entries.append, FAST)
    for key in "1234#":
        collector.press(key)
    assert entries == ["1234"]
    collector.press("7")
    await asyncio.sleep(0.15)
    assert entries == ["1234", "7"]
    collector.press("x")  # not a key: ignored
    collector.press("#")  # an empty entry delivers nothing
    assert entries == ["1234", "7"]


async def test_flood_is_bounded_and_never_logs_digits() -> None:
    entries: list[str] = []
    collector = DigitCollector(entries.append, DtmfOptions(max_presses_per_second=5, max_digits=3))
    with capture_logs() as logs:
        for _ in range(50):
            collector.press("9")
        collector.close()
    assert collector.dropped == 47  # 45 over the rate, 2 over the length
    assert entries == []  # closed before the pause ended the entry
    assert [entry["event"] for entry in logs] == ["dtmf_flood"]
    assert "9" not in str(logs)


async def test_entry_length_is_capped() -> None:
    entries: list[str] = []
    collector = DigitCollector(entries.append, DtmfOptions(max_digits=4))
    for key in "123456#":
        collector.press(key)
    assert entries == ["1234"]


def test_single_key_is_a_menu_choice_and_longer_entries_are_redacted() -> None:
    redactor = CallRedactor()
    assert describe_entry("1", redactor) == "The caller pressed 1 on the keypad."
    text = describe_entry("20481234", redactor)
    assert text == "The caller entered [ACCOUNT_1] on the keypad."
    # Tools get the real digits back from the vault.
    assert redactor.vault.restore_for_tool({"account": "[ACCOUNT_1]"}) == {"account": "20481234"}


def test_card_number_keyed_in_becomes_a_card_placeholder() -> None:
    redactor = CallRedactor()
    text = describe_entry("4111111111111111", redactor)
    assert "[CARD_1]" in text
    assert "4111" not in text


async def test_entries_reach_the_agent_once_per_interval_held_ones_together() -> None:
    turns: list[tuple[float, list[str]]] = []
    loop = asyncio.get_running_loop()
    throttle = EntryThrottle(
        lambda entries: turns.append((loop.time(), entries)),
        DtmfOptions(entry_interval=0.2, max_batched_entries=2),
    )
    start = loop.time()
    throttle.add("1")  # the first goes at once
    throttle.add("2")
    throttle.add("3")
    throttle.add("4")  # a third held entry: dropped
    assert [entries for _, entries in turns] == [["1"]]
    await asyncio.sleep(0.3)
    assert [entries for _, entries in turns] == [["1"], ["2", "3"]]
    assert turns[1][0] - start >= 0.2
    assert throttle.dropped == 1
    await asyncio.sleep(0.25)
    throttle.add("5")  # an interval has passed since the last turn: at once
    assert turns[-1][1] == ["5"]
    throttle.add("6")
    throttle.close()  # the call ended: nothing more is delivered
    await asyncio.sleep(0.3)
    assert [entries for _, entries in turns] == [["1"], ["2", "3"], ["5"]]
