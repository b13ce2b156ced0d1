"""The PII benchmark over the corpus meets its accuracy targets (timing is reported only)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from bench.pii import (
    DEFAULT_CORPUS,
    EIGHTEENTH_CORPUS,
    EIGHTH_CORPUS,
    ELEVENTH_CORPUS,
    FIFTEENTH_CORPUS,
    FINAL_CORPUS,
    FOURTEENTH_CORPUS,
    FRESH_CORPUS,
    HOLDOUT_CORPUS,
    INDEPENDENT_CORPUS,
    NINETEENTH_CORPUS,
    NINTH_CORPUS,
    OUTSIDE_CORPUS,
    PIECES_CORPUS,
    SEVENTEENTH_CORPUS,
    SEVENTH_CORPUS,
    SIXTEENTH_CORPUS,
    SIXTH_CORPUS,
    TARGETS,
    TENTH_CORPUS,
    THIRTEENTH_CORPUS,
    THIRTIETH_CORPUS,
    THIRTYEIGHTH_CORPUS,
    THIRTYFIFTH_CORPUS,
    THIRTYFIRST_CORPUS,
    THIRTYFOURTH_CORPUS,
    THIRTYNINTH_CORPUS,
    THIRTYSECOND_CORPUS,
    THIRTYSEVENTH_CORPUS,
    THIRTYSIXTH_CORPUS,
    THIRTYTHIRD_CORPUS,
    TWELFTH_CORPUS,
    TWENTIETH_CORPUS,
    TWENTYEIGHTH_CORPUS,
    TWENTYFIFTH_CORPUS,
    TWENTYFIRST_CORPUS,
    TWENTYFOURTH_CORPUS,
    TWENTYNINTH_CORPUS,
    TWENTYSECOND_CORPUS,
    TWENTYSEVENTH_CORPUS,
    TWENTYSIXTH_CORPUS,
    TWENTYTHIRD_CORPUS,
    evaluate,
    leaked,
    load_corpus,
    run,
)
from bench.pii_match import canonical_digit_runs

pytestmark = pytest.mark.unit


def test_corpus_has_the_required_shape() -> None:
    cases = load_corpus(DEFAULT_CORPUS)

    assert len(cases) >= 150
    assert len({c.id for c in cases}) == len(cases)
    assert sum(c.kind == "none" for c in cases) >= 60
    assert sum(len(c.turns) > 1 for c in cases) >= 10
    kinds = {c.kind for c in cases}
    assert {"card", "ssn", "phone", "email", "dob", "address", "account", "routing"} <= kinds
    classes = {c.cls for c in cases}
    assert {
        "agent-context", "multi-entity", "cvv", "expiry", "pin", "passport", "license",
        "member-id", "alnum-id", "intl-address", "ssn-nocue", "long-spoken", "long-nonpii",
        "dictation-split", "corrections", "name",
    } <= classes  # fmt: skip
    assert any(c.agent for c in cases)
    for case in cases:
        assert case.secrets or case.keep, case.id


def test_recall_and_keep_meet_targets() -> None:
    report = evaluate(DEFAULT_CORPUS, repeat=1)

    assert report.recall >= TARGETS["recall"], report.leaked_cases
    assert report.keep_rate >= TARGETS["keep"], report.dropped_cases
    for kind, stats in report.per_type.items():
        assert stats.recall >= 0.95, kind
    for cls, stats in report.per_class.items():
        assert stats.recall >= 0.95, cls
        assert stats.keep_rate >= 0.95, cls
    # Names are scored only when the optional detector is on.
    assert "name" not in report.per_class
    named = evaluate(DEFAULT_CORPUS, repeat=1, names=True)
    assert named.per_class["name"].secrets >= 3


@pytest.mark.parametrize("names", [False, True])
def test_the_independent_holdout_and_fresh_corpora_meet_their_targets(names: bool) -> None:
    for path in (INDEPENDENT_CORPUS, HOLDOUT_CORPUS, FRESH_CORPUS):
        report = evaluate(path, repeat=1, names=names)

        assert report.matching == "said"
        assert report.recall >= 0.97, report.leaked_cases
        assert report.keep_rate >= 0.95, report.dropped_cases
        assert ("name-spelled" in report.per_class) is (names and path == INDEPENDENT_CORPUS)


def test_leak_check_sees_written_spoken_and_grouped_digits() -> None:
    assert leaked("4111111111111111", "card 4111-1111, 1111 1111")
    assert leaked("4111111111111111", "card four one one one 1111 one one one one 1111")
    assert leaked("4155551212", "it's four one five, five five five, one two one two")
    assert leaked("john.smith@gmail.com", "john dot smith at gmail dot com")
    assert not leaked("4111111111111111", "card [CARD_1] and 1111")
    assert not leaked("123 Main Street", "I live at [ADDRESS_1]")


def test_a_placeholder_index_is_no_leaked_value() -> None:
    # "[PIN_2]" holds a 2 that no one said: a short secret matched by substring must not
    # find itself in a placeholder.
    assert not leaked("2", "Second is [PIN_1], fourth is [PIN_2].", "said")
    assert leaked("2", "Second is [PIN_1], fourth is 2.", "said")
    assert not leaked("PIN_2", "It's [PIN_2].", "said")


# The independent corpus as its author handed it over (issue 30): scored, never edited.
INDEPENDENT_SHA256 = "036950765415bf3df9ed7670614c0465c13d79031a0027317e124d43a67c30f4"


def test_independent_corpus_is_kept_as_written() -> None:
    assert hashlib.sha256(INDEPENDENT_CORPUS.read_bytes()).hexdigest() == INDEPENDENT_SHA256
    cases = load_corpus(INDEPENDENT_CORPUS)
    assert sum(len(c.turns) for c in cases) >= 300
    assert len({c.cls for c in cases}) >= 20


# The second independent corpus as its author handed it over: scored, never edited.
FRESH_SHA256 = "733aa2b0eebf12388f8312186a6a240f285f83958898c52bcafedfda8920fe8f"


def test_fresh_corpus_is_kept_as_written() -> None:
    assert hashlib.sha256(FRESH_CORPUS.read_bytes()).hexdigest() == FRESH_SHA256
    cases = load_corpus(FRESH_CORPUS)
    assert sum(len(c.turns) for c in cases) >= 300
    assert len({c.cls for c in cases}) >= 20
    assert FRESH_CORPUS.with_suffix(".md").exists()


# The independent corpora after fresh, as their authors handed them over: scored and
# reported, never edited, never a gate. final and thirtyseventh to thirtyninth are out of
# sample (a target on them would make them development sets); pieces, outside and sixth
# to thirtysixth have been development sets since their leaks were read, reported
# without a gate while they miss their targets.
@pytest.mark.parametrize(
    ("path", "sha256", "out_of_sample", "min_cases"),
    [
        (
            FINAL_CORPUS,
            "4882607d3b92693e9303ec864dda080d5952e54c870368f355d482ec36e2406e",
            True,
            250,
        ),
        (
            PIECES_CORPUS,
            "0ecc6ae94e698f8798babd3367dace46603469bc38f945f2322a3d2aafc7fc91",
            False,
            140,
        ),
        (
            OUTSIDE_CORPUS,
            "64ffc992acb46a6b47036eb8cc1f173b8a31ccb86751decd802c38ef2916cdc7",
            False,
            200,
        ),
        (
            SIXTH_CORPUS,
            "2862beba3a626efdc0a4f793a4f1cc5287dd640771c2294a8f36e651f57d8918",
            False,
            200,
        ),
        (
            SEVENTH_CORPUS,
            "42d7c50427a88cd0d86ebb4f7e213ffe624d653b1585b54c0979d7454d3faa91",
            False,
            200,
        ),
        (
            EIGHTH_CORPUS,
            "b4ff70c7c054ee1f3f3e4522ec650577e8f0f598774161ebd2fb186f8845f1b5",
            False,
            190,
        ),
        (
            NINTH_CORPUS,
            "71ff31185e83651933d5c643efe7e86b0b608fcbee70116e91130be0759eb478",
            False,
            190,
        ),
        (
            TENTH_CORPUS,
            "271cece8ea09be444bea507234a0d018355fa74b0c4994574d18daea5414d350",
            False,
            190,
        ),
        (
            ELEVENTH_CORPUS,
            "b6c3e5633d56879cde7485dfffc86c5711e53522b4c441ada7f6111df283f5ab",
            False,
            190,
        ),
        (
            TWELFTH_CORPUS,
            "ba8f171863997ac005134b421132f7cd5da810cde7eff37cf1bc579a63a8d4b2",
            False,
            190,
        ),
        (
            THIRTEENTH_CORPUS,
            "46709fa25a1d4f1ebcd6d05afbcb74ea5e9730aecfc213f32cb3c1939a201f59",
            False,
            190,
        ),
        (
            FOURTEENTH_CORPUS,
            "46cd8ab3fa4aab67bef647d922afc4b6c002d97ed90d8a655d1ac0a8ff01cf1d",
            False,
            190,
        ),
        (
            FIFTEENTH_CORPUS,
            "a1b5e7442e972e33b856db5b44ba2d173e93fa58249c412a446bd5024379c26c",
            False,
            190,
        ),
        (
            SIXTEENTH_CORPUS,
            "74b3157eda0132c825c374ddede35ac19d0819c85515e7206cd9196eeea230b6",
            False,
            190,
        ),
        (
            SEVENTEENTH_CORPUS,
            "a505b79fb2164e5bfc914480f06660cc97d4e746d1793b89df10efb74f3ba588",
            False,
            190,
        ),
        (
            EIGHTEENTH_CORPUS,
            "beb070b695c4dd55ae3221c8cdefd92cfcd00e43c2f2a20aaa0ccd57605bcd2e",
            False,
            190,
        ),
        (
            NINETEENTH_CORPUS,
            "c7f160cf78fb1292cca6a06afa11f1709260d7be2c1d976c72270dddf2016932",
            False,
            190,
        ),
        (
            TWENTIETH_CORPUS,
            "20cf578b4a9b9f00ca66343017675a8b1a8ed98f0732fe0aab3829e6e29619ab",
            False,
            190,
        ),
        (
            TWENTYFIRST_CORPUS,
            "36d53bab95534d586a6063215b0ca65a1e6b113610e8b1437bab20d48a27cc25",
            False,
            190,
        ),
        (
            TWENTYSECOND_CORPUS,
            "16ee2f1dc54fbadf502a852f134b082a773d3ceeebb7644a84c678dda28e96ee",
            False,
            190,
        ),
        (
            TWENTYTHIRD_CORPUS,
            "282ac3936c3e75d22cb2340fcd35f2327cd1a8ccc8f53beac92a2e728df544b4",
            False,
            190,
        ),
        (
            TWENTYFOURTH_CORPUS,
            "c455c47b21ef0501d348d529a4c907d318a24fdeb259b23ab7870791e19c214b",
            False,
            190,
        ),
        (
            TWENTYFIFTH_CORPUS,
            "94e9b0ee35fc1d7bc2bb35324e0d59752d1565e8e7679333d7d39c98847f9cd2",
            False,
            190,
        ),
        (
            TWENTYSIXTH_CORPUS,
            "5b420a7d55883a54d074d3131ce6924b6f25ac1c96cbe8129f2fb61db0729eb4",
            False,
            190,
        ),
        (
            TWENTYSEVENTH_CORPUS,
            "54d4d120e4ea2ebf3d5b84951a6a5449501987958b50fb41aba3cc8006e94783",
            False,
            190,
        ),
        (
            TWENTYEIGHTH_CORPUS,
            "50c6ce407fa64fc85b23c50afc9ec9f73b248209885700f5be46a38e7a7f86de",
            False,
            190,
        ),
        (
            TWENTYNINTH_CORPUS,
            "f269b99c7b95bc9916f540e1100948ed1c575696d19547f5f8999a9fe1d057da",
            False,
            190,
        ),
        (
            THIRTIETH_CORPUS,
            "c11a42825061cd372bf5fc77dbc32c65ff7f9ff6a9de1f0dd055bae66b3c99fe",
            False,
            190,
        ),
        (
            THIRTYFIRST_CORPUS,
            "04b375f205f2d170789db07ee6ccd62ed780cf05b546218ddfe654b2bdfd0710",
            False,
            190,
        ),
        (
            THIRTYSECOND_CORPUS,
            "77047e80a9523a5dfc1ae29fdb22946fd6b985d978f966180dd9a420da90bbe6",
            False,
            190,
        ),
        (
            THIRTYTHIRD_CORPUS,
            "fcc5ed1dc8da1d83fc4a80bbfa02aabd8b5414c18dcffa704d792bb22e1346ed",
            False,
            190,
        ),
        (
            THIRTYFOURTH_CORPUS,
            "c6acf9230c52dffb5d71764a2b09c3e7584e7bcfc9a428d5a6f0d17850e9c885",
            False,
            190,
        ),
        (
            THIRTYFIFTH_CORPUS,
            "04187e03d2cd06b3e21c25593946ee54b048aab0204d87a981b0ab4e199d2e58",
            False,
            190,
        ),
        (
            THIRTYSIXTH_CORPUS,
            "94a54eb5d9c57aa2b83d5aaedb87aa35b8d27eb4edd58325e1d1753225e61973",
            False,
            190,
        ),
        (
            THIRTYSEVENTH_CORPUS,
            "9ac608af978f9cc7b85043bdf826641d41f665526efcbdcb750f329fb5e6ddc8",
            True,
            190,
        ),
        (
            THIRTYEIGHTH_CORPUS,
            "a9ab72a9d1ebd3aa1c360b3a893ac7f8401d81a06a9a5c84c13affa208ae2c69",
            True,
            190,
        ),
        (
            THIRTYNINTH_CORPUS,
            "f99d65a0d5c425f5b88f49ee5e6ed7321dcc2de8d95bbf9fc1f7a6a6cfdc2159",
            True,
            190,
        ),
    ],
    ids=[
        "final",
        "pieces",
        "outside",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
        "eleventh",
        "twelfth",
        "thirteenth",
        "fourteenth",
        "fifteenth",
        "sixteenth",
        "seventeenth",
        "eighteenth",
        "nineteenth",
        "twentieth",
        "twentyfirst",
        "twentysecond",
        "twentythird",
        "twentyfourth",
        "twentyfifth",
        "twentysixth",
        "twentyseventh",
        "twentyeighth",
        "twentyninth",
        "thirtieth",
        "thirtyfirst",
        "thirtysecond",
        "thirtythird",
        "thirtyfourth",
        "thirtyfifth",
        "thirtysixth",
        "thirtyseventh",
        "thirtyeighth",
        "thirtyninth",
    ],
)
def test_a_later_corpus_is_kept_as_written_and_reported_without_a_gate(
    path: Path, sha256: str, out_of_sample: bool, min_cases: int, tmp_path: Path
) -> None:
    assert hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    assert path.with_suffix(".md").exists()
    out = tmp_path / "report.json"

    status = run(
        ["--corpus", str(path), "--strict", "--repeat", "1", "--no-scaling", "--json", str(out)]
    )

    (report,) = json.loads(out.read_text())["corpora"].values()
    assert report["gate"] is False
    assert report["out_of_sample"] is out_of_sample
    if out_of_sample:
        # Its cases are never named: the ids would say what leaked.
        assert report["leaked_cases"] == [] and report["dropped_cases"] == []
        assert report["leaked_case_count"] >= 0
    assert report["cases"] >= min_cases
    # --strict exits 0 whatever its figure: it is reported, not held.
    assert status == 0


def test_said_comparison_reads_numbers_as_the_independent_corpus_defines_them() -> None:
    # Fillers, "and" and words between groups do not hide a number ...
    assert leaked("4849093406621708", "It's uh 4849, um, 0934, 0662, 1708.", "said")
    assert leaked(
        "4532918584909347",
        "Four five three two and nine one eight five and eight four nine oh and nine three "
        "four seven.",
        "said",
    )
    assert leaked("5555555555554444", "triple five five, five five five five, five five "
                  "five five, double four double four", "said")  # fmt: skip
    assert leaked("4850925884395295", "Forty-eight fifty, ninety-two fifty-eight, "
                  "eighty-four thirty-nine, fifty-two ninety-five.", "said")  # fmt: skip
    assert canonical_digit_runs("five hundred and twelve, eight hundred") == ["512800"]
    # "two thousand and one" is 2001, as the second independent corpus defines it.
    assert canonical_digit_runs("oh two, oh two, two thousand and one") == ["02022001"]
    assert canonical_digit_runs("ten thousand, four hundred and five") == ["10000405"]
    assert canonical_digit_runs("three thousand four hundred and five") == ["3405"]
    # ... a placeholder ends a run, and text secrets compare case-blind.
    assert not leaked("48490934", "4849 [CARD_1] 0934", "said")
    assert leaked("B S 3, 4 H J", "it's b s 3, 4  h j", "said")
    assert not leaked("B S 3, 4 H J", "it's [POSTCODE_1]", "said")


def test_run_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pii.json"

    status = run(["--json", str(out), "--repeat", "1", "--no-scaling"])

    assert status == 0
    data = json.loads(out.read_text())
    assert {"project", "independent", "holdout", "fresh", "final"} <= set(data["corpora"])
    project = data["corpora"]["project"]
    assert project["cases"] >= 150
    assert set(project["latency_us"]) == {"p50", "p99", "max"}
    assert project["recall"] >= TARGETS["recall"]
    assert project["per_class"]["agent-context"]["recall"] >= 0.95
    assert project["scaling"] == []
    independent = data["corpora"]["independent"]
    assert independent["matching"] == "said"
    assert independent["skipped_name_cases"] > 0
    printed = capsys.readouterr().out
    assert "== project" in printed
    assert "== independent" in printed
    assert "== fresh" in printed
