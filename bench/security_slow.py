"""The corpus's slow-client scenarios and start-up cases against ``python -m worker tokens``.

A scenario opens its sockets at the rate it names, sends its first bytes, then drips,
idles, or never reads, as its README ("slow_clients") describes; meanwhile probes from
another address must still get their answers. Measured: when the server closed each
socket (from its first byte), what it answered if anything, the server's peak memory,
and whether it is still alive and serving once the attack is over.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import resource
import socket
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.security_http import build_request, exchange
from bench.security_procs import ROOT, clean_environment, run_command, said_listening
from bench.security_server import TokenServer, free_port
from bench.security_tokens import TRACEBACK, CaseResult, TokenCorpus, _Context

__all__ = ["run_slow_clients", "run_startup_cases"]

_STATUS = re.compile(rb"HTTP/1\.[01] (\d{3})")
_POLL_S = 0.2


@dataclass
class _Socket:
    opened_at: float
    first_byte_at: float | None = None
    closed_at: float | None = None
    reset: bool = False
    statuses: list[int] = field(default_factory=list)


# Linux tcp_states.h: ESTABLISHED 1, SYN_SENT 2, SYN_RECV 3; CLOSE_WAIT 8 means the peer
# sent its FIN, CLOSE 7 that the connection is gone (a reset).
_OPEN_STATES = frozenset({1, 2, 3})


def _tcp_state(sock: socket.socket) -> int:
    """The connection's TCP state (``tcpi_state``, the first byte of ``TCP_INFO``)."""
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0]


