"""The independent token-endpoint attack corpus, run against ``python -m worker tokens``.

The cases (``tests/security/corpus/token_requests.yaml``) were written by another
engineer, black-box, without reading this code. How to run them is their README's
("token_requests.yaml"), followed here: placeholders, generators evaluated once,
requests sent as raw bytes, every expectation and invariant it defines, and a health
check after every case. Who is in a room comes from the LiveKit Twirp simulator
(``LIVEKIT_URL``), where ``optional_join`` seats the step's identity in its room.
"""

from __future__ import annotations

import asyncio
import base64
import builtins
import json
import re
import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt

from bench.security_http import Answer, Exchange, build_request, exchange
from bench.security_procs import ROOT
from bench.security_server import TokenServer, free_port

__all__ = ["CaseResult", "TokenCorpus", "run_token_cases"]

CORPUS = ROOT / "tests" / "security" / "corpus"
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+")
_TOKEN = re.compile(rb"eyJ[\w-]+\.eyJ")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SAFE_ALPHABET = re.compile(r"^[A-Za-z0-9_-]+$")
_FORBIDDEN_GRANTS = (
    "roomAdmin",
    "roomCreate",
    "roomList",
    "roomRecord",
    "ingressAdmin",
    "hidden",
    "recorder",
    "agent",
    "destinationRoom",
    "canManageAgentSession",
)


@dataclass
class CaseResult:
    """One case's outcome: ``failures`` break a must, ``warnings`` a should."""

    id: str
    group: str
    severity: str
    statuses: list[int | None] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: str | None = None
    figures: dict[str, float] = field(default_factory=dict)
    """What was measured (the server's peak memory, the longest a socket stayed open)."""

    @property
    def passed(self) -> bool:
        return self.skipped is None and not self.failures


@dataclass
class TokenCorpus:
    """``token_requests.yaml``, loaded."""

    server: dict[str, Any]
    defaults: dict[str, Any]
    cases: list[dict[str, Any]]
    startup: list[dict[str, Any]]
    slow_clients: list[dict[str, Any]]
    directory: Path

    @classmethod
    def load(cls, directory: Path = CORPUS) -> TokenCorpus:
        import yaml

        data = yaml.safe_load((directory / "token_requests.yaml").read_text(encoding="utf-8"))
        return cls(
            data["server"],
            data["defaults"],
            data["cases"],
            data["startup"],
            data["slow_clients"],
            directory,
        )


@dataclass
class _Sent:
    """One request as sent, and what came back."""

    spec: dict[str, Any]
    body: bytes
    credential: str
    got: Exchange


class _Context:
    """What one run fills placeholders with and remembers between steps."""

    def __init__(self, corpus: TokenCorpus, secret: str) -> None:
        self.corpus = corpus
        self.secret = secret
        self.port = 0
        self.rooms: dict[str, str] = {}
        self.identities: dict[str, str] = {}
        self._cache: dict[tuple[str, int, int], Any] = {}

    def fill(self, text: str) -> str:
        text = text.replace("{SECRET}", self.secret).replace("{PORT}", str(self.port))
        text = text.replace("{CORPUS}", str(self.corpus.directory))
        for step, room in self.rooms.items():
            text = text.replace("{ROOM:" + step + "}", room)
        for step, identity in self.identities.items():
            text = text.replace("{IDENTITY:" + step + "}", identity)
        return text

    def evaluate(self, spec: dict[str, Any], i: int = 0) -> Any:
        """A corpus expression, once per (expression, n, i)."""
        expr = str(spec["expr"])
        n = int(spec.get("n", 0))
        key = (expr, n, i if spec.get("per_repeat") else 0)
        if key not in self._cache:
            scope = {"n": n, "SECRET": self.secret, "i": i}
            # The corpus's own expressions (committed test data), with the builtins its
            # README says they may use.
            self._cache[key] = eval(expr, {"__builtins__": builtins, **scope})  # noqa: S307
        return self._cache[key]


def _value(raw: Any, ctx: _Context, i: int) -> str | bytes:
    if isinstance(raw, dict):
        if "b64" in raw:
            return base64.b64decode(raw["b64"])
        value = ctx.evaluate(raw, i)
        return value if isinstance(value, bytes) else str(value)
    return ctx.fill(str(raw))


def _headers(spec: dict[str, Any], ctx: _Context, i: int) -> list[tuple[str, str | bytes]]:
    if "header_list" in spec:
        return [(name, _value(value, ctx, i)) for name, value in spec["header_list"]]
    given = spec["headers"] if "headers" in spec else ctx.corpus.defaults["headers"]
    headers = [(name, _value(value, ctx, i)) for name, value in given.items()]
    if "header_generator" in spec:
        headers += [(str(k), str(v)) for k, v in ctx.evaluate(spec["header_generator"], i)]
    return headers


