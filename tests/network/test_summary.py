"""District summaries: built from a real store under the privacy rule, sealed, and checked on reading."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from network_fakes import MADE

from navtool_desktop.core import results as res
from navtool_desktop.core.demo import DemoDistrict
from navtool_desktop.core.published import results_to_dict
from navtool_desktop.framework import Pack
from navtool_desktop.network.summary import SummaryError, build_summary, check_summary, open_sealed, seal
from navtool_desktop.signing import Identity, RootAuthority
from navtool_desktop.signing.identity import Identity as _Identity
from navtool_desktop.storage import DistrictStore


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _compact(view: dict[str, Any]) -> list[int] | str:
    """A published vote summary in the summary's form, written out independently of the app's code."""
    if "distribution" not in view:
        return str(view["status"])
    d = view["distribution"]
    return [d["establishing"], d["developing"], d["operationalizing"], d["refining"], d["not_sure"],
            d["tallied"], view["respondents"]]


def test_a_summary_holds_nothing_the_privacy_rule_hides(store: DistrictStore, pack: Pack,
                                                         demo: DemoDistrict) -> None:
    summary = build_summary(store, pack, made_at=MADE)
    text = json.dumps(summary, ensure_ascii=False)
    closed = [dc for dc in demo.cycles if dc.cycle.status == "closed"]
    assert closed and len(summary["cycles"]) == len(closed)
    # Nothing a person wrote, and no one's name, leaves the laptop.
    secrets = {p.name for dc in demo.cycles for p in dc.participants if p.name}
    secrets |= {p.code for dc in demo.cycles for p in dc.participants if p.code}
    secrets |= {r.note for dc in demo.cycles for r in dc.ratings if r.note}
    secrets |= {q.text for dc in demo.cycles for q in dc.responses if q.text}
    secrets |= {c.rationale for dc in demo.cycles for c in dc.consensus if c.rationale}
    secrets |= {m.name for m in demo.district.team}
    secrets |= {g.lead for g in demo.goals if g.lead} | {a.owner for a in demo.actions if a.owner}
    secrets |= {n.text for n in demo.notes if n.text}
    assert secrets, "the demo district carries names and written text to look for"
    found = [s for s in secrets if len(s) > 3 and s in text]
    assert found == []
    # No participant, rating or answer ids either.
    ids = {r.id for dc in demo.cycles for r in (*dc.ratings, *dc.participants, *dc.responses)}
    assert not ids & set(_strings(summary))
    # Every count is the published one for that cycle (the disclosure rule's output), and a
    # hidden role group carries no number at all.
    hidden_seen = 0
    for n, cycle in enumerate(summary["cycles"]):
        current = store.results.cycle(pack, cycle["id"])
        before = summary["cycles"][n - 1]["id"] if n else None
        published = results_to_dict(pack, {"id": store.id, "name": store.profile.name}, current,
                                     res.compare(current, store.results.cycle(pack, before) if before else None))
        assert cycle["hidden_groups"] == published["privacy"]["hidden_groups"]
        for mine, theirs in zip(cycle["competencies"], published["competencies"], strict=True):
            assert mine["id"] == theirs["id"] and mine["level"] == theirs["level"]
            assert mine["votes"] == _compact(theirs)
            for group, view in theirs["role_groups"].items():
                assert mine["groups"][group] == _compact(view)
                if view["status"] == "suppressed":
                    hidden_seen += 1
                    assert mine["groups"][group] == "suppressed"
    assert hidden_seen, "the demo's small groups are hidden somewhere"
    assert "threshold_changes" not in text


def test_an_open_cycle_is_not_summarised(store: DistrictStore, pack: Pack, demo: DemoDistrict) -> None:
    last = demo.cycles[-1].cycle
    store.save_cycle(store.get_cycle(last.id).replace(status="open"))
    summary = build_summary(store, pack, made_at=MADE)
    assert last.id not in {c["id"] for c in summary["cycles"]}


def test_a_sealed_summary_opens_with_its_root_and_signer(store: DistrictStore, pack: Pack, signer: Identity,
                                                          district_root: RootAuthority) -> None:
    summary = build_summary(store, pack, made_at=MADE)
    sealed = open_sealed(seal(summary, signer), pack)
    assert sealed.summary == summary
    assert sealed.root_fingerprint == district_root.fingerprint
    assert sealed.signer == "Ana Peña"
    # The root itself may sign too.
    by_root = _Identity(district_root.certificate, district_root.private_key)
    assert open_sealed(seal(summary, by_root), pack).root_fingerprint == district_root.fingerprint


def _envelope(raw: bytes) -> dict[str, Any]:
    """The file's parts: ``magic``, ``header`` (signature, certificates) and ``summary`` (the signed text)."""
    magic, header, body = raw.split(b"\n", 2)
    return {"magic": magic, "header": json.loads(header), "summary": body.decode()}


