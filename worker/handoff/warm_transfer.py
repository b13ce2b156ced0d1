"""LiveKit Cloud warm transfer: the framework's `WarmTransferTask`, given the redacted
history and the hand-off note.

The task (livekit-agents 1.8.9, ``beta/workflows/warm_transfer.py``) puts the caller on
hold music, joins a ``<room>-human-agent`` room over WebRTC with its own
``rtc.Room``, dials the human with ``CreateSIPParticipant`` (``wait_until_answered``,
``ringing_timeout``, ``headers``), lets an LLM session brief them from the history, and
on the human's word moves them into the caller's room with ``MoveParticipant``. It
completes with a `ToolError` when nobody answers or the human declines; the caller's
conversation then resumes.

The history it is given is the session's own, which holds only placeholders; the note
goes in as extra instructions so the briefing names the reason and the tools.
"""

from __future__ import annotations

import json

from livekit.agents import llm

from config.tenants import DestinationOptions
from worker.framework import WarmTransferTask
from worker.handoff.note import HandoffNote

__all__ = ["warm_transfer_task"]


def warm_transfer_task(
    options: DestinationOptions,
    note: HandoffNote,
    headers: dict[str, str],
    history: llm.ChatContext,
) -> WarmTransferTask:
    """The framework's warm-transfer task for one destination.

    Args:
        options: the destination's options (``dial_to``, ``outbound_trunk_id``,
            ``ring_timeout``).
        note: the hand-off note, told to the human.
        headers: the hand-off SIP headers for the INVITE to the human.
        history: the call's redacted chat history.
    """
    return WarmTransferTask(
        sip_call_to=options.dial_to or "",
        sip_trunk_id=options.outbound_trunk_id,
        sip_headers=dict(headers),
        ringing_timeout=options.ring_timeout,
        chat_ctx=history.copy(),
        extra_instructions="Hand-off note (placeholders stay as they are): "
        + json.dumps(note.as_dict(), ensure_ascii=False),
    )