def _body(spec: dict[str, Any], ctx: _Context, i: int) -> bytes | None:
    if "body_b64" in spec:
        return base64.b64decode(spec["body_b64"])
    if "body_generator" in spec:
        value = ctx.evaluate(spec["body_generator"], i)
        return value if isinstance(value, bytes) else str(value).encode("utf-8")
    body = spec["body"] if "body" in spec else ctx.corpus.defaults.get("body")
    return None if body is None else ctx.fill(str(body)).encode("utf-8")


def _request(spec: dict[str, Any], ctx: _Context, i: int) -> tuple[bytes, bytes, str]:
    """The request's bytes, its body, and the credential it sends."""
    if "raw_request" in spec:
        raw = ctx.fill(str(spec["raw_request"])).encode("utf-8")
        match = re.search(rb"Authorization: *\S+ +(\S+)", raw)
        return raw, b"", match.group(1).decode("latin-1") if match else ""
    if "raw_request_generator" in spec:
        value = ctx.evaluate(spec["raw_request_generator"], i)
        raw = value if isinstance(value, bytes) else str(value).encode("utf-8")
        return raw, b"", ctx.secret
    path_spec = spec.get("path", ctx.corpus.defaults["path"])
    path = _value(path_spec, ctx, i)
    method = str(spec.get("method", ctx.corpus.defaults["method"]))
    headers = _headers(spec, ctx, i)
    body = _body(spec, ctx, i)
    transfer = spec.get("transfer") or {}
    chunk = int(transfer.get("chunk_size", 8192)) if transfer.get("chunked") else None
    credential = ""
    for name, value in headers:
        if name.lower() == "authorization":
            text = value.decode("latin-1") if isinstance(value, bytes) else value
            credential = text.partition(" ")[2]
    return build_request(method, path, headers, body, chunk_size=chunk), body or b"", credential


# -- judging -----------------------------------------------------------------------


def _json(answer: Answer) -> Any:
    try:
        return json.loads(answer.body)
    except ValueError:
        return None


def _claims(answer: Answer, ctx: _Context) -> dict[str, Any] | None:
    body = _json(answer)
    if not isinstance(body, dict) or not isinstance(body.get("participant_token"), str):
        return None
    server = ctx.corpus.server["env"]
    try:
        claims: dict[str, Any] = jwt.decode(
            body["participant_token"],
            server["LIVEKIT_API_SECRET"],
            algorithms=["HS256"],
            issuer=server["LIVEKIT_API_KEY"],
            options={"verify_aud": False},
        )
    except jwt.PyJWTError:
        return None
    return claims


def _requested_room(sent: _Sent) -> str | None:
    try:
        body = json.loads(sent.body)
    except ValueError:
        return None
    room = body.get("room_name") if isinstance(body, dict) else None
    return room if isinstance(room, str) else None


