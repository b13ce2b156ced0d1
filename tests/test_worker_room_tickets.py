"""Room tickets: signed by the server, bound to one room and one identity, expiring."""

from __future__ import annotations

import pytest

from worker.tokens.room_tickets import RoomTickets

pytestmark = pytest.mark.unit

SECRET = "a-livekit-api-secret-long-enough-for-hs256"


def test_a_ticket_admits_its_identity_to_its_room_until_it_expires() -> None:
    now = [1_000_000.0]
    tickets = RoomTickets(SECRET, ttl_s=60, clock=lambda: now[0])
    ticket = tickets.issue(room="app-abc", identity="ana")
    assert tickets.admits(ticket, room="app-abc", identity="ana")
    assert not tickets.admits(ticket, room="app-abc", identity="eve")
    assert not tickets.admits(ticket, room="app-xyz", identity="ana")
    now[0] += 61
    assert not tickets.admits(ticket, room="app-abc", identity="ana")


@pytest.mark.parametrize(
    "forged",
    [
        None,
        "",
        "no-dot",
        "a.b.c",
        "%%%.%%%",
        "\udcff.\udcfe",
        "x" * 5000,
    ],
)
def test_garbage_is_never_a_ticket(forged: str | None) -> None:
    tickets = RoomTickets(SECRET, ttl_s=60)
    assert not tickets.admits(forged, room="app-abc", identity="ana")


def test_a_ticket_from_another_key_or_edited_is_refused() -> None:
    ticket = RoomTickets("another-secret-another-secret-xx", ttl_s=60).issue(
        room="app-abc", identity="ana"
    )
    tickets = RoomTickets(SECRET, ttl_s=60)
    assert not tickets.admits(ticket, room="app-abc", identity="ana")
    own = tickets.issue(room="app-abc", identity="ana")
    payload, _, signature = own.partition(".")
    # The same signature over a payload naming another identity.
    other = tickets.issue(room="app-abc", identity="eve").partition(".")[0]
    assert not tickets.admits(f"{other}.{signature}", room="app-abc", identity="eve")
    assert tickets.admits(f"{payload}.{signature}", room="app-abc", identity="ana")