def _raise_file_limit(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(wanted, hard) if hard != resource.RLIM_INFINITY else wanted
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


async def _attack_socket(
    scenario: dict[str, Any], ctx: _Context, record: _Socket, stop: asyncio.Event
) -> None:
    """One attacking connection, from open to the server's close (or ``stop``)."""
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    try:
        sock.bind(("127.0.0.1", 0))
        await loop.sock_connect(sock, ("127.0.0.1", ctx.port))
    except OSError:
        record.reset = True
        record.closed_at = loop.time()
        sock.close()
        return
    then = scenario.get("then") or {}
    if "send_first_generator" in scenario:
        first = ctx.evaluate(scenario["send_first_generator"])
        first = first if isinstance(first, bytes) else str(first).encode("utf-8")
    else:
        first = ctx.fill(str(scenario.get("send_first", ""))).encode("utf-8")
    drip = [
        c.encode("utf-8") for c in str(then.get("drip_text", ""))
    ]  # one byte (character) at a time, then `then_forever`
    forever = then.get("drip") or then.get("then_forever")
    every = float(then.get("every_s", 1.0))

    async def watch() -> None:
        """Reads (unless never_read) until EOF or a reset: when the server closed."""
        buffer = b""
        while not stop.is_set():
            try:
                if then.get("never_read"):
                    # Nothing is read, so ask the kernel what state the connection is in:
                    # the server's FIN or RST shows there even behind unread answers.
                    if _tcp_state(sock) not in _OPEN_STATES:
                        record.closed_at = loop.time()
                        return
                    await asyncio.sleep(_POLL_S)
                    continue
                else:
                    data = await asyncio.wait_for(loop.sock_recv(sock, 65536), _POLL_S)
            except (BlockingIOError, TimeoutError):
                if then.get("never_read"):
                    await asyncio.sleep(_POLL_S)
                continue
            except (ConnectionResetError, BrokenPipeError):
                record.reset = True
                record.closed_at = loop.time()
                return
            if not data:
                record.closed_at = loop.time()
                return
            buffer += data
            record.statuses = [int(m) for m in _STATUS.findall(buffer)]

    watcher = asyncio.create_task(watch())
    try:
        if first:
            record.first_byte_at = loop.time()
            await loop.sock_sendall(sock, first)
        else:
            record.first_byte_at = record.opened_at
        pieces = [*drip]
        while not stop.is_set() and not watcher.done():
            piece = pieces.pop(0) if pieces else (str(forever).encode() if forever else b"")
            if piece:
                await asyncio.wait([watcher], timeout=every)
                if watcher.done() or stop.is_set():
                    break
                await loop.sock_sendall(sock, piece)
            else:
                await asyncio.wait(
                    [watcher, asyncio.ensure_future(stop.wait())],
                    timeout=5.0,
                    return_when=asyncio.FIRST_COMPLETED,
                )
    except (ConnectionResetError, BrokenPipeError, OSError):
        if record.closed_at is None:
            record.reset = True
            record.closed_at = loop.time()
    finally:
        with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(watcher, 0.5) if stop.is_set() else await watcher
        watcher.cancel()
        sock.close()


def _open_for(record: _Socket) -> float:
    """Seconds from its first byte to the server's close; infinite when never closed."""
    if record.closed_at is None:
        return float("inf")
    return record.closed_at - (record.first_byte_at or record.opened_at)


async def _probe(spec: dict[str, Any], ctx: _Context) -> tuple[bool, str]:
    headers = [(k, ctx.fill(str(v))) for k, v in (spec.get("headers") or {}).items()]
    body = spec.get("body")
    request = build_request(
        str(spec.get("method", "GET")),
        str(spec["path"]),
        headers,
        None if body is None else ctx.fill(str(body)).encode(),
    )
    within = float(spec.get("within_s", 5))
    got = await exchange(
        "127.0.0.1", ctx.port, request, source_address=spec.get("source_address"), timeout_s=within
    )
    ok = got.status in spec.get("expect_status", [200]) and got.elapsed_s <= within
    return ok, f"{spec.get('source_address')} {spec['path']}: {got.status} in {got.elapsed_s:.1f} s"


async def _run_scenario(scenario: dict[str, Any], ctx: _Context, server: TokenServer) -> CaseResult:
    loop = asyncio.get_running_loop()
    expect = scenario.get("expect") or {}
    severity = str(expect.get("severity", scenario.get("severity", "must")))
    result = CaseResult(str(scenario["id"]), "slow_clients", severity)
    failures = result.failures if severity == "must" else result.warnings
    count = int(scenario.get("connections", 1))
    rate = float(scenario.get("open_rate_per_s", 0) or 0)
    stop = asyncio.Event()
    records: list[_Socket] = []
    tasks: list[asyncio.Task[None]] = []
    for index in range(count):
        record = _Socket(opened_at=loop.time())
        records.append(record)
        tasks.append(asyncio.create_task(_attack_socket(scenario, ctx, record, stop)))
        if rate and index + 1 < count:
            await asyncio.sleep(1.0 / rate)
    last_opened = loop.time()
    probe = scenario.get("probe") or {}
    if probe:
        await asyncio.sleep(float(probe.get("during_after_s", 0)))
        for spec in probe.get("requests", []):
            ok, what = await _probe(spec, ctx)
            if not ok:
                must = spec.get("severity", "must") == "must" and severity == "must"
                (result.failures if must else result.warnings).append(f"probe {what}")
    bound = float(
        expect.get("closed_by_server_within_s")
        or expect.get("all_attack_sockets_closed_within_s")
        or 30
    )
    deadline = last_opened + bound + 2.0
    # Each socket's own task notices its close; poll their records rather than wire an
    # event through every one.
    while loop.time() < deadline and not all(r.closed_at is not None for r in records):  # noqa: ASYNC110
        await asyncio.sleep(_POLL_S)
    peak = server.peak_rss_mb()
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)

    if "closed_by_server_within_s" in expect:
        limit = float(expect["closed_by_server_within_s"])
        late = [
            r
            for r in records
            if r.closed_at is None or r.closed_at - (r.first_byte_at or r.opened_at) > limit
        ]
        if late:
            failures.append(f"{len(late)} of {count} sockets not closed within {limit:g} s")
        soft = expect.get("should_close_within_s")
        if soft is not None:
            slow = [
                r
                for r in records
                if r.closed_at is None
                or r.closed_at - (r.first_byte_at or r.opened_at) > float(soft)
            ]
            if slow:
                result.warnings.append(f"{len(slow)} sockets open past {soft} s")
    if "all_attack_sockets_closed_within_s" in expect:
        limit = float(expect["all_attack_sockets_closed_within_s"])
        open_ = [r for r in records if r.closed_at is None or r.closed_at - last_opened > limit]
        if open_:
            failures.append(f"{len(open_)} sockets still open {limit:g} s after the last opened")
    allowed = expect.get("response_status_if_any")
    if allowed is not None:
        odd = sorted({s for r in records for s in r.statuses[:1]} - {a for a in allowed if a})
        if odd:
            failures.append(f"answered {odd}, allowed {allowed}")
        if None not in allowed and any(not r.statuses for r in records):
            failures.append("closed without an answer")
    every = expect.get("every_response_status")
    if every is not None:
        odd = sorted({s for r in records for s in r.statuses} - set(every))
        unanswered = sum(1 for r in records if not r.statuses)
        if odd:
            failures.append(f"answered {odd}, expected {every}")
        if unanswered:
            failures.append(f"{unanswered} of {count} got no answer")
    result.statuses = [r.statuses[0] if r.statuses else None for r in records][:20]
    closed = [_open_for(r) for r in records if r.closed_at is not None]
    result.figures = {
        "sockets": float(count),
        "closed_by_server": float(len(closed)),
        "longest_open_s": round(max(closed), 2) if closed else float("nan"),
    }
    if peak is not None:
        result.figures["server_peak_rss_mb"] = round(peak)
    limit_mb = expect.get("server_rss_max_mb")
    if limit_mb is not None and peak is not None and peak > float(limit_mb):
        failures.append(f"server peak {peak:.0f} MB (> {limit_mb})")
    if expect.get("server_alive", True) and not server.alive():
        result.failures.append("the server died")
    after = expect.get("after_release") or {}
    if after.get("probe_ok_within_s") is not None:
        within = float(after["probe_ok_within_s"])
        request = build_request(
            "POST",
            "/token",
            [("Authorization", f"Bearer {ctx.secret}"), ("Content-Type", "application/json")],
            b"{}",
        )
        end = loop.time() + within
        status: int | None = None
        while loop.time() < end and status != 201:
            status = (await exchange("127.0.0.1", ctx.port, request, timeout_s=within)).status
        if status != 201:
            failures.append(f"after the attack a request got {status}")
    if TRACEBACK.search(server.output()):
        result.failures.append("the server logged a traceback")
    return result


