"""The livekit-agents internals `worker.framework` relies on, checked against the installed
framework: a livekit-agents upgrade that changes one fails here, naming the contract and
the version it was checked on (`PINNED_VERSION`), before any call misbehaves.

What the internals mean inside a running call is tested where it is used:
``test_worker_readiness.py`` (the connection state while a real worker connects and
gives up), ``test_agent_deterministic_turns.py`` (the turn judge's hold inside the real
session), ``test_worker_phrase_cache.py`` and ``test_worker_tts_resume*.py`` (the frame
userdata). The last test here keeps every other module on the public API.
"""

from __future__ import annotations

import ast
import asyncio
import dataclasses
import importlib
import inspect
import ssl
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import livekit.agents
import pytest
from livekit import rtc
from livekit.agents import (
    DEFAULT_API_CONNECT_OPTIONS,
    AgentServer,
    AgentSession,
    APIConnectOptions,
    LanguageCode,
    llm,
    stt,
    tts,
)
from livekit.agents.voice import io
from scripted_models import InstantSpeaker, RecordingTTS, ScriptedLLM
from scripted_voice import CallerVoice
from support import ROOT

from worker import framework
from worker.framework import PINNED_VERSION

pytestmark = pytest.mark.unit

INSTALLED = livekit.agents.__version__


def _broken(contract: str) -> str:
    return (
        f"livekit-agents {INSTALLED} broke a contract checked on {PINNED_VERSION} "
        f"(worker/framework.py): {contract}"
    )


def test_the_installed_framework_is_the_version_the_contracts_were_checked_on() -> None:
    # Every other test in this file checks one contract; this one makes an upgrade a
    # decision: once they pass on the new version, PINNED_VERSION says so.
    assert INSTALLED == PINNED_VERSION, (
        f"livekit-agents {INSTALLED} is installed; worker/framework.py was checked on "
        f"{PINNED_VERSION}. Run tests/test_framework_contract.py, fix what it names, re-read "
        "what worker/framework.py says of each internal, then set PINNED_VERSION."
    )


# --- types public signatures take but no public package exports ---------------------

_PUBLIC_PACKAGES = (
    "livekit.agents",
    "livekit.agents.voice",
    "livekit.agents.llm",
    "livekit.agents.stt",
    "livekit.agents.tts",
    "livekit.agents.vad",
    "livekit.agents.metrics",
    "livekit.agents.tokenize",
    "livekit.agents.utils",
    "livekit.agents.inference",
    "livekit.agents.cli",
    "livekit.agents.telemetry",
    "livekit.agents.voice.io",
    "livekit.agents.voice.room_io",
)
"""The framework's public packages: what their ``__all__`` lists is its public API."""


def _public_home(obj: object, name: str) -> str | None:
    for package in _PUBLIC_PACKAGES:
        module = importlib.import_module(package)
        if name in getattr(module, "__all__", ()) and getattr(module, name, None) is obj:
            return package
    return None


@pytest.mark.parametrize("name", ["SessionConnectOptions", "TurnDetectionMode", "ServerEnvOption"])
def test_reexported_types_are_still_not_public(name: str) -> None:
    # Once the framework exports one, import it from there and drop it from framework.py.
    home = _public_home(getattr(framework, name), name)
    assert home is None, _broken(f"{name} is now public in {home}: import it from there")


async def test_session_connect_options_configure_the_session() -> None:
    fields = {f.name: f.type for f in dataclasses.fields(framework.SessionConnectOptions)}
    for name in ("stt_conn_options", "llm_conn_options", "tts_conn_options"):
        assert name in fields, _broken(f"SessionConnectOptions has no {name}")
    options = framework.SessionConnectOptions(
        stt_conn_options=APIConnectOptions(max_retry=1, timeout=3.0),
        llm_conn_options=APIConnectOptions(max_retry=0, timeout=4.0),
        tts_conn_options=APIConnectOptions(max_retry=0, timeout=2.0),
    )
    session = AgentSession(conn_options=options)
    assert session.conn_options is options, _broken("AgentSession(conn_options=) is not kept")


