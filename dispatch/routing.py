"""Where a call to one of our numbers goes: LiveKit's own matching, for the plan to
check every step against.

A call first matches an inbound trunk, then a dispatch rule (livekit/protocol
``sip/sip.go`` ``MatchTrunkDetailed`` and ``MatchDispatchRuleIter``, called by
livekit/livekit ``pkg/service/ioservice_sip.go`` ``EvaluateSIPDispatchRules``):

* trunks: a trunk whose ``allowed_numbers`` exclude the caller is skipped; one listing
  the dialed number wins; otherwise the one trunk without numbers (a default trunk);
  two of either kind is a failure;
* rules: only rules naming the matched trunk, else rules naming no trunk, that accept
  the caller and the dialed number; the highest priority wins (``DispatchRulePriority``:
  PIN-protected first, then direct, individual, callee; a caller or number filter
  before none).

Source addresses and PIN entry are not modelled: a step is judged for a call from an
allowed address, and a PIN rule counts as reached (it asks for the PIN).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from livekit.protocol import sip

from dispatch.numbers import server_key

__all__ = ["Route", "match_trunk", "route", "routes"]


@dataclass(frozen=True)
class Route:
    """The trunk and rule a call reaches, by the keys the caller of `route` uses."""

    trunk: str
    rule: str


def _match_numbers(number: str, allowed: Sequence[str]) -> bool:
    """sip/sip.go ``matchNumbers``."""
    if not allowed:
        return True
    return any(number == a or server_key(number) == server_key(a) for a in allowed)


def match_trunk(
    trunks: Sequence[tuple[str, sip.SIPInboundTrunkInfo]], called: str, caller: str = ""
) -> str | None:
    """The key of the trunk a call matches, or None (no trunk, or two of a kind)."""
    specific: list[str] = []
    default: list[str] = []
    key = server_key(called)
    for trunk_key, trunk in trunks:
        if not _match_numbers(caller, trunk.allowed_numbers):
            continue
        if not trunk.numbers:
            default.append(trunk_key)
        elif any(n == called or server_key(n) == key for n in trunk.numbers):
            specific.append(trunk_key)
    if specific:
        return specific[0] if len(specific) == 1 else None
    return default[0] if len(default) == 1 else None


def _priority(rule: sip.SIPDispatchRuleInfo) -> tuple[int, str]:
    """sip/sip.go ``DispatchRulePriority`` (lower first), ties by room (hasHigherPriority)."""
    kind = rule.rule.WhichOneof("rule")
    if kind is None:
        return (2**31 - 1, "")
    body = getattr(rule.rule, kind)
    base = {"dispatch_rule_direct": 0, "dispatch_rule_individual": 1}.get(kind, 2)
    priority = base if body.pin else 100 + base
    priority += 0 if rule.inbound_numbers else 1000
    priority += 0 if rule.numbers else 1000
    room = body.room_name if kind == "dispatch_rule_direct" else body.room_prefix
    return (priority, room)


def _rule(
    rules: Sequence[tuple[str, sip.SIPDispatchRuleInfo]],
    trunk_id: str | None,
    called: str,
    caller: str,
) -> str | None:
    specific: list[tuple[tuple[int, str], str]] = []
    wildcard: list[tuple[tuple[int, str], str]] = []
    for rule_key, rule in rules:
        if rule.inbound_numbers and caller not in rule.inbound_numbers:
            continue
        if rule.numbers and called not in rule.numbers:
            continue
        if rule.rule.WhichOneof("rule") is None:
            continue
        if not rule.trunk_ids:
            wildcard.append((_priority(rule), rule_key))
        elif trunk_id is not None and trunk_id in rule.trunk_ids:
            specific.append((_priority(rule), rule_key))
    chosen = min(specific) if specific else (min(wildcard) if wildcard else None)
    return None if chosen is None else chosen[1]


def route(
    trunks: Sequence[tuple[str, sip.SIPInboundTrunkInfo]],
    rules: Sequence[tuple[str, sip.SIPDispatchRuleInfo]],
    trunk_id_of: dict[str, str],
    called: str,
    caller: str = "",
) -> Route | None:
    """Where a call to ``called`` from ``caller`` goes, or None if it is refused.

    Args:
        trunks: ``(key, trunk)`` pairs.
        rules: ``(key, rule)`` pairs.
        trunk_id_of: trunk key -> the id rules name it by.
        called: the dialed number, as the trunk and rules list it.
        caller: the caller's number ("" for a caller no filter names).
    """
    trunk_key = match_trunk(trunks, called, caller)
    if trunk_key is None:
        return None
    rule_key = _rule(rules, trunk_id_of.get(trunk_key, trunk_key), called, caller)
    return None if rule_key is None else Route(trunk_key, rule_key)


def routes(
    trunks: Sequence[tuple[str, sip.SIPInboundTrunkInfo]],
    rules: Sequence[tuple[str, sip.SIPDispatchRuleInfo]],
    trunk_id_of: dict[str, str],
    calls: Iterable[tuple[str, str]],
) -> dict[tuple[str, str], Route]:
    """`route` for each ``(called, caller)``; calls that are refused are left out."""
    found: dict[tuple[str, str], Route] = {}
    for called, caller in calls:
        reached = route(trunks, rules, trunk_id_of, called, caller)
        if reached is not None:
            found[(called, caller)] = reached
    return found
