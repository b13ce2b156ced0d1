"""A labelled end-of-turn corpus: what callers say, where they pause, and how a real STT
writes it down.

Every item is one caller turn after one agent message: spoken parts with the pause after
each, and the true end of turn at the end of the last part. The transcript of each part
is written the way a streaming STT with ``punctuate``/``smart_format`` writes a final at
a pause: capitalised, digits as digits half the time, and **a period at every pause**
(issue 17: Deepgram often ends a final with a period where the caller merely paused;
livekit/agents issue 2633), so nothing here helps a judge that reads punctuation.

Pauses are drawn (seeded) from ranges typical of telephone speech: hesitations inside a
sentence of 0.3-1.0 s and breaths between dictated digit groups of 0.4-1.4 s. Classes:

- ``complete``: one finished sentence, no pause (the answer should come fast);
- ``mid_pause``: a pause where the sentence cannot end (after "of", "the", "to change");
- ``afterthought``: a pause after a clause that is complete on its own, then more words
  ("I was charged twice." ... "for the same order."); a listener cannot tell either, so
  it is reported but not a target;
- ``phone``, ``card``, ``account``, ``date``, ``email``: a value dictated in groups;
- ``one_word``: "Yes." after a yes/no question, "Medium." after a choice;
- ``backchannel``: "Okay." / "Mm-hmm." after an agent statement;
- ``correction``: the caller corrects themselves after a pause ("Actually, no," ...).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["CLASSES", "Part", "TurnItem", "build_corpus", "stt_text"]

CLASSES = (
    "complete",
    "mid_pause",
    "afterthought",
    "phone",
    "card",
    "account",
    "date",
    "email",
    "one_word",
    "backchannel",
    "correction",
)
TARGET_EXEMPT = frozenset({"afterthought"})
"""Classes whose premature rate is reported but is not a target (see module docs)."""

_DIGITS = "zero one two three four five six seven eight nine".split()


@dataclass(frozen=True, slots=True)
class Part:
    """One stretch of caller speech.

    Attributes:
        say: what the caller says (synthesised with espeak-ng).
        heard: the STT's final for it, punctuated as a real STT punctuates at a pause.
        pause_after: silence after this part; 0 for the last part.
    """

    say: str
    heard: str
    pause_after: float = 0.0


@dataclass(frozen=True, slots=True)
class TurnItem:
    id: str
    cls: str
    agent: str
    parts: tuple[Part, ...]

    @property
    def text(self) -> str:
        return " ".join(p.heard for p in self.parts)


def stt_text(say: str, written: str | None = None) -> str:
    """A streaming STT's final for one stretch of speech ended by a pause: capitalised,
    ending in a period unless it is already punctuated."""
    text = (written if written is not None else say).strip().rstrip(",")
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else f"{text}."


def _spoken(digits: str) -> str:
    return " ".join(_DIGITS[int(d)] for d in digits)


def _luhn_card(rng: random.Random) -> str:
    body = "4" + "".join(str(rng.randrange(10)) for _ in range(14))
    total = 0
    for index, char in enumerate(reversed(body)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return body + str((10 - total % 10) % 10)


class _Maker:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pause(self, low: float, high: float) -> float:
        return round(self.rng.uniform(low, high), 2)

    def parts(
        self, pieces: list[tuple[str, str | None]], low: float, high: float
    ) -> tuple[Part, ...]:
        last = len(pieces) - 1
        return tuple(
            Part(say, stt_text(say, written), 0.0 if i == last else self.pause(low, high))
            for i, (say, written) in enumerate(pieces)
        )

    def groups(
        self,
        lead: str,
        digits: str,
        sizes: tuple[int, ...],
        tail: str = "",
        *,
        lead_alone: bool = False,
    ) -> tuple[Part, ...]:
        """A number read in groups, each group its own final; digits or words at random.
        ``lead_alone``: the caller also breathes after the lead ("to my mobile,"), a
        comma's pause (0.2-0.8 s), not the search for the next group."""
        as_digits = self.rng.random() < 0.5
        pieces: list[tuple[str, str | None]] = []
        at = 0
        for index, size in enumerate(sizes):
            group = digits[at : at + size]
            at += size
            say = _spoken(group)
            written = group if as_digits else None
            if index == 0 and lead and not lead_alone:
                say, written = f"{lead} {say}", f"{lead} {written or say_words(group)}"
            if index == len(sizes) - 1 and tail:
                say, written = f"{say} {tail}", f"{written or say_words(group)} {tail}"
            pieces.append((say, written))
        number = self.parts(pieces, 0.4, 1.4)
        if not lead_alone:
            return number
        return (Part(lead, stt_text(lead, None), self.pause(0.2, 0.8)), *number)


