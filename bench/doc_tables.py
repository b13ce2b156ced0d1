"""Markdown tables from the benchmarks' JSON: one renderer per docs region.

Each :class:`Table` names the JSON files under ``bench/results/`` it reads (what each
benchmark writes with ``--json``), the command that writes them (shown when the JSON does
not record its own), and how its rows are drawn. ``python -m bench docs`` puts the result
between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Data = Any
"""A benchmark's JSON as ``json.loads`` returns it."""


@dataclass(frozen=True)
class Table:
    """One generated region.

    Attributes:
        name: The region's name in the markers.
        sources: JSON file names under the results directory, in the order ``render``
            takes them.
        command: The command that writes the sources; a JSON's own ``recorded.command``
            wins.
        render: The table (and any line under it) from the loaded sources.
    """

    name: str
    sources: tuple[str, ...]
    command: str
    render: Callable[[Sequence[Data]], str]


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return None if math.isnan(value) else float(value)


def ms(value: Any) -> str:
    """Milliseconds, whole; ``-`` for none (a NaN in the JSON: nothing to measure)."""
    number = _number(value)
    return "-" if number is None else f"{number:.0f}"


def pct(value: Any, digits: int = 0) -> str:
    """A rate in 0..1 as a percentage; ``-`` for none."""
    number = _number(value)
    return "-" if number is None else f"{number * 100:.{digits}f} %"


def fixed(value: Any, digits: int) -> str:
    """A number with ``digits`` decimals; ``-`` for none."""
    number = _number(value)
    return "-" if number is None else f"{number:.{digits}f}"