def _invariant(
    name: str, arg: Any, sent: _Sent, answer: Answer | None, ctx: _Context
) -> str | None:
    """None when invariant ``name`` holds for this answer, else why not."""
    got = sent.got
    if name == "never_5xx":
        return None if answer is None or answer.status < 500 else f"answered {answer.status}"
    if name == "no_traceback":
        return "a traceback in the answer" if TRACEBACK.search(got.raw.decode("latin-1")) else None
    if name == "no_secret_echo":
        raw = got.raw.decode("utf-8", "replace")
        echoed = [ctx.secret, ctx.corpus.server["env"]["LIVEKIT_API_SECRET"]]
        if len(sent.credential) >= 8:
            echoed.append(sent.credential)
        return "a secret echoed" if any(s and s in raw for s in echoed) else None
    if name.startswith("responds_within_s_"):
        bound = float(name.rsplit("_", 1)[1])
        late = got.timed_out or got.elapsed_s > bound
        return f"answered after {got.elapsed_s:.1f} s (> {bound:g})" if late else None
    if name in ("no_token", "no_token_on_429"):
        if name == "no_token_on_429" and (answer is None or answer.status != 429):
            return None
        body = _json(answer) if answer is not None else None
        leaked = isinstance(body, dict) and "participant_token" in body
        return "a token was issued" if leaked or _TOKEN.search(got.raw) else None
    if name == "retry_after_on_429":
        if answer is None or answer.status != 429:
            return None
        value = answer.header("retry-after") or ""
        return None if value.isdigit() and int(value) >= 1 else "429 without Retry-After"
    if name == "www_authenticate_bearer":
        if answer is None or answer.status != 401:
            return None
        value = (answer.header("www-authenticate") or "").lower()
        return None if value.startswith("bearer") else "401 without WWW-Authenticate: Bearer"
    # The rest are about a token; vacuous when none was issued.
    if answer is None or answer.status != 201:
        return None
    claims = _claims(answer, ctx)
    if name == "token_ok":
        body = _json(answer)
        if not isinstance(body, dict) or not {"server_url", "participant_token"} <= set(body):
            return "201 without {server_url, participant_token}"
        return None if claims is not None else "the token does not verify"
    if claims is None:
        return "the token does not verify"
    video = claims.get("video") or {}
    room = str(video.get("room", ""))
    identity = str(claims.get("sub", ""))
    config = claims.get("roomConfig") or {}
    agents = config.get("agents") or []
    prefix = str(ctx.corpus.server["room_prefix"])
    if name == "server_url_is_configured":
        body = _json(answer)
        wanted = ctx.corpus.server["env"]["CALLCENTER_TOKENS__PUBLIC_URL"]
        return None if body.get("server_url") == wanted else "server_url is not the configured one"
    if name == "grants_minimal":
        problems = [g for g in _FORBIDDEN_GRANTS if video.get(g)]
        if not video.get("roomJoin") or not room:
            problems.append("roomJoin/room")
        sources = video.get("canPublishSources")
        if video.get("canPublish", True) and sources not in (None, ["microphone"]):
            problems.append("canPublishSources")
        for grant in ("sip", "agent", "inference", "observability"):
            if isinstance(claims.get(grant), dict) and any(claims[grant].values()):
                problems.append(grant)
        if claims.get("kind") not in (None, "standard") or "kindDetails" in claims:
            problems.append("kind")
        if "roomPreset" in claims:
            problems.append("roomPreset")
        return f"grants {problems}" if problems else None
    if name == "no_update_own_metadata":
        return "canUpdateOwnMetadata" if video.get("canUpdateOwnMetadata") else None
    if name == "ttl_at_most":
        start = claims.get("nbf", claims.get("iat", 0))
        ttl = int(claims.get("exp", 0)) - int(start)
        limit = int(ctx.corpus.server["ttl_s"]) + 60
        return None if ttl <= limit else f"ttl {ttl} s"
    if name == "room_in_prefix":
        return None if room.startswith(prefix) else f"room {room!r} outside {prefix!r}"
    if name == "room_not_requested":
        return "the requested room was granted" if room == _requested_room(sent) else None
    if name == "room_not_of":
        other = ctx.rooms.get(str(arg))
        return (
            f"the room of step {arg} was granted" if other is not None and room == other else None
        )
    if name == "room_suffix_at_least_16_chars":
        suffix = room.removeprefix(prefix)
        strong = len(suffix) >= 16 and _SAFE_ALPHABET.match(suffix) is not None
        return None if strong else f"room suffix {suffix!r}"
    if name == "attributes_not_reserved":
        keys = (claims.get("attributes") or {}).keys()
        bad = [k for k in keys if re.sub(r"\s", "", k.lower()).startswith(("sip.", "lk."))]
        return f"reserved attributes {bad}" if bad else None
    if name in ("dispatch_only_ours", "dispatch_tenant_in"):
        if len(agents) != 1 or agents[0].get("agentName") != ctx.corpus.server["agent_name"]:
            return f"dispatches {agents}"
        try:
            metadata = json.loads(agents[0].get("metadata") or "")
        except ValueError:
            return "dispatch metadata is not JSON"
        if not isinstance(metadata, dict):
            return "dispatch metadata is not an object"
        if name == "dispatch_tenant_in":
            return None if metadata.get("tenant") in arg else f"tenant {metadata.get('tenant')}"
        options = arg if isinstance(arg, dict) else {}
        if metadata.get("tenant") != options.get("tenant"):
            return f"tenant {metadata.get('tenant')!r}"
        if options.get("no_other_metadata_keys") and set(metadata) != {"tenant"}:
            return f"metadata keys {sorted(metadata)}"
        extra = set(config) - {"agents", "name"}
        if extra or config.get("name", room) != room:
            return f"roomConfig sets {sorted(extra)}"
        return None
    if name == "identity_not":
        return f"identity {identity!r}" if identity in arg else None
    if name == "identity_no_prefix":
        return f"identity {identity!r}" if identity.startswith(tuple(arg)) else None
    if name == "identity_nonempty":
        return None if identity else "empty identity"
    if name == "identity_no_control_chars":
        return "control characters in the identity" if _CONTROL.search(identity) else None
    if name == "body_not_contains":
        shown = answer.body.decode("utf-8", "replace")
        return next((f"body contains {s!r}" for s in arg if s in shown), None)
    if name == "no_cors_for":
        origin = answer.header("access-control-allow-origin")
        return f"CORS for {origin}" if origin in (arg, "*") else None
    return f"unknown invariant {name}"


