"""Every line the agent says on its own (not the model's words), and the word lists that
choose them, per language.

A tenant has a ``language`` (``en-US``, ``es-ES``...); the agent's fillers, bridge lines,
repeat requests, apology and cached openers are said in it. A language this module has
no lines for falls back to English, and the call logs ``spoken_lines_fallback`` once
with the language it wanted: a caller hearing English fillers in a Spanish call is a
configuration gap to close here, not something to hide.

Lines are short and ordinary, as a person on a phone line says them. Each cue has two
lines so the same one is never said twice in a row (:mod:`worker.speech.filler_policy`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

__all__ = [
    "FALLBACK_LANGUAGE",
    "Cue",
    "HandoffLines",
    "SpokenLines",
    "base_language",
    "caller_cue",
    "handoff_lines",
    "is_bad_news",
    "spoken_lines",
]

Cue = Literal["question", "request", "thanks", "statement"]
"""What the caller's turn was, as far as choosing a filler goes."""

FALLBACK_LANGUAGE: Final = "en"


@dataclass(frozen=True)
class SpokenLines:
    """One language's lines and word lists.

    Attributes:
        language: the base language code these lines are in (``en``, ``es``...).
        fillers: per cue, short lines said while the answer is on its way.
        llm_bridge: lines for a long wait on the model (a longer one than a filler covers).
        stall: lines that keep the caller from silence while a provider is failing.
        stt_bridge: lines while the speech recogniser's final transcript is late.
        tool_bridge: lines while a tool runs long.
        repeat_request: lines asking the caller to say it again (their words were lost).
        apology: what the caller hears when every LLM failed.
        openers: short openers the model is asked to start with where natural; their
            audio is cached (:mod:`worker.speech.phrase_cache`).
        question_words: first words of a question.
        request_words: phrases of a request.
        thanks_words: words of thanks.
        bad_news_words: phrases of bad news or an apology in the agent's own message.
        fallback: True when the tenant's language had no lines and these are English.
    """

    language: str
    fillers: Mapping[Cue, tuple[str, ...]]
    llm_bridge: tuple[str, ...]
    stall: tuple[str, ...]
    stt_bridge: tuple[str, ...]
    tool_bridge: tuple[str, ...]
    repeat_request: tuple[str, ...]
    apology: str
    openers: tuple[str, ...]
    question_words: frozenset[str]
    request_words: tuple[str, ...]
    thanks_words: tuple[str, ...]
    bad_news_words: tuple[str, ...]
    fallback: bool = field(default=False, compare=False)

    @property
    def cached(self) -> tuple[str, ...]:
        """Our lines whose audio is kept ready (a filler is only worth saying the moment
        it is chosen): the cue lines first (the most used), then the rest."""
        ordered = [line for cue in self.fillers.values() for line in cue]
        ordered += [*self.llm_bridge, *self.stall, *self.stt_bridge, *self.tool_bridge]
        ordered += self.repeat_request
        return tuple(dict.fromkeys(ordered))


_EN = SpokenLines(
    language="en",
    fillers={
        "question": ("Let me see.", "Good question."),
        "request": ("Sure.", "Okay."),
        "thanks": ("My pleasure.", "Of course."),
        "statement": ("I see.", "Got it."),
    },
    llm_bridge=("One moment, please.", "Just a moment."),
    stall=("Thanks for bearing with me.", "Still with you.", "Almost there."),
    stt_bridge=("One moment, please.", "I'm still here."),
    tool_bridge=("Let me look that up.", "One moment while I look that up."),
    repeat_request=(
        "Sorry, I missed that. Could you say it again?",
        "Sorry, I didn't catch that. Could you repeat it?",
    ),
    apology="Sorry, I'm having trouble on my end right now. Could you say that again in a moment?",
    openers=(
        "Sure.",
        "Of course.",
        "Okay.",
        "Got it.",
        "Thanks.",
        "Let me check that.",
        "One moment.",
    ),
    question_words=frozenset(
        """what when where why how who whom whose which can could would will is are am was
        were do does did should shall may might have has had isn't aren't don't doesn't
        didn't won't wouldn't""".split()
    ),
    request_words=(
        "i want",
        "i'd like",
        "i would like",
        "i need",
        "can you",
        "could you",
        "would you",
        "please",
        "help me",
        "i'm calling",
        "i am calling",
    ),
    thanks_words=("thank", "thanks", "cheers", "appreciate"),
    bad_news_words=(
        "sorry",
        "unfortunately",
        "i'm afraid",
        "can't",
        "cannot",
        "couldn't",
        "unable",
        "not able",
        "declined",
        "failed",
    ),
)