def say_words(digits: str) -> str:
    return _spoken(digits)


_COMPLETE = (
    ("How can I help you today?", "I'd like to check the status of my order."),
    ("How can I help you today?", "Can you tell me when the refund will arrive?"),
    ("How can I help you today?", "I was charged twice for the same order last month."),
    ("How can I help you today?", "My package never arrived."),
    ("How can I help you today?", "I need to speak to someone about my bill."),
    ("What's the delivery address?", "It's 42 Oak Street, Springfield."),
    ("What's the delivery address?", "Send it to 1200 Market Street in San Francisco."),
    ("How can I help you today?", "I'd like to cancel my subscription."),
    ("Which color would you like?", "The blue one, please."),
    ("Does Thursday morning work?", "That works for me."),
    ("Is there anything else?", "Can I change the delivery date as well?"),
    ("How can I help you today?", "The app keeps logging me out."),
    ("What's the order number?", "It's order 5 5 2 1 8."),
    ("What's your name?", "Maria Gonzalez."),
    ("How can I help you today?", "I want to update my phone number."),
    ("How can I help you today?", "Hi, I have a question about my bill."),
)
_MID_PAUSE = (
    ("I'd like to check the status of", "my order."),
    ("I was charged twice for", "the same order last month."),
    ("And I would also like to change", "the delivery address on my next order."),
    ("Is there a way to talk to", "someone about a business account?"),
    ("I need to update the", "billing address on my account."),
    ("Could you send me a", "copy of the receipt?"),
    ("My order was supposed to arrive on", "Tuesday but it didn't."),
    ("I want to", "cancel my subscription."),
    ("I was wondering if", "you could help me with a return."),
    ("So um", "I have a question about my bill."),
    ("The problem is that", "the app keeps crashing."),
    ("I'd like to change", "my delivery address."),
    ("Can you check whether", "my payment went through?"),
    ("I ordered a blender and", "it arrived broken."),
    ("I'm calling about my", "internet service."),
    ("Could you tell me how much", "I still owe?"),
)
# A "yes" to the agent's offer of more help, then what it is after a pause.
_MID_PAUSE_AFTER_OFFER = (
    ("Yes,", "is there a way to talk to someone about a business account?"),
    ("Yeah,", "can I change the delivery date too?"),
    ("Yes, actually,", "I have a question about my bill."),
)
_AFTERTHOUGHT = (
    ("I was charged twice", "for the same order."),
    ("I need help with my order", "from last week."),
    ("I'd like to return these shoes", "because they're too small."),
    ("My internet is down", "since yesterday morning."),
)
_CORRECTION = (
    ("It's on Tuesday. Actually, no,", "Wednesday."),
    ("The blue one. Wait,", "the red one."),
    ("Send it to my work address. No, sorry,", "my home address."),
    ("I'll pay with my Visa. Actually,", "make that the Mastercard."),
    ("Two tickets. Sorry, I mean", "three tickets."),
    ("It's Smith. Or rather", "Smithson, with an O N."),
)
_ONE_WORD = (
    ("Is this the number on your account?", "Yes."),
    ("Would you like me to cancel it?", "No."),
    ("Can I put you on hold for a moment?", "Sure."),
    ("Did that answer your question?", "Yeah."),
    ("Is the address still 42 Oak Street?", "Correct."),
    ("Do you want the express shipping?", "Nope."),
    ("Which size would you like, small, medium or large?", "Medium."),
    ("Shall I go ahead with the refund?", "Please."),
)
_BACKCHANNEL = (
    ("Your order shipped yesterday and should arrive Friday.", "Okay."),
    ("I've updated the address on your account.", "Mm-hmm."),
    ("The refund takes three to five business days.", "Uh-huh."),
    ("I've sent you a confirmation e-mail.", "Great."),
    ("Your new card will arrive within a week.", "Got it."),
    ("That plan costs twenty dollars a month.", "I see."),
)
_MONTHS = ("January", "March", "April", "June", "July", "October", "December")
_DAYS = ("first", "fifth", "twelfth", "twentieth", "third", "ninth")
_YEARS = ("nineteen eighty five", "nineteen ninety two", "two thousand one", "nineteen seventy")
_YEARS_WRITTEN = ("1985", "1992", "2001", "1970")
_EMAILS = (
    ("john dot smith", "at gmail dot com", "john.smith", "@gmail.com"),
    ("maria underscore g", "at yahoo dot com", "maria_g", "@yahoo.com"),
    ("p dot nguyen", "at outlook dot com", "p.nguyen", "@outlook.com"),
)