def _named(items: Iterable[Any]) -> list[tuple[str, Any]]:
    named = []
    for item in items:
        if isinstance(item, dict):
            (key, value), *_ = item.items()
            named.append((str(key), value))
        else:
            named.append((str(item), None))
    return named


def _judge(
    sent: _Sent, expect: dict[str, Any], ctx: _Context, result: CaseResult, *, must: bool
) -> None:
    """The expectations of one request; ``must`` False turns failures into warnings."""
    failures = result.failures if must else result.warnings
    got = sent.got
    answer = got.answers[0] if got.answers else None
    statuses = expect.get("status")
    if "status_sequence" in expect:
        seen = [a.status for a in got.answers]
        wanted = expect["status_sequence"]
        if len(seen) < len(wanted) or any(s not in w for s, w in zip(seen, wanted, strict=False)):
            failures.append(f"sequence {seen}, expected {wanted}")
    elif statuses is not None:
        status = answer.status if answer is not None else None
        reset_ok = expect.get("allow_connection_reset") and got.reset and answer is None
        if status not in statuses and not reset_ok:
            what = "a reset" if got.reset else ("a timeout" if got.timed_out else "no answer")
            failures.append(f"status {status if answer else what}, expected {statuses}")
        if expect.get("should_status") and status not in expect["should_status"]:
            result.warnings.append(f"status {status}, preferred {expect['should_status']}")
    defaults = [(name, None) for name in ctx.corpus.defaults.get("invariants", [])]
    for name, arg in [*defaults, *_named(expect.get("invariants", []))]:
        problem = _invariant(name, arg, sent, answer, ctx)
        if problem:
            failures.append(f"{name}: {problem}")
    for name, arg in _named(expect.get("should", [])):
        problem = _invariant(name, arg, sent, answer, ctx)
        if problem:
            result.warnings.append(f"{name}: {problem}")


def _aggregate(
    sents: list[_Sent], expect: dict[str, Any], result: CaseResult, *, must: bool
) -> None:
    failures = result.failures if must else result.warnings
    counts = Counter(str(s.got.status) for s in sents)
    aggregate = expect.get("aggregate") or {}
    for status, least in (aggregate.get("min_count_status") or {}).items():
        if counts[str(status)] < least:
            failures.append(f"{counts[str(status)]} x {status}, expected at least {least}")
    for status, most in (aggregate.get("max_count_status") or {}).items():
        if counts[str(status)] > most:
            failures.append(f"{counts[str(status)]} x {status}, expected at most {most}")
    if "status_each" in expect:
        odd = sorted({s.got.status or 0 for s in sents} - set(expect["status_each"]))
        if odd:
            failures.append(f"statuses {odd} outside {expect['status_each']}")


# -- running -----------------------------------------------------------------------


async def _send(spec: dict[str, Any], ctx: _Context, i: int, answers: int) -> _Sent:
    raw, body, credential = _request(spec, ctx, i)
    got = await exchange(
        "127.0.0.1",
        ctx.port,
        raw,
        source_address=spec.get("source_address"),
        answers=answers,
        timeout_s=30.0,
    )
    return _Sent(spec, body, credential, got)


async def _run_request(
    spec: dict[str, Any], ctx: _Context, result: CaseResult, *, must: bool, max_repeat: int | None
) -> list[_Sent]:
    expect = spec.get("expect") or {}
    answers = len(expect.get("status_sequence", [])) or 1
    repeat = spec.get("repeat")
    if repeat is None:
        sent = await _send(spec, ctx, 0, answers)
        result.statuses.append(sent.got.status)
        _judge(sent, expect, ctx, result, must=must)
        return [sent]
    count = int(repeat["count"])
    if max_repeat is not None and count > max_repeat:
        result.skipped = f"{count} repeats (over {max_repeat})"
        return []
    concurrent = repeat.get("concurrent", False)
    limit = count if concurrent is True else int(concurrent or 1)
    gate = asyncio.Semaphore(max(1, limit))

    async def one(i: int) -> _Sent:
        async with gate:
            return await _send(spec, ctx, i, answers)

    sents = list(await asyncio.gather(*(one(i) for i in range(count))))
    for sent in sents:
        result.statuses.append(sent.got.status)
        _judge(sent, {k: v for k, v in expect.items() if k != "status"}, ctx, result, must=must)
    _aggregate(sents, expect, result, must=must)
    return sents