_ES = SpokenLines(
    language="es",
    fillers={
        "question": ("Déjeme ver.", "Buena pregunta."),
        "request": ("Claro.", "De acuerdo."),
        "thanks": ("Con gusto.", "Por supuesto."),
        "statement": ("Entiendo.", "Ya veo."),
    },
    llm_bridge=("Un momento, por favor.", "Un momentito."),
    stall=("Gracias por su paciencia.", "Sigo aquí.", "Ya casi está."),
    stt_bridge=("Un momento, por favor.", "Sigo aquí."),
    tool_bridge=("Un momento mientras lo consulto.", "Déjeme consultarlo."),
    repeat_request=(
        "Perdone, no le he oído. ¿Puede repetirlo?",
        "Disculpe, no lo he entendido. ¿Me lo repite?",
    ),
    apology="Lo siento, tengo un problema técnico. ¿Puede repetirlo en un momento?",
    openers=(
        "Claro.",
        "Por supuesto.",
        "De acuerdo.",
        "Entendido.",
        "Gracias.",
        "Déjeme comprobarlo.",
        "Un momento.",
    ),
    question_words=frozenset(
        """qué que cuándo cuando dónde donde por cómo como quién quien cuál cual cuánto
        cuánta puede puedo podría es está hay tiene""".split()
    ),
    request_words=(
        "quiero",
        "quisiera",
        "necesito",
        "me gustaría",
        "puede",
        "podría",
        "por favor",
        "ayúdeme",
        "llamo",
    ),
    thanks_words=("gracias", "agradezco"),
    bad_news_words=(
        "lo siento",
        "lamentablemente",
        "disculpe",
        "no puedo",
        "no es posible",
        "no he podido",
        "rechazad",
    ),
)

_FR = SpokenLines(
    language="fr",
    fillers={
        "question": ("Voyons voir.", "Bonne question."),
        "request": ("Bien sûr.", "D'accord."),
        "thanks": ("Avec plaisir.", "Je vous en prie."),
        "statement": ("Je vois.", "Compris."),
    },
    llm_bridge=("Un instant, s'il vous plaît.", "Un petit instant."),
    stall=("Merci de votre patience.", "Je suis toujours là.", "Presque fini."),
    stt_bridge=("Un instant, s'il vous plaît.", "Je suis toujours là."),
    tool_bridge=("Un instant, je vérifie.", "Je regarde cela."),
    repeat_request=(
        "Pardon, je n'ai pas entendu. Pouvez-vous répéter ?",
        "Désolé, je n'ai pas compris. Pouvez-vous le redire ?",
    ),
    apology="Désolé, j'ai un problème technique. Pouvez-vous répéter dans un instant ?",
    openers=(
        "Bien sûr.",
        "D'accord.",
        "Très bien.",
        "Entendu.",
        "Merci.",
        "Je vérifie.",
        "Un instant.",
    ),
    question_words=frozenset(
        """quoi que quel quelle quand où pourquoi comment combien qui est-ce est pouvez
        puis pourriez avez""".split()
    ),
    request_words=(
        "je veux",
        "je voudrais",
        "j'aimerais",
        "j'ai besoin",
        "pouvez-vous",
        "pourriez-vous",
        "s'il vous plaît",
        "aidez-moi",
        "j'appelle",
    ),
    thanks_words=("merci",),
    bad_news_words=(
        "désolé",
        "malheureusement",
        "je crains",
        "je ne peux pas",
        "impossible",
        "refusé",
        "échoué",
    ),
)