def test_turn_detection_mode_still_takes_a_turn_detector_object() -> None:
    members = typing.get_args(framework.TurnDetectionMode)
    names = {getattr(m, "__name__", repr(m)) for m in members}
    assert "_TurnDetector" in names, _broken(
        f"turn_detection no longer takes a _TurnDetector object (members: {sorted(names)})"
    )


def _protocol_members(protocol: type) -> dict[str, inspect.Signature | None]:
    members: dict[str, inspect.Signature | None] = {}
    for name, value in vars(protocol).items():
        if name.startswith("_"):
            continue
        if isinstance(value, property):
            members[name] = None
        elif callable(value):
            members[name] = inspect.signature(value)
    return members


def test_our_turn_detector_protocol_is_the_frameworks() -> None:
    from livekit.agents.voice.turn import _TurnDetector

    theirs = _protocol_members(_TurnDetector)
    ours = _protocol_members(framework.TurnDetector)
    assert theirs.keys() == ours.keys(), _broken(
        f"_TurnDetector asks for {sorted(theirs)}; TranscriptTurnJudge implements {sorted(ours)}"
    )
    for name, signature in theirs.items():
        their_params = None if signature is None else list(signature.parameters)
        our_params = None if ours[name] is None else list(ours[name].parameters)  # type: ignore[union-attr]
        assert their_params == our_params, _broken(
            f"_TurnDetector.{name}{signature} (ours: {ours[name]})"
        )


def test_the_turn_judge_implements_the_protocol() -> None:
    from worker.turns.turn_judge import TranscriptTurnJudge

    judge: framework.TurnDetector = TranscriptTurnJudge()  # and mypy checks the types
    for name, signature in _protocol_members(framework.TurnDetector).items():
        member = inspect.getattr_static(judge, name)
        if signature is None:
            assert isinstance(member, property), name
            continue
        assert list(inspect.signature(member).parameters) == list(signature.parameters), name
        assert inspect.iscoroutinefunction(member) == inspect.iscoroutinefunction(
            getattr(framework.TurnDetector, name)
        ), name


def test_a_probability_below_the_threshold_still_picks_the_maximum_delay() -> None:
    # The judge's score chooses between the two endpointing delays, and its hold can only
    # be a wait inside the prediction (worker/framework.py): both rest on this code path.
    from livekit.agents.voice import audio_recognition

    source = inspect.getsource(audio_recognition.AudioRecognition._run_eou_detection)
    for needle in (
        "endpointing_delay = self._endpointing.min_delay",
        "await turn_detector.predict_end_of_turn(",
        "end_of_turn_probability < unlikely_threshold",
        "endpointing_delay = self._endpointing.max_delay",
    ):
        assert needle in source, _broken(f"end-of-turn detection no longer does `{needle}`")


def test_server_env_option_picks_the_dev_or_production_value() -> None:
    option = framework.ServerEnvOption(dev_default=0, prod_default=8081)
    assert framework.ServerEnvOption.getvalue(option, True) == 0, _broken("dev value")
    assert framework.ServerEnvOption.getvalue(option, False) == 8081, _broken("prod value")
    assert "port" in inspect.signature(AgentServer).parameters
    AgentServer(port=option)  # the constructor still takes one


# --- fallback adapters' engines -------------------------------------------------------


async def test_fallback_engines_are_the_adapters_engines_in_order() -> None:
    # Async only because a CallerVoice's microphone channel needs a running loop.
    stts = [CallerVoice().stt, CallerVoice().stt]
    llms = [ScriptedLLM(label="a"), ScriptedLLM(label="b")]
    ttss = [RecordingTTS(), RecordingTTS()]
    adapters: list[tuple[object, list[Any]]] = [
        (stt.FallbackAdapter(list(stts)), stts),
        (llm.FallbackAdapter(list(llms)), llms),
        (tts.FallbackAdapter(list(ttss)), ttss),
    ]
    for adapter, engines in adapters:
        found = framework.fallback_engines(adapter)
        assert len(found) == len(engines) and all(
            a is b for a, b in zip(found, engines, strict=True)
        ), _broken(f"{type(adapter).__module__}.FallbackAdapter no longer lists its engines")
    bare = ScriptedLLM()
    assert framework.fallback_engines(bare) == [bare]


