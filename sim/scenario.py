"""Simulated-call scenarios: YAML files under ``sim/scenarios/``.

A scenario lists the caller's turns (spoken parts with pauses between them, including
mid-sentence pauses), the agent's scripted replies and tool calls, the provider latency
profile and faults::

    name: phone-order-status
    caller: phone            # phone (SIP, narrowband) or app (WebRTC, wideband)
    tenant: acme
    latency: budget          # zero | budget | typical | measured (sim/latency_profiles.py)
    turns:
      - caller:
          - "I'd like to check the status of"
          - pause: 0.7
          - "my order please."
        agent:
          reply: "Sure. What's the order number?"
      - caller:
          - say: "It is one two three four five."
            transcript: "it is 12345"
        agent:
          tool_calls: [{name: lookup_order, arguments: {order_number: "12345"}}]
          reply: "It shipped and arrives Thursday."

A scenario says *what is spoken*, never how a recogniser writes it down. The punctuation
of ``say`` only directs the synthetic voice (espeak-ng pauses 140-250 ms at a comma or a
period); the Deepgram simulator drops it and decides the transcript's punctuation and
where it is split into finals itself (``sim.deepgram_punctuation``), as the real service
does. ``transcript`` gives the words a recogniser hears when they differ from ``say``
(digits as numerals); split it at the same commas as ``say`` so each phrase lines up with
its stretch of audio (``sim.word_timing``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from sim.faults import FaultPlan

__all__ = [
    "SCENARIO_DIR",
    "AgentScript",
    "CallerPart",
    "FaultSpec",
    "LatencyName",
    "Scenario",
    "ToolCallScript",
    "Turn",
    "load_scenario",
]

SCENARIO_DIR = Path(__file__).parent / "scenarios"
LatencyName = Literal[
    "zero", "budget", "typical", "measured", "budget-constant", "typical-constant"
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CallerPart(_Model):
    """One stretch of caller speech, or a pause."""

    say: str | None = None
    transcript: str | None = None
    pause: float | None = Field(default=None, ge=0.0)
    dtmf: str | None = Field(
        default=None, pattern=r"^[0-9*#A-D]+$", description="Keys pressed (phone callers)."
    )

    @property
    def heard(self) -> str:
        """The words the STT hears for this part (its punctuation is not passed on)."""
        return self.transcript if self.transcript is not None else (self.say or "")


class ToolCallScript(_Model):
    name: str
    arguments: dict[str, Any] | str = Field(default_factory=dict)
    """A mapping is sent as JSON; a string is sent verbatim (truncated or invalid JSON)."""


class AgentScript(_Model):
    reply: str
    tool_calls: list[ToolCallScript] = Field(default_factory=list)


class Turn(_Model):
    caller: list[CallerPart]
    agent: AgentScript

    @field_validator("caller", mode="before")
    @classmethod
    def _plain_strings(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        return [{"say": part} if isinstance(part, str) else part for part in value]

    @property
    def spoken_parts(self) -> list[CallerPart]:
        return [part for part in self.caller if part.say]

    @property
    def caller_text(self) -> str:
        return " ".join(part.heard for part in self.spoken_parts)

    @property
    def has_pause(self) -> bool:
        """A pause between two spoken parts: the turn invites a premature answer."""
        seen_speech = False
        for index, part in enumerate(self.caller):
            if part.say:
                seen_speech = True
            elif part.pause and seen_speech and any(p.say for p in self.caller[index + 1 :]):
                return True
        return False


class FaultSpec(_Model):
    deepgram: list[dict[str, Any]] = Field(default_factory=list)
    openai: list[dict[str, Any]] = Field(default_factory=list)
    # OpenAI's speech and transcription endpoints (the TTS and STT fallbacks), numbered
    # apart from its chat requests.
    openai_audio: list[dict[str, Any]] = Field(default_factory=list)
    elevenlabs: list[dict[str, Any]] = Field(default_factory=list)

    def plan(
        self, provider: Literal["deepgram", "openai", "openai_audio", "elevenlabs"]
    ) -> FaultPlan:
        return FaultPlan.parse(getattr(self, provider))


class Scenario(_Model):
    name: str
    caller: Literal["phone", "app"] = "phone"
    tenant: str | None = None
    latency: LatencyName = "zero"
    faults: FaultSpec = Field(default_factory=FaultSpec)
    turns: list[Turn]
    gap_after_agent: float = Field(
        default=0.4, ge=0.0, description="Caller's silence after the agent finishes speaking."
    )
    dialed_number: str | None = Field(
        default=None, description="The number a phone caller dialed (sip.trunkPhoneNumber)."
    )
    dispatch_metadata: str | None = Field(
        default=None, description='Raw dispatch metadata; default {"tenant": tenant} if set.'
    )
    caller_hangs_up: bool = Field(default=False, description="Hang up after the last turn.")
    linger: float = Field(
        default=0.0,
        ge=0.0,
        description="After the last turn, how long the silent caller waits for the agent "
        "to end the call (idle and duration limits).",
    )


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load ``sim/scenarios/NAME.yaml`` or an explicit path."""
    path = Path(name_or_path)
    if not path.exists():
        path = SCENARIO_DIR / f"{name_or_path}.yaml"
    with path.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    return Scenario.model_validate(raw)