_DE = SpokenLines(
    language="de",
    fillers={
        "question": ("Mal sehen.", "Gute Frage."),
        "request": ("Gerne.", "In Ordnung."),
        "thanks": ("Sehr gern.", "Gern geschehen."),
        "statement": ("Verstehe.", "Alles klar."),
    },
    llm_bridge=("Einen Moment, bitte.", "Einen Augenblick."),
    stall=("Danke für Ihre Geduld.", "Ich bin noch da.", "Gleich geschafft."),
    stt_bridge=("Einen Moment, bitte.", "Ich bin noch da."),
    tool_bridge=("Einen Moment, ich schaue nach.", "Ich sehe kurz nach."),
    repeat_request=(
        "Entschuldigung, das habe ich nicht gehört. Können Sie das wiederholen?",
        "Verzeihung, das habe ich nicht verstanden. Noch einmal, bitte?",
    ),
    apology=(
        "Entschuldigung, ich habe gerade ein technisches Problem. "
        "Können Sie das gleich noch einmal sagen?"
    ),
    openers=(
        "Gerne.",
        "Natürlich.",
        "In Ordnung.",
        "Verstanden.",
        "Danke.",
        "Ich sehe nach.",
        "Einen Moment.",
    ),
    question_words=frozenset(
        """was wann wo warum wieso wie wer wen wem welche welcher welches wie viel können
        könnten kann ist sind haben hat gibt""".split()
    ),
    request_words=(
        "ich möchte",
        "ich will",
        "ich brauche",
        "ich hätte gern",
        "können sie",
        "könnten sie",
        "bitte",
        "helfen sie",
        "ich rufe",
    ),
    thanks_words=("danke", "dank"),
    bad_news_words=(
        "leider",
        "tut mir leid",
        "entschuldigung",
        "nicht möglich",
        "kann nicht",
        "konnte nicht",
        "abgelehnt",
        "fehlgeschlagen",
    ),
)

_BY_LANGUAGE: Final[Mapping[str, SpokenLines]] = {
    lines.language: lines for lines in (_EN, _ES, _FR, _DE)
}


def base_language(language: str) -> str:
    """``en`` for ``en-US``: lines are kept per language, not per region."""
    return language.split("-", 1)[0].lower()


def spoken_lines(language: str) -> SpokenLines:
    """The lines for a tenant's ``language`` (``es-MX`` -> Spanish); English, marked
    ``fallback``, for a language without lines."""
    found = _BY_LANGUAGE.get(base_language(language))
    if found is not None:
        return found
    fallback = _BY_LANGUAGE[FALLBACK_LANGUAGE]
    return SpokenLines(**{**fallback.__dict__, "fallback": True})


_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")


def _has_phrase(text: str, phrases: tuple[str, ...]) -> bool:
    """Whether ``text`` (lowercased) holds one of ``phrases`` starting at a word boundary."""
    return any(re.search(rf"(?<!\w){re.escape(p)}", text) for p in phrases)


def caller_cue(text: str, lines: SpokenLines) -> Cue:
    """What the caller's turn was: a question, a request, thanks or a statement.

    A question or a request wins over thanks said with it ("Thanks, and can you ...?"
    is waiting on an answer); thanks alone is what the caller says at the end.
    """
    lowered = text.strip().lower()
    clauses = [c for c in re.split(r"[.!?;]\s*", lowered) if c.strip()]
    last = _WORD.findall(clauses[-1]) if clauses else []
    if lowered.endswith("?") or (last and last[0] in lines.question_words):
        return "question"
    if _has_phrase(lowered, lines.request_words):
        return "request"
    if _has_phrase(lowered, lines.thanks_words):
        return "thanks"
    return "statement"


def is_bad_news(agent_text: str, lines: SpokenLines) -> bool:
    """Whether the agent's own last message gave bad news or apologised: the next reply
    opens with no filler ("Okay." after "I'm sorry, the card was declined." is callous)."""
    lowered = agent_text.lower()
    return bool(lowered) and (
        _has_phrase(lowered, lines.bad_news_words) or lines.apology.lower() in lowered
    )