# --- the framework's TLS context ------------------------------------------------------


def test_the_framework_tls_context_is_built_once_per_process() -> None:
    first = framework.warm_framework_tls()
    assert isinstance(first, ssl.SSLContext), _broken(
        "livekit.agents.utils.http_context._create_ssl_context is gone: calls build the "
        "TLS context on their first request again"
    )
    assert framework.warm_framework_tls() is first, _broken("the TLS context is not cached")


# --- frame userdata keys --------------------------------------------------------------


class _TimedTTS(tts.TTS[Any]):
    def __init__(self) -> None:
        super().__init__(
            capabilities=tts.TTSCapabilities(streaming=False), sample_rate=16000, num_channels=1
        )

    def synthesize(
        self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> tts.ChunkedStream:
        return _TimedChunk(tts=self, input_text=text, conn_options=conn_options)


class _TimedChunk(tts.ChunkedStream):
    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        output_emitter.initialize(
            request_id="timed", sample_rate=16000, num_channels=1, mime_type="audio/pcm"
        )
        output_emitter.push_timed_transcript(io.TimedString("Hello", start_time=0.0))
        output_emitter.push(b"\x00\x00" * 1600)
        output_emitter.flush()


async def test_tts_frames_carry_the_words_and_the_start_time_we_read() -> None:
    frames: list[rtc.AudioFrame] = []
    async with _TimedTTS().synthesize("Hello") as stream:
        frames.extend([event.frame async for event in stream])
    words = [str(w) for frame in frames for w in framework.timed_transcript(frame)]
    assert words == ["Hello"], _broken("TTS frames no longer carry their timed transcript")
    from livekit.agents.voice import generation

    # The reply pipeline times the TTS from this key: forget_tts_start must remove it.
    key = generation.USERDATA_TTS_STARTED_TIME
    assert key in frames[0].userdata, _broken(f"TTS frames no longer carry {key!r}")
    framework.forget_tts_start(frames[0])
    assert key not in frames[0].userdata
    assert generation.USERDATA_TIMED_TRANSCRIPT == "lk.timed_transcripts", _broken(
        "the reply pipeline reads the timed transcript under another key"
    )


# --- AgentServer connection state -----------------------------------------------------


def test_a_new_server_is_closed_and_not_connecting() -> None:
    server = AgentServer()
    for name in ("_connecting", "_connection_failed", "_closed"):
        assert isinstance(getattr(server, name, None), bool), _broken(
            f"AgentServer.{name} is no longer a bool"
        )
    assert framework.connection_state(server) == framework.ConnectionState(
        connecting=False, gave_up=False, closed=True
    ), _broken("a new AgentServer's connection state")


# --- fabricated preflight transcripts -------------------------------------------------


def _speech(kind: stt.SpeechEventType, text: str = "") -> stt.SpeechEvent:
    data = [stt.SpeechData(language=LanguageCode("en"), text=text, confidence=1.0)]
    return stt.SpeechEvent(type=kind, alternatives=data if text else [])


async def test_a_preflight_transcript_starts_a_preemptive_reply() -> None:
    voice = CallerVoice()
    asked = asyncio.Event()

    def answer(_ctx: llm.ChatContext) -> str:
        asked.set()
        return "Sure."

    model = ScriptedLLM(responder=answer)
    session: AgentSession[None] = AgentSession(
        stt=voice.stt,
        llm=model,
        tts=RecordingTTS(),
        turn_handling={
            "turn_detection": "stt",
            "preemptive_generation": {"enabled": True},
        },
    )
    session.input.audio = voice.microphone
    session.output.audio = InstantSpeaker()
    await session.start(livekit.agents.Agent(instructions="Answer briefly."))
    try:
        voice.microphone.push_silence(0.1)
        async with asyncio.timeout(10):
            stream = await voice.stt_stream()
            stream.send_event(_speech(stt.SpeechEventType.START_OF_SPEECH))
            # An interim starts nothing; the preflight made from it does. No final and no
            # end of speech ever come, so only a preemptive reply asks the model.
            interim = _speech(stt.SpeechEventType.INTERIM_TRANSCRIPT, "I want to check")
            stream.send_event(interim)
            alternatives = [dataclasses.replace(interim.alternatives[0], text="My order.")]
            stream.send_event(framework.preflight_transcript(interim, alternatives))
            await asked.wait()
    except TimeoutError:
        pytest.fail(_broken("a PREFLIGHT_TRANSCRIPT no longer starts preemptive generation"))
    finally:
        await session.aclose()
    assert model.user_texts(0) == ["My order."], _broken(
        f"the preemptive reply was asked for {model.user_texts(0)}, not the preflight's text"
    )


# --- nothing else reaches past the public API -----------------------------------------

_OUR_PACKAGES = ("worker", "sip", "dispatch", "compliance", "config", "sim", "bench")
_FRAMEWORK = ("livekit.agents", "livekit.plugins")
_ONLY_IN_FRAMEWORK_PY = frozenset(
    {
        "_stt_instances",
        "_llm_instances",
        "_tts_instances",
        "_create_ssl_context",
        "_connecting",
        "_connection_failed",
        "_closed",
        "_TurnDetector",
        "USERDATA_TIMED_TRANSCRIPT",
        "USERDATA_TTS_STARTED_TIME",
        "SessionConnectOptions",
        "ServerEnvOption",
        "TurnDetectionMode",
    }
)
"""Internals worker/framework.py encapsulates: no other module names them (a name the
framework module re-exports may be imported from there)."""


def _sources() -> Iterator[Path]:
    for package in _OUR_PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def _is_framework(module: str) -> bool:
    return module.startswith(_FRAMEWORK)


def _import_problem(module: str, name: str) -> str | None:
    """Why ``from module import name`` reaches past the framework's public API, if it does."""
    if any(part.startswith("_") for part in module.split(".")):
        return f"{module} is a private module"
    if module.startswith("livekit.plugins"):
        return None  # plugin packages: their constructors are their API
    parent = importlib.import_module(module)
    imported = getattr(parent, name, None)
    if inspect.ismodule(imported):
        exported = module in _PUBLIC_PACKAGES and name in getattr(parent, "__all__", ())
        public = exported or f"{module}.{name}" in _PUBLIC_PACKAGES
        return None if public else f"{module}.{name} is unexported"
    if _public_home(imported, name) is None:
        return f"{module}.{name} is not in the __all__ of a public package"
    return None


def _problems(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    framework_names: set[str] = set()
    our_framework_names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                bound = alias.asname or alias.name
                if _is_framework(node.module):
                    framework_names.add(bound)
                    problem = _import_problem(node.module, alias.name)
                    if problem:
                        yield f"{path}:{node.lineno}: {problem}"
                elif node.module == "worker.framework":
                    our_framework_names.add(bound)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if _is_framework(alias.name) and any(
                    p.startswith("_") for p in alias.name.split(".")
                ):
                    yield f"{path}:{node.lineno}: {alias.name} is a private module"
                if _is_framework(alias.name):
                    framework_names.add((alias.asname or alias.name).split(".")[0])
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            on_ourselves = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
            if node.attr in _ONLY_IN_FRAMEWORK_PY and not on_ourselves:
                yield f"{path}:{node.lineno}: .{node.attr} (worker/framework.py's to reach)"
            elif (
                node.attr.startswith("_")
                and not node.attr.startswith("__")
                and isinstance(node.value, ast.Name)
                and node.value.id in framework_names
            ):
                yield f"{path}:{node.lineno}: {node.value.id}.{node.attr} is private"
        elif isinstance(node, ast.Name) and node.id in _ONLY_IN_FRAMEWORK_PY:
            if node.id not in our_framework_names:
                yield f"{path}:{node.lineno}: {node.id} (worker/framework.py's to reach)"
        elif isinstance(node, ast.Constant) and node.value in _ONLY_IN_FRAMEWORK_PY:
            yield f"{path}:{node.lineno}: {node.value!r} (worker/framework.py's to reach)"
        elif isinstance(node, ast.Assign | ast.AugAssign) and any(
            isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name)
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
        ):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id in _imported_modules(tree)
                ):
                    yield (
                        f"{path}:{node.lineno}: assigns {target.value.id}.{target.attr}: "
                        "a patch of another package's module"
                    )