def _row(cells: Sequence[object]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def markdown(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub-flavoured Markdown table."""
    lines = [_row(header), "|" + "---|" * len(header)]
    lines += [_row(r) for r in rows]
    return "\n".join(lines)


def latency(data: Sequence[Data]) -> str:
    """``bench latency``: content and first-sound TTFA per profile and agent."""
    (summary,) = data
    rows = []
    for profile, entry in summary["profiles"].items():
        for agent in ("ours", "vanilla"):
            s = entry.get(agent)
            if s is None:
                continue
            rows.append(
                [
                    profile,
                    agent,
                    ms(s["p50_ms"]),
                    ms(s["p95_ms"]),
                    ms(s["first_sound_p50_ms"]),
                    ms(s["first_sound_p95_ms"]),
                    pct(s["filler_rate"]),
                    f"{s['filler_same_line_in_a_row']} / {s['filler_consecutive_turns']}",
                    pct(s["cache_hit_rate"]),
                    pct(s["premature_rate"], 1),
                    s["turns"],
                    ms(s["worker_content_p50_ms"]),
                ]
            )
    return markdown(
        [
            "profile",
            "agent",
            "content p50",
            "content p95",
            "sound p50",
            "sound p95",
            "filler",
            "same / consec",
            "cache",
            "premature",
            "turns",
            "wrk p50",
        ],
        rows,
    )


def latency_ablation(data: Sequence[Data]) -> str:
    """``bench latency --ablate``: each technique off (``-``) or on (``+``) in turn."""
    (summary,) = data
    rows = []
    for profile, variants in summary["ablation"].items():
        for label, s in variants.items():
            saves = (
                f"{ms(s['saving_p50_ms'])} / {ms(s['saving_p95_ms'])}"
                if "saving_p50_ms" in s
                else ""
            )
            rows.append(
                [
                    profile,
                    label,
                    ms(s["p50_ms"]),
                    ms(s["p95_ms"]),
                    ms(s["first_sound_p50_ms"]),
                    pct(s["filler_rate"]),
                    saves,
                ]
            )
    return markdown(
        ["profile", "variant", "content p50", "content p95", "sound p50", "filler", "saves"],
        rows,
    )


STAGE_LABELS: dict[str, str] = {
    "vad_end": "vad",
    "stt_final": "final",
    "commit": "commit",
    "llm_request": "llm_req",
    "first_token": "token",
    "tts_text": "tts_txt",
    "tts_first_audio": "tts_aud",
    "played": "played",
}
"""Each stage of a turn (``sim.call.STAGES``, in order) and its short column name."""


def _stt_cell(name: str) -> tuple[str, str]:
    """``"nova fill-on"`` as (``"nova"``, ``"on"``); a run without ``--fillers`` has none."""
    stt, _, fillers = name.partition(" fill-")
    return stt, fillers or "on"


def latency_stt(data: Sequence[Data]) -> str:
    """``bench latency --stt``: Nova against Flux (and fillers on against off) on the same
    calls: TTFA, LLM requests per turn and what a call costs."""
    (summary,) = data
    rows = []
    for profile, cells in summary["stt"].items():
        for name, s in cells.items():
            stt, fillers = _stt_cell(name)
            rows.append(
                [
                    profile,
                    stt,
                    fillers,
                    ms(s["content_p50_ms"]),
                    ms(s["content_p95_ms"]),
                    ms(s["p50_ms"]),
                    ms(s["p95_ms"]),
                    pct(s["filler_rate"]),
                    pct(s["premature_rate"]),
                    fixed(s["llm_requests_per_turn"], 2),
                    fixed(s["eager_per_turn"], 2) if stt == "flux" else "-",
                    s["resumed"] if stt == "flux" else "-",
                    fixed(s["usd_per_call"], 4),
                    s["turns"],
                ]
            )
    return markdown(
        [
            "profile",
            "stt",
            "fillers",
            "content p50",
            "content p95",
            "sound p50",
            "sound p95",
            "filler",
            "premature",
            "llm/turn",
            "eager/turn",
            "resumed",
            "usd/call",
            "turns",
        ],
        rows,
    )


def latency_stages(data: Sequence[Data]) -> str:
    """``bench latency --stt``'s stage table: each stage's p50 from the caller's last
    voiced sample, one row per cell."""
    (summary,) = data
    rows = []
    for profile, cells in summary["stt"].items():
        for name, s in cells.items():
            stt, fillers = _stt_cell(name)
            at = s["stages"]["p50_ms"]
            rows.append(
                [f"{profile} {stt}, fillers {fillers}", *(ms(at.get(k)) for k in STAGE_LABELS)]
            )
    return markdown(["cell", *STAGE_LABELS.values()], rows)


def turns(data: Sequence[Data]) -> str:
    """``bench turns``: our judge per class, and every detector against the targets.

    Per class, the premature rate on every corpus, and the decision's p50 / p95 on the
    first (the project's own) and the last (the one written after the judge's last
    change, its out-of-sample figure): eight corpora of two columns each would not read.
    """
    (summary,) = data
    corpora: Mapping[str, Any] = summary["corpora"]
    names = list(corpora)
    timed = [names[0], names[-1]] if len(names) > 1 else names
    classes: list[str] = []
    for corpus in corpora.values():
        ours = corpus["detectors"].get("ours", {})
        classes += [c for c in ours if c != "targets" and c not in classes]
    rows = []
    for cls in classes:
        row: list[object] = [cls]
        cells = {name: corpora[name]["detectors"].get("ours", {}).get(cls) for name in names}
        for name in names:
            cell = cells[name]
            row.append("" if cell is None else pct(cell["premature_rate"], 1))
        for name in timed:
            cell = cells[name]
            row.append(
                ""
                if cell is None
                else f"{ms(cell['decision_p50_ms'])} / {ms(cell['decision_p95_ms'])}"
            )
        rows.append(row)
    header = ["class"]
    header += [f"{name}: premature" for name in names]
    header += [f"{name}: p50 / p95 ms" for name in timed]
    targets = []
    for name in names:
        for detector, entry in corpora[name]["detectors"].items():
            t = entry["targets"]
            targets.append(
                [
                    name,
                    detector,
                    f"{pct(t['premature_max_rate'], 1)} ({t['premature_max_class']})",
                    "met" if t["premature_ok"] else "missed",
                    ms(t["complete_p50_ms"]),
                    ms(t["complete_p95_ms"]),
                    "met" if t["complete_p95_ok"] and t["complete_p50_ok"] else "missed",
                ]
            )
    target_header = [
        "corpus",
        "detector",
        "worst class premature",
        "≤ 2 %",
        "complete p50",
        "complete p95",
        "≤ 200 / 400 ms",
    ]
    return markdown(header, rows) + "\n\n" + markdown(target_header, targets)


def turn_tradeoff(data: Sequence[Data]) -> str:
    """``bench turn-tradeoff``: what holding answers buys on self-corrections, and what
    every caller pays for it."""
    (summary,) = data
    rows = []
    for c in summary["cells"]:
        if c["hold_s"] <= 0:
            held = "none (as shipped)"
        elif c["words"] is None:
            held = f"every turn, {c['hold_s']:.1f} s"
        else:
            held = f"answers of ≤ {c['words']} words, {c['hold_s']:.1f} s"
        rows.append(
            [
                held,
                pct(c["correction_premature_rate"], 1),
                f"{pct(c['correction_premature_worst_rate'], 1)} "
                f"({c['correction_premature_worst_corpus']})",
                pct(c["correction_heard_budget_rate"], 1),
                pct(c["correction_heard_typical_rate"], 1),
                f"{c['complete_target_corpora_met']} of {c['corpora']} "
                f"(worst {ms(c['complete_p95_worst_ms'])})",
                ms(c["one_word_content_budget_p50_ms"]),
                f"{ms(c['targeted_content_budget_p50_ms'])} / "
                f"{ms(c['targeted_content_budget_p95_ms'])}",
            ]
        )
    header = [
        "held",
        "corrections cut",
        "worst corpus",
        "heard, budget",
        "heard, typical",
        "corpora with complete turns at p95 ≤ 400 ms",
        "one-word answer, content p50 at budget",
        "every turn, content p50 / p95 at budget",
    ]
    return markdown(header, rows)


def pii(data: Sequence[Data]) -> str:
    """``bench pii``: recall, keep rate and time per turn for each corpus."""
    (summary,) = data
    rows = []
    scaling: Mapping[str, Any] | None = None
    for label, c in summary["corpora"].items():
        rows.append(
            [
                label,
                c["cases"],
                c["turns"],
                f"{c['recall']:.3f}",
                f"{c['keep']:.3f}",
                f"{c['latency_us']['p50']:.0f}",
                f"{c['latency_us']['p99']:.0f}",
            ]
        )
        if c.get("scaling"):
            scaling = c
    table = markdown(["corpus", "cases", "turns", "recall", "keep", "p50 µs", "p99 µs"], rows)
    if scaling is None:
        return table
    largest = max(scaling["scaling"], key=lambda row: row["chars"])
    return (
        f"{table}\n\n"
        f"One turn of {largest['chars'] / 1024:.0f} KB, no limit: "
        f"{largest['seconds']:.1f} s of CPU; a doubled turn costs at most "
        f"{scaling['doubling_ratio']:.2f}x; a {scaling['max_turn_chars'] * 4 // 1024} KB turn "
        f"with the call's limit ({scaling['max_turn_chars']} characters passed on): "
        f"{scaling['max_turn_ms']:.1f} ms."
    )


def capacity(data: Sequence[Data]) -> str:
    """``bench capacity``: calls at once against TTFA, event-loop lag and CPU."""
    (report,) = data
    rows = [
        [
            s["calls"],
            s["measured_calls"],
            ms(s["ttfa_p50_ms"]),
            ms(s["ttfa_p95_ms"]),
            f"{ms(s['loop_lag_p99_ms'])} ms",
            f"{s['cpu_cores_per_call']:.2f} core",
            f"{ms(s['rss_mb_per_call'])} MB",
            f"{s['worker_load_max']:.2f}",
            pct(s["host_cpu_busy"]),
            s["failed_jobs"] + s["unanswered"],
        ]
        for s in report["levels"]
    ]
    verdict = report["verdict"]
    table = markdown(
        [
            "calls at once",
            "calls measured",
            "TTFA p50",
            "TTFA p95",
            "loop lag p99",
            "CPU per call",
            "RSS per call",
            "worker load",
            "host CPU",
            "failed",
        ],
        rows,
    )
    held = (
        f"Held: **{verdict['max_calls']} calls on {verdict['cores']} cores** "
        f"({verdict['calls_per_core']:.1f} per core; {report['arrival']} arrival, "
        f"{report['latency_profile']} latency profile); limit: "
        f"{verdict.get('limited_by') or 'not reached'}."
    )
    shares = report.get("profile") or []
    if not shares:
        return f"{table}\n\n{held}"
    where = ", ".join(f"{row['category']} {pct(row['share'], 1)}" for row in shares)
    return (
        f"{table}\n\n{held}\n\nWhere one call's event-loop CPU went (cProfile, own time): {where}."
    )


def _served(fallbacks: Mapping[str, int]) -> str:
    names = {
        "stt_reconnects": "reconnects",
        "stt_openai": "OpenAI STT",
        "llm_fallback_model": "fallback LLM",
        "tts_openai": "OpenAI TTS",
    }
    return ", ".join(f"{n} {names.get(k, k)}" for k, n in fallbacks.items() if n)


def faults(data: Sequence[Data]) -> str:
    """``bench faults``: every injected fault, what the caller heard and what served."""
    (summary,) = data
    rows = []
    for name, s in summary["faults"].items():
        ended = s["expect"] == "ended"
        rows.append(
            [
                f"`{name}`",
                f"{s['survived']}/{s['calls']}" + (" hung up" if ended else ""),
                "(ends)" if ended else f"{s['max_silence_s']:.2f} s",
                _served(s["fallbacks"]),
                s["words_lost_stt"],
                s["cut_short"],
            ]
        )
    table = markdown(["fault", "survived", "silence", "served", "words lost", "cut short"], rows)
    return (
        f"{table}\n\n"
        f"{summary['calls_per_fault']} calls per fault, {summary['concurrency']} at once; "
        f"silence target {summary['silence_target_s']:g} s."
    )


def soak(data: Sequence[Data]) -> str:
    """``bench soak``: what a long run of calls leaves behind."""
    (s,) = data
    rows = [
        ["minutes, calls at once", f"{s['minutes']:g}, {s['concurrency']}"],
        ["calls, turns", f"{s['calls']}, {s['turns']}"],
        [
            "errors (failed jobs, unanswered turns, worker ERROR lines)",
            f"{s['errors']} ({s['failed_jobs']}, {s['unanswered_turns']}, "
            f"{s['worker_error_lines']})",
        ],
        [
            "asyncio tasks, sockets left behind by a call",
            f"{len(s['leaked_tasks'])}, {len(s['leaked_sockets'])}",
        ],
        [
            "worker RSS first → last",
            f"{s['worker_rss_mb_first']:.1f} → {s['worker_rss_mb_last']:.1f} MB",
        ],
        ["RSS slope after warm-up", f"{s['worker_rss_slope_mb_per_hour']:+.2f} MB/h"],
    ]
    fds = [sample["fds"] for sample in s["samples"]]
    if fds:
        rows.append(["file descriptors", f"{min(fds)}-{max(fds)}"])
    return markdown(["", "figure"], rows)


def scrape(data: Sequence[Data]) -> str:
    """``bench scrape``: one scrape's time as short-lived job processes accumulate."""
    (runs,) = data
    checkpoints = sorted({int(k) for r in runs for k in r["scrape_ms"]})
    rows = [
        [
            "compacted" if r["compacted"] else "plain",
            *(f"{r['scrape_ms'].get(str(n), 0.0):.1f} ms" for n in checkpoints),
            r["files_after"],
        ]
        for r in runs
    ]
    return markdown(["directory", *(f"{n} calls" for n in checkpoints), "files after"], rows)


def security(data: Sequence[Data]) -> str:
    """``bench security``: cases per part, and what failed."""
    (report,) = data
    rows = [
        [
            p["part"],
            p["cases"],
            p["passed"],
            p["failed_must"],
            p["failed_or_warned_should"],
            p["skipped"],
        ]
        for p in report["parts"]
    ]
    return markdown(["part", "cases", "passed", "must failed", "should", "skipped"], rows)


def summary(data: Sequence[Data]) -> str:
    """The README's headline figures, each with the page that explains it."""
    lat, turn, pii_, cap, fault = data
    lines = []
    for profile in ("budget", "typical"):
        ours = lat["profiles"].get(profile, {}).get("ours")
        vanilla = lat["profiles"].get(profile, {}).get("vanilla")
        if ours is not None:
            against = (
                f" (framework defaults {ms(vanilla['p50_ms'])} / {ms(vanilla['p95_ms'])})"
                if vanilla
                else ""
            )
            lines.append(
                [
                    f"content TTFA p50 / p95, {profile} providers",
                    f"{ms(ours['p50_ms'])} / {ms(ours['p95_ms'])} ms{against}",
                    "[latency](docs/latency.md)",
                ]
            )
    judged = {
        corpus: entry["detectors"]["ours"]["targets"]
        for corpus, entry in turn["corpora"].items()
        if "ours" in entry.get("detectors", {})
    }
    if judged:
        worst = "; ".join(
            f"{corpus} {pct(t['premature_max_rate'], 1)} ({t['premature_max_class']})"
            for corpus, t in judged.items()
        )
        complete = max(t["complete_p95_ms"] for t in judged.values())
        lines.append(
            [
                "complete turns decided, p95; worst premature class per corpus",
                f"{ms(complete)} ms; {worst}",
                "[benchmarks](docs/benchmarks.md#end-of-turn)",
            ]
        )
    corpora = pii_["corpora"]
    # Only a corpus never used to change the detectors is out of sample (older runs say so
    # by being the one without a gate).
    unseen = {
        label: c for label, c in corpora.items() if c.get("out_of_sample", not c.get("gate", True))
    }
    dev = [c for label, c in corpora.items() if label not in unseen]
    recall = min(c["recall"] for c in dev)
    keep = min(c["keep"] for c in dev)
    p99 = max(c["latency_us"]["p99"] for c in corpora.values())
    out_of_sample = "".join(
        f"; {label} {c['recall']:.3f} / {c['keep']:.3f}" for label, c in unseen.items()
    )
    lines.append(
        [
            f"PII recall / keep, worst of {len(dev)} development corpora"
            + ("; out of sample" if unseen else ""),
            f"{recall:.3f} / {keep:.3f}, p99 {p99:.0f} µs a turn{out_of_sample}",
            "[PII](docs/pii.md)",
        ]
    )
    verdict = cap["verdict"]
    lines.append(
        [
            "calls one worker holds",
            f"{verdict['max_calls']} on {verdict['cores']} cores ({cap['arrival']} arrival)",
            "[benchmarks](docs/benchmarks.md#capacity)",
        ]
    )
    rows = fault["faults"].values()
    survived = sum(s["survived"] for s in rows)
    calls = sum(s["calls"] for s in rows)
    silences = [
        s["max_silence_s"]
        for s in rows
        if s["expect"] != "ended" and _number(s["max_silence_s"]) is not None
    ]
    longest = f", longest silence {max(silences):.2f} s" if silences else ""
    lines.append(
        [
            f"provider faults survived ({len(fault['faults'])} kinds)",
            f"{survived} / {calls} calls{longest}",
            "[faults](docs/faults.md)",
        ]
    )
    return markdown(["what", "figure", "more"], lines)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "latency",
            ("latency.json",),
            "uv run python -m bench latency --calls 4 --profiles zero budget typical measured "
            "--json bench/results/latency.json",
            latency,
        ),
        Table(
            "latency-ablation",
            ("latency_ablation.json",),
            "uv run python -m bench latency --ablate --calls 2 --profiles budget typical",
            latency_ablation,
        ),
        Table(
            "latency-stt",
            ("latency_stt.json",),
            "uv run python -m bench latency --stt nova flux --fillers on off --calls 2 "
            "--profiles budget typical --json bench/results/latency.json",
            latency_stt,
        ),
        Table(
            "latency-stages",
            ("latency_stt.json",),
            "uv run python -m bench latency --stt nova flux --fillers on off --calls 2 "
            "--profiles budget typical --json bench/results/latency.json",
            latency_stages,
        ),
        Table(
            "turns",
            ("turns.json",),
            "uv run python -m bench turns --no-audio --per-class 100 "
            "--json bench/results/turns.json",
            turns,
        ),
        Table(
            "turn-tradeoff",
            ("turn_tradeoff.json",),
            "uv run python -m bench turn-tradeoff",
            turn_tradeoff,
        ),
        Table(
            "pii",
            ("pii.json",),
            "uv run python -m bench pii --json bench/results/pii.json",
            pii,
        ),
        Table(
            "capacity",
            ("capacity.json",),
            "uv run python -m bench capacity --levels 1,8,12,16,20 "
            "--json bench/results/capacity.json",
            capacity,
        ),
        Table(
            "capacity-together",
            ("capacity_together.json",),
            "uv run python -m bench capacity --arrival together --levels 1,8,12,14,16,18 "
            "--json bench/results/capacity_together.json",
            capacity,
        ),
        Table(
            "faults",
            ("faults.json",),
            "uv run python -m bench faults --calls 50 --concurrency 5 "
            "--json bench/results/faults.json",
            faults,
        ),
        Table(
            "soak",
            ("soak.json",),
            "uv run python -m bench soak --minutes 60 --concurrency 2 "
            "--json bench/results/soak.json",
            soak,
        ),
        Table(
            "scrape",
            ("scrape.json",),
            "uv run python -m bench scrape --json bench/results/scrape.json",
            scrape,
        ),
        Table(
            "security",
            ("security.json",),
            "uv run python -m bench security --json bench/results/security.json",
            security,
        ),
        Table(
            "summary",
            ("latency.json", "turns.json", "pii.json", "capacity.json", "faults.json"),
            "make bench",
            summary,
        ),
    )
}
"""Every region ``python -m bench docs`` fills, by name."""