def _items(cls: str, m: _Maker) -> Iterator[tuple[str, tuple[Part, ...]]]:
    rng = m.rng
    if cls == "complete":
        agent, text = rng.choice(_COMPLETE)
        yield agent, m.parts([(text, None)], 0, 0)
    elif cls == "mid_pause" and rng.random() < 0.2:
        first, second = rng.choice(_MID_PAUSE_AFTER_OFFER)
        agent = rng.choice(("No problem. Anything else?", "Is there anything else I can do?"))
        yield agent, m.parts([(first, None), (second, None)], 0.3, 1.0)
    elif cls in ("mid_pause", "afterthought", "correction"):
        table = {"mid_pause": _MID_PAUSE, "afterthought": _AFTERTHOUGHT, "correction": _CORRECTION}
        first, second = rng.choice(table[cls])
        yield "How can I help you today?", m.parts([(first, None), (second, None)], 0.3, 1.0)
    elif cls == "one_word":
        agent, text = rng.choice(_ONE_WORD)
        yield agent, m.parts([(text, None)], 0, 0)
    elif cls == "backchannel":
        agent, text = rng.choice(_BACKCHANNEL)
        yield agent, m.parts([(text, None)], 0, 0)
    elif cls == "phone":
        digits = str(rng.randrange(2, 10)) + "".join(str(rng.randrange(10)) for _ in range(9))
        draw = rng.random()
        if draw < 1 / 3:
            yield "What's the best phone number to reach you?", m.groups("It's", digits, (3, 3, 4))
        elif draw < 2 / 3:
            yield "How can I help you today?", m.groups("My phone number is", digits, (3, 3, 4))
        else:
            lead = "Could you text the link to my mobile"
            yield "Your order has shipped.", m.groups(lead, digits, (3, 3, 4), lead_alone=True)
    elif cls == "card":
        digits = _luhn_card(rng)
        if rng.random() < 0.5:
            yield "Can I have the card number, please?", m.groups("", digits, (4, 4, 4, 4))
        else:
            yield "How can I help you?", m.groups("My card number is", digits, (4, 4, 4, 4))
    elif cls == "account":
        digits = "".join(str(rng.randrange(10)) for _ in range(10))
        agent = rng.choice(
            ("What's your account number?", "Could you read me your ten-digit account number?")
        )
        sizes = rng.choice(((4, 4, 2), (3, 3, 4), (5, 5)))
        yield agent, m.groups("Sure, it's", digits, sizes)
    elif cls == "date":
        month, day = rng.choice(_MONTHS), rng.choice(_DAYS)
        k = rng.randrange(len(_YEARS))
        written = rng.random() < 0.5
        year_written = _YEARS_WRITTEN[k] if written else None
        pieces: list[tuple[str, str | None]]
        if rng.random() < 0.5:
            pieces = [(f"{month} {day}", None), (_YEARS[k], year_written)]
            yield "Can I have your date of birth?", m.parts(pieces, 0.4, 1.2)
        else:
            pieces = [(f"My date of birth is {month} {day}", None), (_YEARS[k], year_written)]
            yield "How can I help you?", m.parts(pieces, 0.4, 1.2)
    elif cls == "email":
        local, domain, local_w, domain_w = rng.choice(_EMAILS)
        written = rng.random() < 0.5
        pieces = [(f"It's {local}", f"It's {local_w}" if written else None)]
        pieces.append((domain, domain_w if written else None))
        yield "What's the best email address for you?", m.parts(pieces, 0.4, 1.2)


def build_corpus(per_class: int = 40, seed: int = 16) -> list[TurnItem]:
    """The corpus, the same for the same ``seed``: ``per_class`` items of every class."""
    rng = random.Random(seed)
    maker = _Maker(rng)
    items: list[TurnItem] = []
    for cls in CLASSES:
        for index in range(per_class):
            for agent, parts in _items(cls, maker):
                items.append(TurnItem(f"{cls}-{index:03d}", cls, agent, parts))
    return items
