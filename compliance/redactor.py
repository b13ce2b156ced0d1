"""`CallRedactor`: redacts each user turn before it reaches the LLM, with state for the call.

Numbers dictated in chunks across turns
---------------------------------------
Earlier chat history is never rewritten mid-call (the provider's prefix cache would be lost,
and the earlier text has already been sent). So chunks are caught two ways:

* **Proactively.** A run of 4+ digits said in a sensitive context -- a card, SSN, account,
  routing or phone keyword, or a generic "the number is" -- becomes a *partial* placeholder
  at once ("my card is 4111 1111" -> "my card is [CARD_1]"). The context may also be a
  keyword left hanging at the end of the previous turn ("my card number is" / "4111 ...").
* **Retroactively.** The trailing digit run of each turn is kept (last 3 turns, 24 digits at
  most). When the next turn *starts* with digits and the concatenation validates (Luhn card,
  SSN, valid phone, or fits the context of the earlier chunk), the new chunk is redacted
  with the whole value's placeholder, the partial vault entry grows to the whole value, and
  `TurnResult.earlier_chunks` names the earlier turn chunks that belong to it --
  with ``redacted=False`` for a chunk that had no context and reached the LLM in the clear.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from compliance.after_answer import after_the_answer
from compliance.answers import ANSWER_KINDS, answer_spans, follow_up_spans, said_again
from compliance.asked_pieces import ASKED_IN_PIECES, house_number_only, pieces_only
from compliance.beside import (
    COMMON_LOCAL_PARTS,
    birth_date_again,
    digits_again,
    digits_read_back,
    dutch_postcode_after_address,
    end_named_before,
    house_name_before,
    house_number_again,
    keyed_instead,
    postcode_begun_before,
    spelled_beside,
    unit_after_address,
    unit_before_address,
    words_again,
    written_again,
)
from compliance.checksums import nino_prefix_valid, nino_valid
from compliance.corrections import apply_corrections
from compliance.cues import (
    PART_COUNT,
    SECRET_CONTEXTS,
    AgentTurn,
    Context,
    asks_amount_as_check,
    checks_identity,
    keywords,
    read_agent_turn,
)
from compliance.detectors import (
    Detection,
    DigitRun,
    birth_dates,
    classify_digits,
    named_addresses,
    plausible_card_prefix,
    scan,
)
from compliance.spoken import Normalised, normalise
from compliance.vault import PLACEHOLDER, Vault
from config.redaction_policy import EntityType, RedactionPolicy

__all__ = [
    "MAX_TURN_CHARS",
    "CallRedactor",
    "EarlierChunk",
    "Redaction",
    "TurnResult",
    "redact_text",
    "withhold_excess",
]

MAX_TURN_CHARS: Final = 4096
"""The most of one turn that is redacted and passed on: four minutes of unbroken speech in
one transcript segment, or a long chat message.