@dataclass(frozen=True)
class HandoffLines:
    """What the caller and the human hear around a transfer (docs/handoff.md).

    Attributes:
        consult_hold: to the caller while the agent rings and briefs a colleague.
        no_answer: to the caller when the colleague did not answer in time.
        fallback: to the caller before going to the tenant's voicemail or queue.
        closed: to the caller when the destination is outside its hours.
        busy: to the caller when the destination is busy.
        alternative: to the caller before going to the alternative destination.
        callback_saved: to the caller once a callback request is passed on.
        briefing: to the human before the note ("{reason}" and "{summary}" filled in).
        connecting: to the human once briefed, before the caller is bridged in.
    """

    consult_hold: str
    no_answer: str
    fallback: str
    closed: str
    busy: str
    alternative: str
    callback_saved: str
    briefing: str
    connecting: str


_HANDOFF_LINES: Final[Mapping[str, HandoffLines]] = {
    "en": HandoffLines(
        consult_hold="Please hold for a moment while I brief a colleague.",
        no_answer="I'm sorry, nobody could answer just now.",
        fallback="I'll put you through so you can leave a message or wait in line.",
        closed="That team is closed right now.",
        busy="That team is busy right now.",
        alternative="I'll connect you with another team who can help.",
        callback_saved="Thanks, I've passed on your callback request.",
        briefing="Hello, this is the virtual agent with a caller. Reason: {reason}. {summary}",
        connecting="I'm connecting the caller now.",
    ),
    "es": HandoffLines(
        consult_hold="Espere un momento, por favor, mientras informo a un compañero.",
        no_answer="Lo siento, nadie ha podido atender ahora mismo.",
        fallback="Le paso para que pueda dejar un mensaje o esperar su turno.",
        closed="Ese equipo está cerrado ahora mismo.",
        busy="Ese equipo está ocupado ahora mismo.",
        alternative="Le comunico con otro equipo que puede ayudarle.",
        callback_saved="Gracias, he pasado su solicitud de que le llamemos.",
        briefing="Hola, soy el agente virtual con un cliente. Motivo: {reason}. {summary}",
        connecting="Le paso al cliente ahora.",
    ),
    "fr": HandoffLines(
        consult_hold="Un instant, s'il vous plaît, je préviens un collègue.",
        no_answer="Je suis désolé, personne n'a pu répondre pour le moment.",
        fallback="Je vous transfère pour laisser un message ou patienter.",
        closed="Ce service est fermé en ce moment.",
        busy="Ce service est occupé en ce moment.",
        alternative="Je vous mets en relation avec un autre service qui peut vous aider.",
        callback_saved="Merci, j'ai transmis votre demande de rappel.",
        briefing="Bonjour, ici l'agent virtuel avec un client. Motif : {reason}. {summary}",
        connecting="Je vous passe le client maintenant.",
    ),
    "de": HandoffLines(
        consult_hold="Bitte bleiben Sie kurz dran, ich informiere einen Kollegen.",
        no_answer="Es tut mir leid, gerade konnte niemand annehmen.",
        fallback="Ich verbinde Sie, damit Sie eine Nachricht hinterlassen oder warten können.",
        closed="Dieses Team ist gerade nicht erreichbar.",
        busy="Dieses Team ist gerade besetzt.",
        alternative="Ich verbinde Sie mit einem anderen Team, das helfen kann.",
        callback_saved="Danke, ich habe Ihre Rückrufbitte weitergegeben.",
        briefing=(
            "Hallo, hier ist der virtuelle Assistent mit einem Anrufer. Grund: {reason}. {summary}"
        ),
        connecting="Ich verbinde jetzt den Anrufer.",
    ),
}


def handoff_lines(language: str) -> HandoffLines:
    """The hand-off lines for a tenant's ``language``; English for one without lines."""
    return _HANDOFF_LINES.get(base_language(language), _HANDOFF_LINES[FALLBACK_LANGUAGE])