def _again(env: dict[str, Any]) -> bytes:
    return env["magic"] + b"\n" + json.dumps(env["header"]).encode() + b"\n" + env["summary"].encode()


@pytest.mark.parametrize("attack", ["edit-level", "edit-name", "drop-cycle", "swap-signature",
                                    "foreign-chain", "no-root", "bad-base64", "not-json", "extra-key",
                                    "nan", "deep", "huge"])
def test_a_changed_or_crafted_summary_is_refused(store: DistrictStore, pack: Pack, signer: Identity,
                                                  stranger: Identity, attack: str) -> None:
    summary = build_summary(store, pack, made_at=MADE)
    raw = seal(summary, signer)
    env = _envelope(raw)
    inner = json.loads(env["summary"])
    if attack == "edit-level":
        comp = next(c for c in inner["cycles"][-1]["competencies"] if c["level"])
        comp["level"] = "refining" if comp["level"] != "refining" else "establishing"
        env["summary"] = json.dumps(inner)
    elif attack == "edit-name":
        env["summary"] = env["summary"].replace(summary["district"]["name"], "Another District")
    elif attack == "drop-cycle":
        inner["cycles"].pop()
        env["summary"] = json.dumps(inner, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    elif attack == "swap-signature":
        env["header"]["signature"] = _envelope(seal(summary, stranger))["header"]["signature"]
    elif attack == "foreign-chain":
        env["header"]["certificates"] = _envelope(seal(summary, stranger))["header"]["certificates"]
    elif attack == "no-root":
        env["header"]["certificates"] = env["header"]["certificates"][:1]
    elif attack == "bad-base64":
        env["header"]["signature"] = "***"
    elif attack == "extra-key":
        env["header"]["note"] = "hello"
    if attack == "not-json":
        data = b"\x00not json"
    elif attack == "nan":
        data = _again(env).replace(b'"version":1', b'"version":NaN')
    elif attack == "deep":
        env["summary"] = "[" * 100_000 + "]" * 100_000
        data = _again(env)
    elif attack == "huge":
        data = b" " * (9 * 1024 * 1024)
    else:
        data = _again(env)
    with pytest.raises(SummaryError) as refused:
        open_sealed(data, pack)
    assert str(refused.value) and "Traceback" not in str(refused.value)


def test_a_signed_summary_with_a_crafted_shape_is_refused(store: DistrictStore, pack: Pack, signer: Identity) -> None:
    """Signed by the right district, but not a shape this app makes: refused, not half-read."""
    summary = build_summary(store, pack, made_at=MADE)
    for change in ("unknown-competency", "level-word", "negative-count", "control-char",
                   "hidden-group-with-numbers"):
        bad = json.loads(json.dumps(summary))
        comp = bad["cycles"][0]["competencies"][0]
        if change == "unknown-competency":
            comp["id"] = "culture.made-up"
        elif change == "level-word":
            comp["level"] = "excellent"
        elif change == "negative-count":
            shown = next(c for cy in bad["cycles"] for c in cy["competencies"] if isinstance(c["votes"], list))
            shown["votes"][1] = -3
        elif change == "control-char":
            bad["district"]["name"] = "Peña\x1b[31m"
        elif change == "hidden-group-with-numbers":
            cycle = next(cy for cy in bad["cycles"] if cy["hidden_groups"])
            for comp in cycle["competencies"]:
                comp["groups"][cycle["hidden_groups"][0]] = [1, 0, 0, 0, 0, 0, 1]
        with pytest.raises(SummaryError):
            check_summary(bad, pack)
        with pytest.raises(SummaryError):
            open_sealed(seal(bad, signer), pack)


def test_a_signature_is_over_the_exact_bytes(store: DistrictStore, pack: Pack, signer: Identity) -> None:
    raw = seal(build_summary(store, pack, made_at=MADE), signer)
    env = _envelope(raw)
    signature = base64.b64decode(env["header"]["signature"])
    env["header"]["signature"] = base64.b64encode(bytes([signature[0] ^ 1]) + signature[1:]).decode()
    with pytest.raises(SummaryError, match="changed after it was signed"):
        open_sealed(_again(env), pack)


def test_a_summary_dated_outside_the_certificate_is_refused(store: DistrictStore, pack: Pack,
                                                             signer: Identity) -> None:
    """The claimed day (the signer's clock) must lie inside the certificate's validity."""
    import datetime as dt

    early = build_summary(store, pack, made_at=signer.not_valid_before - dt.timedelta(days=30))
    with pytest.raises(SummaryError, match="was not valid on"):
        open_sealed(seal(early, signer), pack)