Redaction is linear in a turn's length (a few µs a character), so this bounds what one turn
may cost the call's event loop to milliseconds (``python -m bench pii`` measures it); the
rest of a longer turn is withheld, never passed on unredacted."""
_WITHHELD: Final = " [WITHHELD: {} more characters]"
# The agent's question is in the last words it said.
_QUESTION_CHARS: Final = 240
# How many agent turns that ask nothing a security question outlives, unanswered.
_SECRET_STANDS_FOR: Final = 2
_WITHHELD_RESERVE: Final = 48

_FILLERS: Final = re.compile(
    # "And the last eight are 1111 1111.": the count is no digit of the value.
    rf"(?:{PART_COUNT}|"
    # "And then four zeros. 0000.": the digits described before they are read.
    r"\b\d (?:zeros|zeroes|noughts|ohs)\b|"
    r"[\W_]|\b(?:uh|um+|er|erm|ah|hmm|oh|and|then|okay|ok|so|yes|yeah|yep|sure|right|alright"
    r"|sorry|also|plus|the|rest|is|are|it's|its|it|next|continuing|continued|more|part|last|after"
    r"|that|followed|by|digits|numbers|remaining|still|thanks|thank|you|please)\b)*",
    re.IGNORECASE,
)
_KIND_CONTEXT: Final = {
    EntityType.CARD: Context.CARD,
    EntityType.SSN: Context.SSN,
    EntityType.PHONE: Context.PHONE,
    EntityType.ACCOUNT: Context.ACCOUNT,
    EntityType.ROUTING: Context.ROUTING,
    EntityType.CVV: Context.CVV,
    EntityType.PIN: Context.PIN,
    EntityType.EXPIRY: Context.EXPIRY,
    EntityType.PASSPORT: Context.PASSPORT,
    EntityType.LICENSE: Context.LICENSE,
    EntityType.MEMBER: Context.MEMBER,
    EntityType.ID: Context.ID,
    EntityType.DOB: Context.BIRTH,
    EntityType.NAME: Context.NAME,
    EntityType.OTP: Context.OTP,
    EntityType.SECRET: Context.SECRET,
    EntityType.MAIDEN: Context.MAIDEN,
    EntityType.NINO: Context.NINO,
    EntityType.SIN: Context.SIN,
    EntityType.TFN: Context.TFN,
    EntityType.NHS: Context.NHS,
    EntityType.MEDICAL: Context.MEDICAL,
    EntityType.POLICY: Context.POLICY,
    EntityType.VIN: Context.VIN,
    EntityType.PLATE: Context.PLATE,
    EntityType.POSTCODE: Context.POSTCODE,
    EntityType.IBAN: Context.IBAN,
    EntityType.EMAIL: Context.EMAIL,
    EntityType.ADDRESS: Context.ADDRESS,
    EntityType.LASTFOUR: Context.LASTFOUR,
}
_HOUSE_ASKED: Final = re.compile(r"\b(?:house|flat|door|building|apartment) number\b", re.I)
_HOUSE_LABEL: Final = r"(?:house|flat|door) number"
# "It's number 27, and the postcode is ...": the house number asked for.
_HOUSE_NUMBER_SAID: Final = re.compile(
    rf"(?i:\b(?:{_HOUSE_LABEL}(?: is|'s| was)?|number|no\.?|flat|house)\s+)"
    r"\d{1,5}[A-Za-z]?\b"
    r"|^(?i:(?:it's|it is)\s+)?\d{1,5}[A-Za-z]?(?=[,.]|$)"
)
# "3581 KP, and the house number is 17.": a house number given by its label, unasked,
# beside the postcode or street it belongs to.
_HOUSE_NUMBER_GIVEN: Final = re.compile(
    rf"(?i:\b{_HOUSE_LABEL}(?: is|'s| was|:))\s+(\d{{1,5}}[A-Za-z]?)\b"
)
# Digits the agent reads back: three or more, grouped as said.
_QUOTED_DIGITS: Final = re.compile(r"(?<![\w])\d(?:[ -]?\d){2,}(?![\w])")
_QUOTED_EMAIL: Final = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A value read back as a statement: "I have ...", "I've got ...", "So that's ...".
_CONFIRMING: Final = re.compile(
    # "So IE29 AIBK 9311 5212 3456 87.": read back after "so", the question left unsaid.
    r"\b(?:i have|i've got|i've|we have|so that's|that's|so it's|is that right|is that correct)\b"
    r"|^\W*so\b(?=\W+[A-Z]{0,2}\d)",
    re.IGNORECASE,
)
# A number read back to be confirmed is long enough to be someone's (a phone number, a
# national number), not a quantity.
_QUOTED_NUMBER_DIGITS: Final = 7
# "Was that 604 119?": six digits asked back outright are a code's (a one-time code, a
# reference), not a quantity; a ZIP's five stay out.
_ASKED_BACK: Final = re.compile(r"\b(?:was that|is that|did you say)\b", re.IGNORECASE)
_ASKED_BACK_DIGITS: Final = 6
_NAMED_GAP: Final = 12
_CARD_LENGTHS_MIN: Final = 13
# The context a read-back number of no known kind leaves for the caller's answer.
_NUMBER_READ_BACK: Final = "read_back_number"
_ADULT_AGE: Final = 16
_CARD_TALK: Final = frozenset({Context.CARD, Context.CVV, Context.EXPIRY, Context.LASTFOUR})
# Questions whose answer is a date, asked for in parts ("the month?", "and the year?").
_DATED: Final = frozenset({Context.EXPIRY, Context.BIRTH})

# Identifiers with no checksum and no fixed length: a "complete" one may still be
# continued next turn ("H O M, three three two oh" / "Yes?" / "eight one oh four four").
_EXTENDABLE: Final = frozenset(
    {
        EntityType.ACCOUNT,
        EntityType.POLICY,
        EntityType.MEMBER,
        EntityType.MEDICAL,
        EntityType.ID,
        EntityType.LICENSE,
        EntityType.PASSPORT,
    }
)


@dataclass(frozen=True, slots=True)
class Redaction:
    """One value replaced in a turn.

    Attributes:
        kind: Entity type.
        placeholder: What replaced it.
        start: Start offset in the original turn text.
        end: End offset in the original turn text (exclusive).
        complete: False for a proactive partial (the number may continue next turn).
    """

    kind: EntityType
    placeholder: str
    start: int
    end: int
    complete: bool


@dataclass(frozen=True, slots=True)
class EarlierChunk:
    """A chunk of an earlier turn that turned out to be part of a value completed now.

    Attributes:
        turn: Index of the earlier turn within the call (0-based).
        start: Start offset in that turn's original text.
        end: End offset in that turn's original text.
        placeholder: Placeholder of the completed value.
        redacted: Whether that chunk was already redacted proactively; False means it
            reached the LLM in the clear (no context announced it).
    """

    turn: int
    start: int
    end: int
    placeholder: str
    redacted: bool


@dataclass(frozen=True, slots=True)
class TurnResult:
    """The outcome of redacting one turn.

    Attributes:
        turn: Index of this turn within the call (0-based).
        text: The redacted text, safe for the LLM, logs and telemetry.
        redactions: Values replaced in this turn, in text order.
        earlier_chunks: Earlier turns' chunks completed by this turn.
    """

    turn: int
    text: str
    redactions: tuple[Redaction, ...]
    earlier_chunks: tuple[EarlierChunk, ...]


@dataclass(frozen=True, slots=True)
class _Tail:
    """The digit run a turn ended with, kept in case the next turn continues it."""

    turn: int
    digits: str
    start: int
    end: int
    whole_turn: bool
    placeholder: str | None
    context: str | None
    complete: bool = False


def withhold_excess(text: str, max_chars: int | None = MAX_TURN_CHARS) -> str:
    """``text`` cut to at most ``max_chars`` with a note of how much was withheld.

    Idempotent: a text already cut is not cut again, so the LLM-context pass keeps the
    provider's prefix cache.

    Args:
        text: One turn.
        max_chars: The limit; None for no limit.
    """
    if max_chars is None or len(text) <= max_chars:
        return text
    cut = max(0, max_chars - _WITHHELD_RESERVE)
    space = text.rfind(" ", max(0, cut - 64), cut)
    cut = space if space > 0 else cut
    return text[:cut] + _WITHHELD.format(len(text) - cut)


# A National Insurance number's prefix and first pairs, or its later pairs and suffix,
# said as a turn of their own.
_NINO_BEGUN: Final = re.compile(r"[A-Z]{2}(?: ?\d{2}){1,3}")
_NINO_MORE: Final = re.compile(r"\d{2}(?: ?\d{2}){0,2}(?: ?[A-D])?")
_NINO_CHARS: Final = 9
_DIGITS_BEGUN: Final = 3
_NINO_LEAD_IN: Final = re.compile(r"\s*(?:[A-Za-z']+[ ,]*){1,3}[.!]\s+(?=[A-Z]{2} ?\d)")


def _digits_begun(run: DigitRun) -> Iterable[Detection]:
    """A turn that is only digits, said after "Go ahead." with nothing asked: the first
    groups of a number being read out ("4111 1111.", "721."), the rest to follow in the
    next turns. Two or three groups of four with a card's first digit are a card's, as
    the STT writes a card; other groups of three or more digits, a number's."""
    if len(run.digits) in (8, 12) and set(run.groups) == {4} and plausible_card_prefix(run.digits):
        yield Detection(EntityType.CARD, run.start, run.end, run.digits, complete=False)
    elif len(run.digits) >= _DIGITS_BEGUN:
        yield Detection(EntityType.NUMBER, run.start, run.end, run.digits, complete=False)