def _imported_modules(tree: ast.Module) -> set[str]:
    """Names bound to third-party modules (``import x``, ``from pkg import module``)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not alias.name.startswith(_OUR_PACKAGES):
                    names.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] in _OUR_PACKAGES:
                continue
            parent = importlib.import_module(node.module)
            for alias in node.names:
                if inspect.ismodule(getattr(parent, alias.name, None)):
                    names.add(alias.asname or alias.name)
    return names


def test_warm_transfer_task_still_takes_the_arguments_the_hand_off_gives_it() -> None:
    # A beta API (livekit.agents.beta): its constructor may change on any upgrade.
    parameters = inspect.signature(framework.WarmTransferTask.__init__).parameters
    wanted = {
        "sip_call_to", "sip_trunk_id", "sip_headers", "ringing_timeout", "chat_ctx",
        "extra_instructions",
    }  # fmt: skip
    missing = wanted - set(parameters)
    assert not missing, (
        f"livekit-agents {INSTALLED} (checked on {PINNED_VERSION}): "
        f"WarmTransferTask no longer takes {sorted(missing)}; see worker/handoff/warm_transfer.py"
    )


async def test_closing_a_warm_transfer_task_leaves_no_task_running() -> None:
    before = asyncio.all_tasks()
    task = framework.WarmTransferTask("+15550100", sip_trunk_id="ST_1")
    started = asyncio.all_tasks() - before
    # 1.8.9 starts the hold music's mixer in the constructor (why close_warm_transfer exists).
    assert started, f"livekit-agents {INSTALLED}: WarmTransferTask no longer starts a task"

    await framework.close_warm_transfer(task)

    assert all(t.done() for t in started)


def test_only_worker_framework_reaches_framework_internals() -> None:
    problems = [
        problem
        for path in _sources()
        if path != ROOT / "worker" / "framework.py"
        for problem in _problems(path)
    ]
    assert not problems, (
        "framework internals outside worker/framework.py (add an accessor there, with a "
        "contract test here):\n" + "\n".join(problems)
    )


def test_the_scan_finds_what_it_forbids(tmp_path: Path) -> None:
    # The scan itself: each kind of reach it forbids, in a module of our own.
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from livekit.agents.types import USERDATA_TTS_STARTED_TIME\n"
        "from livekit.agents.voice.agent_session import SessionConnectOptions\n"
        "from livekit.agents.tokenize import token_stream\n"
        "from livekit.agents.utils import http_context\n"
        "from prometheus_client import values\n"
        "http_context._create_ssl_context()\n"
        "http_context._other()\n"
        "adapter._llm_instances\n"
        "getattr(adapter, '_tts_instances')\n"
        "values.ValueClass = values.get_value_class()\n"
    )
    found = "\n".join(_problems(sample))
    for expected in (
        "livekit.agents.types.USERDATA_TTS_STARTED_TIME is not in the __all__",
        "SessionConnectOptions is not in the __all__",
        "livekit.agents.tokenize.token_stream is unexported",
        "._create_ssl_context",
        "http_context._other is private",
        "._llm_instances",
        "'_tts_instances'",
        "assigns values.ValueClass",
    ):
        assert expected in found, f"{expected!r} not found in:\n{found}"