async def run_slow_clients(
    *, source: Path = ROOT, corpus: TokenCorpus | None = None, only: list[str] | None = None
) -> list[CaseResult]:
    """Each scenario against a fresh endpoint (its peak memory is the scenario's)."""
    from bench.security_tokens import server_env
    from sim.livekit_twirp import LiveKitTwirpSim

    corpus = corpus or TokenCorpus.load()
    _raise_file_limit(16384)
    import secrets

    ctx = _Context(corpus, secrets.token_urlsafe(36))
    env = corpus.server["env"]
    results = []
    async with LiveKitTwirpSim(
        api_key=env["LIVEKIT_API_KEY"], api_secret=env["LIVEKIT_API_SECRET"]
    ) as sim:
        for scenario in corpus.slow_clients:
            if only is not None and scenario["id"] not in only:
                continue
            ctx.port = free_port()
            server = TokenServer(source, server_env(corpus, ctx, {}, sim.http_url), ctx.port)
            async with server:
                results.append(await _run_scenario(scenario, ctx, server))
    return results


async def run_startup_cases(
    *, source: Path = ROOT, corpus: TokenCorpus | None = None
) -> list[CaseResult]:
    """Each start-up case: a command with a setting an operator might get wrong."""
    import secrets

    corpus = corpus or TokenCorpus.load()
    ctx = _Context(corpus, secrets.token_urlsafe(36))
    results = []
    for case in corpus.startup:
        expect = case.get("expect") or {}
        severity = str(expect.get("severity", "must"))
        result = CaseResult(str(case["id"]), "startup", severity)
        failures = result.failures if severity == "must" else result.warnings
        ctx.port = free_port()
        base = {k: ctx.fill(str(v)) for k, v in corpus.server["env"].items()}
        base["CALLCENTER_TENANTS_FILE"] = str(corpus.directory / base["CALLCENTER_TENANTS_FILE"])
        base.update({k: ctx.fill(str(v)) for k, v in (case.get("env") or {}).items()})
        with tempfile.TemporaryDirectory() as scratch:
            run = await asyncio.to_thread(
                run_command,
                [str(part) for part in case["command"]],
                clean_environment(source, base),
                cwd=Path(scratch),
                timeout_s=float(expect.get("within_s", 30)),
            )
        listened = said_listening(ctx.port)(run.output)
        output = run.output.decode("utf-8", "replace")
        result.statuses = [run.exit]
        if run.exit not in expect.get("exit", [2]):
            failures.append(f"exit {run.exit}, expected {expect.get('exit', [2])}")
        if expect.get("no_traceback") and TRACEBACK.search(output):
            failures.append("printed a traceback")
        for secret in expect.get("must_not_print", []):
            if secret and secret in output:
                failures.append(f"printed {secret!r}")
        wanted = expect.get("stderr_contains_any")
        if wanted and not any(w in run.stderr.decode("utf-8", "replace") for w in wanted):
            failures.append(f"names none of {wanted}")
        if expect.get("never_listens") and listened:
            failures.append("listened on its port")
        results.append(result)
    return results