def _fillers_only(text: str) -> bool:
    return _FILLERS.fullmatch(text) is not None


def _resolve(detections: list[Detection]) -> list[Detection]:
    """Drop overlaps: at the same start the longer wins, then first come first served."""
    kept: list[Detection] = []
    end = -1
    for det in sorted(detections, key=lambda d: (d.start, d.start - d.end)):
        if det.start >= end:
            kept.append(det)
            end = det.end
    return kept


class CallRedactor:
    """Redacts a call's user turns, one at a time, sharing one vault across the call.

    Args:
        policy: The tenant's redaction policy; the default redacts every type.
        max_chain_turns: How many earlier turns a dictated number may span.
        max_chain_digits: The most digits kept from earlier turns.
        max_turn_chars: The most of one turn redacted and passed on; the rest is withheld
            (see `MAX_TURN_CHARS`). None for no limit (offline batch redaction).
        secret_phrases: What the agent's tools take as secret, in words ("security code",
            "memorable date"): a question naming one makes its answer a secret, whatever
            its form.
    """

    def __init__(
        self,
        policy: RedactionPolicy | None = None,
        *,
        max_chain_turns: int = 3,
        max_chain_digits: int = 24,
        max_turn_chars: int | None = MAX_TURN_CHARS,
        secret_phrases: Iterable[str] = (),
    ) -> None:
        self.policy = policy if policy is not None else RedactionPolicy()
        self._vault = Vault()
        self._max_turns = max_chain_turns
        self._max_digits = max_chain_digits
        self._turn = 0
        self._tails: list[_Tail] = []
        self._pending_context: str | None = None
        self._max_turn_chars = max_turn_chars
        self._asked: str | None = None
        self._last_ask: str | None = None
        self._answer: tuple[EntityType, str] | None = None
        self._answers: set[tuple[EntityType, str]] = set()
        self._unanswered_turns = 0
        # The caller began the value asked for and has not finished it: the question
        # stands through a remark of the agent's that asks nothing.
        self._begun = False
        self._card_talk = False
        self._house_asked = False
        self._identity_check = False
        self._amount_check = False
        self._go_ahead = False
        self._remark = False
        self._questioned = False
        self._number_read_back = False
        # The latest year a caller old enough to hold an account was born in.
        self._adult_born_by = datetime.date.today().year - _ADULT_AGE
        phrases = sorted({" ".join(p.lower().split()) for p in secret_phrases if p.strip()})
        self._phrases = tuple(phrases)
        self._secret_phrases = (
            re.compile(r"\b(?:" + "|".join(map(re.escape, phrases)) + r")\b", re.IGNORECASE)
            if phrases
            else None
        )

    def agent_said(self, text: str) -> None:
        """Take the agent's turn as context for the caller's next turns.

        After "what's the best number to reach you?" the caller's answer is read as a phone
        number, in words or digits, grouped or not, over one turn or several, until the
        agent speaks again or a complete value of that kind has been given.

        A turn that asks nothing new ("Mm-hm.", "Go on.") leaves a question not yet
        answered standing, and one that asks for the last answer again ("Sorry, you broke
        up there.") brings its question back. A new question ends any number being read in
        pieces for another one: the answer to "what's the security code?" after "the card
        ending in 4419" is never joined to the card.

        Args:
            text: The agent's turn as it was spoken (placeholders are fine).
        """
        turn = read_agent_turn(text)
        if self._begun and text.rstrip().endswith("?"):
            # "Thanks, that's a Mercedes, right?": a question of its own, not a remark the
            # value's rest comes after.
            self._begun = False
        if turn.context is None and not turn.hold:
            # "Sorry, was that 4497 at the end?": a value of the call's read back to be
            # confirmed; the caller's "No, 4479." is more of it.
            quoted = self._read_back(text[-_QUESTION_CHARS:])
            self._number_read_back = quoted == _NUMBER_READ_BACK
            if quoted is not None and quoted != _NUMBER_READ_BACK:
                turn = AgentTurn(quoted, hold=False)
        elif not turn.hold:
            self._number_read_back = False
        if not turn.hold:
            # "Your postcode and house number, please.": asked beside another value.
            self._house_asked = _HOUSE_ASKED.search(text[-_QUESTION_CHARS:]) is not None
            self._identity_check = checks_identity(text[-_QUESTION_CHARS:])
            self._amount_check = asks_amount_as_check(text[-_QUESTION_CHARS:])
        if (
            self._secret_phrases is not None
            and turn.context not in SECRET_CONTEXTS
            and self._secret_phrases.search(text[-_QUESTION_CHARS:])
        ):
            turn = AgentTurn(Context.SECRET, hold=False)
        # "Go ahead.", "Mhm.": the caller reads on, whatever was asked before.
        self._go_ahead = turn.hold and turn.context is None
        if not turn.hold:
            # "What's the order reference?" asks for an ordinary number of no kind: the
            # digits read after its "Mhm." are that.
            self._questioned = text.rstrip().endswith("?")
        # "It's on your payslip if that helps.": a remark, no question for the reply.
        self._remark = turn.context is None and not text.rstrip().endswith("?")
        self._agent_turn(turn)

    def _read_back(self, question: str) -> str | None:
        """The kind of value the agent reads back to be confirmed, if it reads one back:
        a value of the call's (its digits or its placeholder), or one it quotes whole ("I
        have 4111 1111 1111 1117, is that right?", "I've got the 7th of July 1979.")."""
        if not (question.rstrip().endswith("?") or _CONFIRMING.search(question)):
            return None
        for m in PLACEHOLDER.finditer(question):
            entry = self._vault.get(m.group())
            if entry is not None:
                return _KIND_CONTEXT.get(entry.kind)
        for m in _QUOTED_DIGITS.finditer(question):
            digits = re.sub(r"\D", "", m.group())
            for entry in self._vault:
                if digits in re.sub(r"\D", "", entry.value):
                    return _KIND_CONTEXT.get(entry.kind)
        said = normalise(question).text
        if _QUOTED_EMAIL.search(said):
            return Context.EMAIL
        if any(True for _ in birth_dates(said, self._adult_born_by)):
            return Context.BIRTH
        named = [e for _s, e, c in keywords(said) if c == Context.NEGATIVE]
        runs = [
            re.sub(r"\D", "", m.group())
            for m in _QUOTED_DIGITS.finditer(said)
            # "How can I help with order 7731-20458?": a number named as an ordinary one.
            if not any(0 <= m.start() - e <= _NAMED_GAP for e in named)
        ]
        digits = max(runs, key=len, default="")
        if len(digits) < _QUOTED_NUMBER_DIGITS and not (
            len(digits) >= _ASKED_BACK_DIGITS and _ASKED_BACK.search(question)
        ):
            return None
        found = classify_digits(digits, None, self.policy.default_region)
        if found is not None and found.kind in _KIND_CONTEXT:
            return _KIND_CONTEXT[found.kind]
        if len(digits) >= _CARD_LENGTHS_MIN and plausible_card_prefix(digits):
            return Context.CARD
        # A number of no kind known ("I've got 326 174 559."): whatever digits the caller
        # answers with are more of it.
        return _NUMBER_READ_BACK

    def _agent_turn(self, turn: AgentTurn) -> None:
        asks = turn.context is not None and turn.context != Context.GENERIC
        if asks:
            self._answer = None
        if turn.date_part and self._last_ask in _DATED:
            # "And the year?" after "What's the expiry month?": the same question, its
            # next part.
            self._unanswered_turns = 0
            self._asked = self._last_ask
        elif turn.letter_part and self._last_ask in ASKED_IN_PIECES:
            # "And the letter at the end?" after a National Insurance number's digits: its
            # letter, the same question's last part.
            self._unanswered_turns = 0
            self._asked = self._last_ask
        elif turn.again:
            self._asked = self._last_ask if self._last_ask is not None else turn.context
        elif turn.hold:
            pass  # "Mm-hm.", "Go on.": whatever was asked still is
        elif (
            not asks
            and (self._asked in SECRET_CONTEXTS or self._begun)
            and self._unanswered_turns < _SECRET_STANDS_FOR
        ):
            # A security question not yet answered, or a value begun and not finished,
            # stands through a remark that asks nothing ("Thank you." after a "Yes.",
            # "Yes, this call is secure."): its answer or its rest may come next.
            self._unanswered_turns += 1
        else:
            self._unanswered_turns = 0
            self._begun = False
            self._asked = self._last_ask = turn.context
            if turn.context is not None and turn.context != Context.GENERIC:
                self._tails = [t for t in self._tails if t.context in (None, turn.context)]
        self._card_talk = self._card_talk or self._asked in _CARD_TALK
        self._pending_context = None

    @property
    def secret_phrases(self) -> tuple[str, ...]:
        """What this call's tools take as secret, in words (see the class's arguments)."""
        return self._phrases

    @property
    def asked(self) -> str | None:
        """The category the agent's last turn asked for (a `Context` value), if any."""
        return self._asked

    @property
    def vault(self) -> Vault:
        """The call's vault of real values behind placeholders."""
        return self._vault

    def redact(self, text: str) -> str:
        """Redact one user turn; see `redact_turn`.

        Args:
            text: The turn as transcribed.
        """
        return self.redact_turn(text).text

    def redact_turn(self, text: str) -> TurnResult:
        """Redact one user turn and report what was replaced.

        Args:
            text: The turn as transcribed (spoken or written forms).

        Returns:
            The redacted text, its redactions and any earlier chunks this turn completed.
        """
        turn = self._turn
        self._turn += 1
        text = withhold_excess(text, self._max_turn_chars)
        norm = normalise(text)
        policy = self.policy
        card_talk = self._card_talk or any(e.kind is EntityType.CARD for e in self._vault)
        found = scan(
            norm,
            policy.default_region,
            self._pending_context,
            turn_context=self._asked,
            card_context=card_talk,
            names=policy.is_enabled(EntityType.NAME),
        )
        spans = list(
            answer_spans(
                norm.text,
                self._asked,
                names=policy.is_enabled(EntityType.NAME),
                fresh=self._unanswered_turns == 0,
            )
        )
        if self._answer is not None and self._asked is None:
            spans.extend(follow_up_spans(norm.text, *self._answer))
        for kind, value in self._answers:
            # An answer given earlier in the call, said or spelled again.
            spans.extend(said_again(norm.text, kind, value))
        detections = found.detections + [
            Detection(kind, a, b, value) for kind, a, b, value in spans
        ]
        detections = apply_corrections(norm.text, found.runs, detections)
        detections = [d for d in detections if policy.is_enabled(d.kind)]
        # A name said again first: "T, W, then Ellis, E L L I S@..." spells before it.
        detections += list(words_again(norm, detections))
        detections += list(spelled_beside(norm, detections))
        detections += list(unit_before_address(norm, detections))
        detections += list(unit_after_address(norm, detections))
        detections += list(dutch_postcode_after_address(norm, detections))
        detections += list(postcode_begun_before(norm, detections))
        detections += list(
            house_name_before(norm, detections, asked=self._asked == Context.ADDRESS)
        )
        detections += list(digits_again(norm, detections, found.runs))
        detections += list(end_named_before(norm, detections))
        detections += list(keyed_instead(detections, found.runs, norm.text))
        so_far = [(e.kind, e.value) for e in self._vault if e.complete]
        detections += list(written_again(norm, detections, so_far))
        asked = self._asked
        owed = ASKED_IN_PIECES.get(asked) if asked is not None else None
        if asked is not None and owed is not None and policy.is_enabled(owed):
            chunks = pieces_only(norm.text, asked)
            if chunks is not None:
                detections.append(Detection(owed, *chunks, complete=False))
        if asked == Context.ADDRESS and policy.is_enabled(EntityType.ADDRESS):
            house = house_number_only(norm.text)
            if house is not None:
                detections.append(Detection(EntityType.ADDRESS, *house, complete=False))
        if self._number_read_back and policy.is_enabled(EntityType.NUMBER):
            detections += list(digits_read_back(detections, found.runs))
        if self._amount_check and policy.is_enabled(EntityType.SECRET):
            # "I think it was about 85 pounds. 85.50 maybe.": each amount is the answer.
            detections.extend(
                Detection(EntityType.SECRET, run.start, run.end, run.digits, complete=False)
                for run in found.runs
                if run.money
            )
        if self._identity_check and policy.is_enabled(EntityType.DOB):
            detections.extend(birth_dates(norm.text, self._adult_born_by))
        placed = (EntityType.POSTCODE, EntityType.ADDRESS)
        labelled = list(_HOUSE_NUMBER_GIVEN.finditer(norm.text))
        if (
            labelled
            and policy.is_enabled(EntityType.ADDRESS)
            and (
                any(d.kind in placed for d in detections)
                or any(e.kind in placed for e in self._vault)
            )
        ):
            # With the postcode or street given, the number finds the home; alone ("the flat
            # number is 12") it does not.
            detections.extend(
                Detection(EntityType.ADDRESS, m.start(1), m.end(1), m.group(1), complete=False)
                for m in labelled
            )
        if self._house_asked and policy.is_enabled(EntityType.ADDRESS):
            detections.extend(
                Detection(EntityType.ADDRESS, m.start(), m.end(), m.group(), complete=False)
                for m in _HOUSE_NUMBER_SAID.finditer(norm.text)
            )
            # "What's the house number?" / "It's 61." / "Mhm." / "Harrow View Gardens.":
            # the street, next.
            named = list(named_addresses(norm.text))
            detections += named
            detections += list(words_again(norm, named))
        detections += list(house_number_again(detections, found.runs, norm.text))
        if asked is not None:
            answer_kinds = {k for k, c in _KIND_CONTEXT.items() if c == asked}
            answer_kinds.update(k for c, k in ANSWER_KINDS.items() if c == asked)
            detections = after_the_answer(norm.text, detections, answer_kinds)
        # After the answer's own: a birth date's day and month said again are the same date.
        detections += list(birth_date_again(norm, detections, so_far))

        lead = next(iter(found.runs), None)
        if lead is not None and (lead.money or not _fillers_only(norm.text[: lead.start])):
            lead = None
        # The turn is only the lead run ("721."), fillers around it.
        whole = lead is not None and lead is found.runs[-1] and _fillers_only(norm.text[lead.end :])
        if (
            lead is not None
            and whole
            and (
                (self._asked is None and self._go_ahead and not self._questioned)
                # "Go ahead with the number." / "312.": a number of no kind asked for.
                or self._asked == Context.GENERIC
            )
        ):
            detections.extend(d for d in _digits_begun(lead) if policy.is_enabled(d.kind))
        chained: tuple[Detection, str, list[_Tail]] | None = None
        nino = None
        if (
            self._asked is None
            and (self._go_ahead or self._remark)
            and policy.is_enabled(EntityType.NINO)
        ):
            nino = self._nino_in_pieces(norm.text)
        if nino is not None:
            # Its pairs are its own, not a number's chunks to chain.
            chained = (*nino, [])
            lead = None
        elif lead is not None:
            chained = self._continue_chain(lead, whole, detections)
        placeholders: dict[tuple[int, int], str] = {}
        earlier: tuple[EarlierChunk, ...] = ()
        used_tails: list[_Tail] = []
        if chained is not None:
            det, placeholder, used_tails = chained
            detections = [d for d in detections if d.end <= det.start or d.start >= det.end]
            detections.append(det)
            placeholders[(det.start, det.end)] = placeholder
            earlier = tuple(
                EarlierChunk(t.turn, t.start, t.end, placeholder, t.placeholder is not None)
                for t in used_tails
            )

        kept = _resolve(detections)
        redactions: list[Redaction] = []
        pieces: list[str] = []
        cursor = 0
        for det in kept:
            placeholder = (
                placeholders.get((det.start, det.end))
                or (None if det.complete else self._vault.holding(det.kind, det.value))
                or self._vault.add(det.kind, det.value, complete=det.complete)
            )
            start, end = norm.to_original(det.start, det.end)
            pieces.append(text[cursor:start])
            pieces.append(placeholder)
            cursor = end
            redactions.append(Redaction(det.kind, placeholder, start, end, det.complete))
        pieces.append(text[cursor:])

        self._remember_tail(turn, norm, found.runs, kept, redactions, lead, used_tails)
        for r in redactions:
            entry = self._vault.get(r.placeholder) if r.kind is EntityType.EMAIL else None
            local = entry.value.split("@", 1)[0] if entry is not None else ""
            if r.complete and local and local.lower() not in COMMON_LOCAL_PARTS:
                # "So that's wendy1949 at talktalk.net?" / "That's it, wendy1949.": an
                # address's local part said again later in the call ("info" names no one).
                self._answers.add((EntityType.EMAIL, local))
        pending = found.trailing_context
        self._pending_context = None if pending == Context.NEGATIVE else pending
        if self._asked is not None and any(
            not r.complete and _KIND_CONTEXT.get(r.kind) == self._asked for r in redactions
        ):
            # "4111 1111." / "Mhm." / "Sorry, is this line secure?" / "Yes, it is." /
            # "Okay. 1111 1111.": the rest of the card, after the caller's aside.
            self._begun = True
        if self._asked is not None and any(
            r.complete and self._asked in (_KIND_CONTEXT.get(r.kind), Context.GENERIC)
            for r in redactions
        ):
            # Answered: later numbers are read on their own merits again, and only more of
            # a spoken answer (its spelling) until the agent asks something else.
            answer_kind = ANSWER_KINDS.get(self._asked)
            given = next((r for r in redactions if r.kind is answer_kind), None)
            if given is not None:
                entry = self._vault.get(given.placeholder)
                self._answer = (given.kind, entry.value) if entry is not None else None
                if self._answer is not None:
                    self._answers.add(self._answer)
            if self._asked != Context.ADDRESS:
                # An address is given line by line ("It's the Old Rectory." / "Mhm." /
                # "Church Lane. Little Snoring."): its question stands through a hold.
                self._asked = None
            self._unanswered_turns = 0
            self._begun = False
        return TurnResult(turn, "".join(pieces), tuple(redactions), earlier)

    def _nino_in_pieces(self, text: str) -> tuple[Detection, str] | None:
        """A National Insurance number read over turns with nothing asked ("Go ahead." /
        "AB 12." / "Mhm." / "34 56 D."): a turn that is only its prefix and first pairs
        starts one; a turn that is only pairs and perhaps the suffix letter goes on with
        the one begun last turn. The detection and its placeholder."""
        # "Found it. SK 30.": after a short remark of no digits, the piece.
        lead_in = _NINO_LEAD_IN.match(text)
        start = lead_in.end() if lead_in is not None else len(text) - len(text.lstrip())
        said = text[start:].strip().rstrip(".")
        begun = _NINO_BEGUN.fullmatch(said)
        if begun is not None and nino_prefix_valid(said[:2]):
            value = re.sub(r"\W", "", said)
            placeholder = self._vault.add(EntityType.NINO, value, complete=False)
            return Detection(EntityType.NINO, start, start + len(said), value, False), placeholder
        said = text.strip().rstrip(".")
        entries = list(self._vault)
        last = entries[-1] if entries else None
        if (
            last is None
            or last.kind is not EntityType.NINO
            or last.complete
            or _NINO_MORE.fullmatch(said) is None
        ):
            return None
        value = last.value + re.sub(r"\W", "", said)
        if len(value) > _NINO_CHARS:
            return None
        whole = nino_valid(value)
        placeholder = self._vault.extend(last.placeholder, value, complete=whole)
        start = len(text) - len(text.lstrip())
        return Detection(EntityType.NINO, start, start + len(said), value, whole), placeholder

    def _continue_chain(
        self, lead: DigitRun, whole: bool, detections: list[Detection]
    ) -> tuple[Detection, str, list[_Tail]] | None:
        """Join the leading run with earlier turns' trailing runs if together they validate."""
        tails = self._tails
        if not tails or tails[-1].turn != self._turn - 2:
            return None
        own = next(
            (d for d in detections if d.start <= lead.start and d.end >= lead.end and d.complete),
            None,
        )
        region = self.policy.default_region
        best: tuple[Detection, list[_Tail]] | None = None
        for k in range(len(tails), 0, -1):
            pieces = tails[-k:]
            # A chunk that was only guessed at (no proactive partial) does not override a
            # value that validates on its own in this turn.
            if own is not None and all(t.placeholder is None for t in pieces):
                continue
            # An account number already complete grows only by a turn that is just digits
            # ("12345678" / "9012"), never by "2 tickets please".
            if not whole and any(t.complete for t in pieces):
                continue
            combined = "".join(t.digits for t in pieces) + lead.digits
            context = next((t.context for t in pieces if t.context is not None), None)
            det = classify_digits(combined, context, region)
            if det is None or not self.policy.is_enabled(det.kind):
                continue
            if det.complete:
                best = (det, pieces)
                break
            if best is None:
                best = (det, pieces)
        if best is None:
            return None
        det, pieces = best
        placed = Detection(det.kind, lead.start, lead.end, det.value, det.complete)
        partial = next((t.placeholder for t in pieces if t.placeholder is not None), None)
        if partial is not None:
            unchecked = det.kind in _EXTENDABLE and all(t.complete for t in pieces if t.placeholder)
            value = det.value
            entry = self._vault.get(partial)
            said = "".join(t.digits for t in pieces)
            if entry is not None and entry.value != said and entry.value.endswith(said):
                # The stored value holds letters before the digits ("HOM3320"): it goes on.
                value = entry.value + lead.digits
            placeholder = self._vault.extend(
                partial, value, complete=det.complete, unchecked=unchecked
            )
        else:
            placeholder = self._vault.add(det.kind, det.value, complete=det.complete)
        return placed, placeholder, list(pieces)

    def _remember_tail(
        self,
        turn: int,
        norm: Normalised,
        runs: list[DigitRun],
        kept: list[Detection],
        redactions: list[Redaction],
        lead: DigitRun | None,
        used_tails: list[_Tail],
    ) -> None:
        last = runs[-1] if runs else None
        if (
            last is None
            or last.money
            or last.context == Context.NEGATIVE
            or not _fillers_only(norm.text[last.end :])
        ):
            self._tails = []
            return
        cover = next((i for i, d in enumerate(kept) if d.start <= last.start < d.end), None)
        extendable = cover is not None and kept[cover].kind in _EXTENDABLE
        if cover is not None and kept[cover].complete and not extendable:
            self._tails = []
            return
        placeholder = redactions[cover].placeholder if cover is not None else None
        context = last.context
        if cover is not None and context is None:
            context = _KIND_CONTEXT.get(kept[cover].kind)
        whole = lead is last
        start, end = norm.to_original(last.start, last.end)
        complete = cover is not None and kept[cover].complete
        tail = _Tail(turn, last.digits, start, end, whole, placeholder, context, complete)
        if whole and self._tails and self._tails[-1].turn == turn - 1:
            chain = [*(used_tails or self._tails), tail]
        else:
            chain = [tail]
        chain = chain[-self._max_turns :]
        while sum(len(t.digits) for t in chain) > self._max_digits and len(chain) > 1:
            chain.pop(0)
        # Only the newest chunk may start a chain unless every later chunk is a whole turn.
        while len(chain) > 1 and not all(t.whole_turn for t in chain[1:]):
            chain.pop(0)
        self._tails = chain

    def redact_for_llm_context(self, text: str) -> str:
        """The LLM-context pass: redact text about to be sent again, without touching the
        call's state.

        Runs over every user message and tool result of each LLM request (and over interim
        transcripts and text bound for logs). Values this call already holds become their
        placeholders; anything else that looks like personal data gets a bare type tag such
        as ``[CARD]``. Idempotent, so the provider's prefix cache survives.

        Args:
            text: Any text, e.g. a chat message, a tool result or an error message.
        """
        text = withhold_excess(text, self._max_turn_chars)
        return redact_text(self._vault.redact_known_values(text), self.policy)

    def redact_interim(self, text: str) -> str:
        """Redact a transcript that is not final (an interim or preflight), without
        touching the call's state: like `redact_for_llm_context`, and read as the answer to
        the agent's question still standing, so "it's bluebird" after "what's your
        security word?" does not pass while the caller is still saying it.

        Args:
            text: The transcript so far.
        """
        text = withhold_excess(text, self._max_turn_chars)
        return redact_text(self._vault.redact_known_values(text), self.policy, asked=self._asked)


def redact_text(
    text: str, policy: RedactionPolicy | None = None, *, asked: str | None = None
) -> str:
    """Redact one piece of text with no call state, using bare tags such as ``[CARD]``.

    Args:
        text: Text bound for a log line or telemetry attribute.
        policy: Which types to redact; defaults to all.
        asked: What the agent asked for, if the text answers it (a `Context` value).
    """
    norm = normalise(text)
    policy = policy if policy is not None else RedactionPolicy()
    names = policy.is_enabled(EntityType.NAME)
    found = scan(norm, policy.default_region, turn_context=asked, names=names)
    detections = found.detections
    if asked is not None:
        detections = detections + [
            Detection(kind, a, b, value)
            for kind, a, b, value in answer_spans(norm.text, asked, names=names)
        ]
    pieces: list[str] = []
    cursor = 0
    for det in _resolve([d for d in detections if policy.is_enabled(d.kind)]):
        start, end = norm.to_original(det.start, det.end)
        pieces.append(text[cursor:start])
        pieces.append(f"[{det.kind.value}]")
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)