async def _run_case(
    case: dict[str, Any], ctx: _Context, server: TokenServer, sim: Any, max_repeat: int | None
) -> CaseResult:
    expect = case.get("expect") or {}
    severity = str(case.get("severity", expect.get("severity", "must")))
    result = CaseResult(str(case["id"]), str(case.get("group", "")), severity)
    must = severity == "must"
    before = len(server.output())
    ctx.rooms, ctx.identities = {}, {}
    steps = case.get("steps") or [case]
    for step in steps:
        sents = await _run_request(step, ctx, result, must=must, max_repeat=max_repeat)
        if result.skipped:
            return result
        answer = sents[0].got.answers[0] if sents and sents[0].got.answers else None
        claims = _claims(answer, ctx) if answer is not None and answer.status == 201 else None
        if claims is not None and "id" in step:
            room = str((claims.get("video") or {}).get("room", ""))
            ctx.rooms[str(step["id"])] = room
            ctx.identities[str(step["id"])] = str(claims.get("sub", ""))
            if step.get("optional_join") and sim is not None:
                sim.add_participant(room, str(claims.get("sub", "")), kind=0)
    rss_limit = expect.get("server_rss_max_mb")
    peak = server.peak_rss_mb()
    if rss_limit and peak is not None and peak > float(rss_limit):
        (result.failures if must else result.warnings).append(f"server peak {peak:.0f} MB")
    if TRACEBACK.search(server.output()[before:]):
        result.failures.append("the server logged a traceback")
    if not await _healthy(ctx):
        result.failures.append("GET /healthz did not answer 200 within 2 s after the case")
    return result


async def _healthy(ctx: _Context) -> bool:
    got = await exchange(
        "127.0.0.1", ctx.port, build_request("GET", "/healthz", [], None), timeout_s=2.0
    )
    return got.status == 200


def server_env(
    corpus: TokenCorpus, ctx: _Context, extra: dict[str, str], livekit_url: str
) -> dict[str, str]:
    env = {k: ctx.fill(str(v)) for k, v in corpus.server["env"].items()}
    env["CALLCENTER_TENANTS_FILE"] = str(corpus.directory / env["CALLCENTER_TENANTS_FILE"])
    env["LIVEKIT_URL"] = livekit_url
    env.update({k: ctx.fill(str(v)) for k, v in extra.items()})
    return env


async def run_token_cases(
    *,
    source: Path = ROOT,
    corpus: TokenCorpus | None = None,
    only: Iterable[str] | None = None,
    max_repeat: int | None = None,
) -> list[CaseResult]:
    """Run the request cases (not the start-up or slow-client ones).

    Args:
        source: the source tree whose ``python -m worker tokens`` is attacked.
        corpus: the cases; default: the copy under tests/security/corpus.
        only: case ids to run; default: all.
        max_repeat: skip cases that repeat a request more often (the 200 000-request
            bucket-table case takes minutes).
    """
    from sim.livekit_twirp import LiveKitTwirpSim

    corpus = corpus or TokenCorpus.load()
    wanted = set(only) if only is not None else None
    cases = [c for c in corpus.cases if wanted is None or c["id"] in wanted]
    ctx = _Context(corpus, secrets.token_urlsafe(36))
    env = corpus.server["env"]
    results: list[CaseResult] = []
    async with LiveKitTwirpSim(
        api_key=env["LIVEKIT_API_KEY"], api_secret=env["LIVEKIT_API_SECRET"]
    ) as sim:
        shared: TokenServer | None = None
        try:
            for case in cases:
                if case.get("server_env"):
                    ctx.port = free_port()
                    own = TokenServer(
                        source, server_env(corpus, ctx, case["server_env"], sim.http_url), ctx.port
                    )
                    async with own:
                        results.append(await _run_case(case, ctx, own, sim, max_repeat))
                    continue
                if shared is None or not shared.alive():
                    if shared is not None:
                        await shared.stop()
                    shared_port = free_port()
                    ctx.port = shared_port
                    shared = TokenServer(
                        source, server_env(corpus, ctx, {}, sim.http_url), shared_port
                    )
                    await shared.start()
                ctx.port = shared.port
                results.append(await _run_case(case, ctx, shared, sim, max_repeat))
        finally:
            if shared is not None:
                await shared.stop()
    return results
