"""Printing simulated calls: the turn table, the demo transcript."""

from __future__ import annotations

from collections.abc import Iterable

from sim.call import CallResult, TurnRecord

__all__ = ["render_call", "render_turn_table"]


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def render_turn_table(turns: Iterable[TurnRecord]) -> str:
    """Per turn: content TTFA (the model's words), first sound (any agent audio), the
    framework's figures, and the filler heard before the answer, if any."""
    header = (
        f"{'turn':>4}  {'content':>7}  {'sound':>6}  {'e2e_ms':>6}  {'llm_ttft':>8}  "
        f"{'tts_ttfb':>8}  {'stt_ms':>6}  {'eot_ms':>6}  {'commit_ms':>9}  premature  filler"
    )
    lines = [header, "-" * len(header)]
    for t in turns:
        lines.append(
            f"{t.index + 1:>4}  {_fmt(t.content_ttfa_ms):>7}  {_fmt(t.ttfa_ms):>6}  "
            f"{_fmt(t.e2e_latency_ms):>6}  "
            f"{_fmt(t.llm_node_ttft_ms):>8}  {_fmt(t.tts_node_ttfb_ms):>8}  "
            f"{_fmt(t.transcription_delay_ms):>6}  {_fmt(t.end_of_turn_delay_ms):>6}  "
            f"{_fmt(t.turn_committed_ms):>9}  {'yes' if t.premature else 'no ':<9}  "
            f"{' / '.join(t.fillers) or '-'}"
        )
    return "\n".join(lines)


def render_call(result: CallResult) -> str:
    kind = (
        "phone caller (SIP, 8 kHz mu-law path)"
        if result.caller_kind == "phone"
        else ("app caller (WebRTC, wideband)")
    )
    out = [f"== {result.scenario}: {kind}, provider latency '{result.latency}' =="]
    for t in result.turns:
        out.append(f"  caller  : {t.caller_text}")
        out.append(f"  LLM saw : {t.llm_saw if t.llm_saw is not None else '-'}")
        for call in t.tool_calls:
            out.append(f"  tool    : {call['name']}({call['arguments']})")
        out.append(f"  agent   : {t.agent_text or '(silence)'}")
        out.append("")
    out.append(render_turn_table(result.turns))
    return "\n".join(out)
