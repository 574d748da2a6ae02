"""Attacks on district summaries and the network workspace: each was tried for real and now holds.

Crafted files are signed for real (cryptography, or the app's own create_root/issue_signer), so
that each attack gets past the signature and reaches the check it is aimed at.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from network_fakes import MADE, mint, sealed_as

from navtool_desktop.framework import Pack
from navtool_desktop.network.summary import MAGIC, SummaryError, build_summary, open_sealed, seal
from navtool_desktop.network.workspace import Workspace
from navtool_desktop.signing import Identity, RootAuthority
from navtool_desktop.storage import DistrictStore


def stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def coach_clock(days: int = 30) -> Any:
    """The coach's clock, ``days`` after the summaries were made."""
    return lambda: stamp(MADE + dt.timedelta(days=days))


def sealed_with(summary: dict[str, Any], key: Any, chain: list[x509.Certificate]) -> bytes:
    """A ``.navsummary`` signed with ``key`` and carrying ``chain`` as is (however crafted)."""
    return sealed_as(MAGIC, summary, key, chain)


@pytest.fixture
def summary(store: DistrictStore, pack: Pack) -> dict[str, Any]:
    return build_summary(store, pack, made_at=MADE)


# --- certificates ----------------------------------------------------------------------------


def test_a_signer_cannot_issue_certificates_of_its_own(summary: dict[str, Any], pack: Pack, signer: Identity,
                                                      district_root: RootAuthority) -> None:
    """A signer's certificate is not a CA (and the root allows no CA below it): a certificate its key
    signs, valid long after the signer's own expires, must not lead to the district's root."""
    minted, key = mint(signer.certificate, signer.private_key, "Ana Peña", days=36500)
    later = json.loads(json.dumps(summary))
    later["made_at"] = stamp(signer.certificate.not_valid_after_utc + dt.timedelta(days=400))
    for chain in ([minted, signer.certificate, district_root.certificate],
                  [minted, district_root.certificate, signer.certificate]):
        with pytest.raises(SummaryError):
            open_sealed(sealed_with(later, key, chain), pack)
        with pytest.raises(SummaryError):  # not even on a day the signer's own certificate was valid
            open_sealed(sealed_with(summary, key, chain), pack)


def _open_root(path_length: int | None) -> tuple[x509.Certificate, Any]:
    """A root (not this app's: a certificate authority) that allows ``path_length`` CAs below it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Commercial CA")])
    start = MADE - dt.timedelta(days=1000)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(start + dt.timedelta(days=9000))
            .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
            .sign(key, hashes.SHA256()))
    return cert, key


def test_a_certificate_in_the_middle_of_the_chain_is_checked_too(summary: dict[str, Any], pack: Pack,
                                                                 district_root: RootAuthority) -> None:
    """A signer certificate from a certificate authority with an intermediate CA (a .p12 bought
    elsewhere) opens; the intermediate must be a CA the root allows, valid on the day."""
    root, root_key = _open_root(None)
    middle, middle_key = mint(root, root_key, "Intermediate CA", ca=True, start=MADE - dt.timedelta(days=500),
                              days=2000)
    leaf, key = mint(middle, middle_key, "Bought signer")
    assert open_sealed(sealed_with(summary, key, [leaf, middle, root]), pack).root_fingerprint
    expired, old_key = mint(root, root_key, "Old CA", ca=True, start=MADE - dt.timedelta(days=900), days=30)
    leaf, key = mint(expired, old_key, "Someone")
    with pytest.raises(SummaryError, match="not valid on"):
        open_sealed(sealed_with(summary, key, [leaf, expired, root]), pack)
    strict, strict_key = _open_root(0)  # allows no CA below it, as a district root does
    middle, middle_key = mint(strict, strict_key, "Intermediate CA", ca=True)
    leaf, key = mint(middle, middle_key, "Bought signer")
    with pytest.raises(SummaryError, match="does not lead to a district root"):
        open_sealed(sealed_with(summary, key, [leaf, middle, strict]), pack)
    under_ours, under_key = mint(district_root.certificate, district_root.private_key, "A CA", ca=True)
    with pytest.raises(SummaryError, match="does not lead to a district root"):  # a CA as the signer
        open_sealed(sealed_with(summary, under_key, [under_ours, district_root.certificate]), pack)


def test_an_ec_signer_the_root_issued_is_accepted(summary: dict[str, Any], pack: Pack,
                                                  district_root: RootAuthority) -> None:
    """The legitimate shape still opens: an EC signer directly under an RSA root."""
    leaf, key = mint(district_root.certificate, district_root.private_key, "EC signer")
    sealed = open_sealed(sealed_with(summary, key, [leaf, district_root.certificate]), pack)
    assert sealed.root_fingerprint == district_root.fingerprint and sealed.signer == "EC signer"


# --- a crafted (validly signed) shape never breaks an import --------------------------------


@pytest.mark.parametrize("craft", ["goal-id-object", "goal-id-null", "same-competency-twice", "plan-id-object",
                                   "priority-object", "source-word", "change-word", "previous-cycle-object"])
def test_a_crafted_shape_is_refused_and_the_rest_of_the_folder_imports(
        tmp_path: Path, pack: Pack, summary: dict[str, Any], signer: Identity, stranger: Identity,
        store: DistrictStore, craft: str) -> None:
    """Anyone can make a root: a file signed under it with a shape this app never makes must be
    refused on its own, not stop the import of every other file in the folder with a traceback."""
    bad = json.loads(json.dumps(summary))
    bad["district"]["id"] = "d-crafted"
    goal = bad["plan"]["goals"][0]
    comps = bad["cycles"][-1]["competencies"]
    if craft == "goal-id-object":
        goal["id"] = {"a": 1}
    elif craft == "goal-id-null":
        goal["id"] = None
    elif craft == "same-competency-twice":
        comps.append(comps[0])
    elif craft == "plan-id-object":
        bad["plan"]["id"] = [[[]]]
    elif craft == "priority-object":
        bad["cycles"][-1]["conditions"][0]["priority"] = {"x": [1, 2]}
    elif craft == "source-word":
        comps[0]["source"] = "x" * 100_000
    elif craft == "change-word":
        comps[0]["change"] = "x" * 100_000
    elif craft == "previous-cycle-object":
        bad["cycles"][-1]["previous_cycle"] = {"id": 1}
    folder = tmp_path / "usb"
    folder.mkdir()
    (folder / "a-crafted.navsummary").write_bytes(seal(bad, stranger))
    (folder / "b-real.navsummary").write_bytes(seal(summary, signer))
    with Workspace(tmp_path / "net", pack, clock=coach_clock()) as ws:
        report = ws.import_folder(folder)
        by_file = {o.file: o.status for o in report.outcomes}
        assert by_file == {"a-crafted.navsummary": "refused", "b-real.navsummary": "added"}
        assert [d.id for d in ws.districts()] == [store.id]


# --- times and dates sort as they are written -----------------------------------------------


@pytest.mark.parametrize("written", ["basic", "week", "offset", "space", "short-year"])
def test_a_time_in_another_iso_form_cannot_shadow_later_summaries(
        tmp_path: Path, pack: Pack, summary: dict[str, Any], signer: Identity, store: DistrictStore,
        written: str) -> None:
    """Times compare as text in the workspace: only the one form this app writes is accepted, so a
    summary cannot be made to sort after every later one (a stolen or old signer's key)."""
    crafted = json.loads(json.dumps(summary))
    day = MADE + dt.timedelta(hours=1)
    crafted["made_at"] = {"basic": day.strftime("%Y%m%dT%H%M%SZ"), "week": day.strftime("%G-W%V-%uT%H:%M:%SZ"),
                          "offset": day.astimezone(dt.timezone(dt.timedelta(hours=14))).isoformat(),
                          "space": day.isoformat(sep=" "), "short-year": "999-01-01T00:00:00Z"}[written]
    later = json.loads(json.dumps(summary))
    later["made_at"] = stamp(MADE + dt.timedelta(days=2))
    comp = next(c for c in later["cycles"][-1]["competencies"] if c["level"])
    comp["level"] = "refining" if comp["level"] != "refining" else "developing"
    with Workspace(tmp_path / "net", pack, clock=coach_clock()) as ws:
        first = ws.import_bytes(seal(crafted, signer), "crafted")
        ws.import_bytes(seal(later, signer), "later")
        assert first.status == "refused"
        assert ws.side_by_side().levels[store.id][comp["id"]] == comp["level"]


@pytest.mark.parametrize("date", ["20991231", "2026W011", "2026-W01-1"])
def test_a_cycle_date_in_another_iso_form_is_refused(pack: Pack, summary: dict[str, Any], signer: Identity,
                                                     date: str) -> None:
    crafted = json.loads(json.dumps(summary))
    crafted["cycles"][0]["date"] = date
    with pytest.raises(SummaryError):
        open_sealed(seal(crafted, signer), pack)


def test_a_root_with_another_key_algorithm_is_refused_plainly(summary: dict[str, Any], pack: Pack) -> None:
    """An Ed25519 root and signer (a shape this app never makes): refused, no traceback."""
    from cryptography.hazmat.primitives.asymmetric import ed25519

    key = ed25519.Ed25519PrivateKey.generate()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Odd Root")])
    start = MADE - dt.timedelta(days=1)
    root = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(start).not_valid_after(start + dt.timedelta(days=99))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(key, None))
    body = json.dumps(summary, sort_keys=True, separators=(",", ":")).encode()
    header = {"signature": base64.b64encode(key.sign(body)).decode(),
              "certificates": [root.public_bytes(Encoding.PEM).decode("ascii")]}
    with pytest.raises(SummaryError):
        open_sealed(MAGIC + json.dumps(header).encode() + b"\n" + body, pack)



def test_a_not_sure_consensus_and_goal_from_a_real_district_are_accepted(
        store: DistrictStore, pack: Pack, signer: Identity) -> None:
    """A team may agree on "not sure" (and a goal may start from it): the district's own summary must
    still open at the coach's, not be refused as malformed."""
    from navtool_desktop.core.records import Consensus

    last = [c for c in store.cycles() if c.status == "closed"][-1]
    store.save_cycle(store.get_cycle(last.id).replace(status="open"))
    comp = pack.competencies[0].id
    store.save_consensus(last.id, Consensus(competency_id=comp, level="not_sure"))
    store.save_cycle(store.get_cycle(last.id).replace(status="closed"))
    summary = build_summary(store, pack, made_at=MADE)
    mine = next(c for c in summary["cycles"] if c["id"] == last.id)
    assert next(c for c in mine["competencies"] if c["id"] == comp)["level"] == "not_sure"
    summary["plan"]["goals"][0]["current_level"] = "not_sure"  # a goal may start from "not sure"
    assert open_sealed(seal(summary, signer), pack).summary == summary


def test_the_district_page_shows_a_not_sure_level_on_a_goal(qtbot: Any, tmp_path: Path, pack: Pack,
                                                            summary: dict[str, Any], signer: Identity,
                                                            store: DistrictStore) -> None:
    from navtool_desktop.ui.network_window import NetworkWindow

    goal = summary["plan"]["goals"][0]
    for comp in summary["cycles"][-1]["competencies"]:
        if comp["id"] == goal["competency_id"]:
            comp.update(level="not_sure", consensus="not_sure", source="consensus")
    with Workspace(tmp_path / "net", pack, clock=coach_clock()) as ws:
        assert ws.import_bytes(seal(summary, signer)).status == "added"
    window = NetworkWindow(tmp_path / "net", pack)
    qtbot.addWidget(window)
    window.open_district(store.id)
    assert window.page.goals.item(0, 3).text() == "Not sure"


# --- replay, withdrawn cycles, one root per district ---------------------------------------


def _later(summary: dict[str, Any], days: int) -> dict[str, Any]:
    copy = json.loads(json.dumps(summary))
    copy["made_at"] = stamp(MADE + dt.timedelta(days=days))
    return copy


def test_an_older_summary_is_kept_out_whole(tmp_path: Path, pack: Pack, summary: dict[str, Any],
                                             signer: Identity, store: DistrictStore) -> None:
    """The district reopened its last cycle (or deleted it) and sent a new summary without it. An old
    copy arriving afterwards (a replay, an old e-mail, an old signer's key) must not bring it back,
    nor add a cycle of its own."""
    newer = _later(summary, 2)
    dropped = newer["cycles"].pop()
    old = json.loads(json.dumps(summary))
    invented = json.loads(json.dumps(old["cycles"][0]))
    invented.update(id="c-invented", date="2026-11-30", title="Invented")
    old["cycles"].append(invented)
    with Workspace(tmp_path / "net", pack, clock=coach_clock()) as ws:
        assert ws.import_bytes(seal(newer, signer), "newer").status == "added"
        outcome = ws.import_bytes(seal(old, signer), "old")
        assert outcome.status == "unchanged" and outcome.message
        ids = [c["id"] for c in ws.history(store.id)]
        assert dropped["id"] not in ids and "c-invented" not in ids
        assert ids == [c["id"] for c in newer["cycles"]]


def test_a_cycle_the_district_no_longer_sends_leaves_the_workspace(
        tmp_path: Path, pack: Pack, summary: dict[str, Any], signer: Identity, store: DistrictStore) -> None:
    """A district's newest summary holds every closed cycle it shares: one it reopened or deleted
    (a test cycle dated in the future would otherwise stay "latest" for good) goes."""
    bogus = json.loads(json.dumps(summary))
    test_cycle = json.loads(json.dumps(bogus["cycles"][0]))
    test_cycle.update(id="c-test", date="2031-01-01", title="Test cycle")
    bogus["cycles"].append(test_cycle)
    with Workspace(tmp_path / "net", pack, clock=coach_clock()) as ws:
        ws.import_bytes(seal(bogus, signer), "with-test-cycle")
        assert ws.side_by_side().cycle[store.id][0] == "c-test"
        outcome = ws.import_bytes(seal(_later(summary, 2), signer), "corrected")
        assert outcome.status == "updated"
        assert [c["id"] for c in ws.history(store.id)] == [c["id"] for c in summary["cycles"]]
        assert ws.side_by_side().cycle[store.id][0] == summary["cycles"][-1]["id"]
        assert ws._db.execute("SELECT COUNT(*) FROM levels WHERE cycle_id='c-test'").fetchone() == (0,)


def test_a_root_pinned_for_one_district_cannot_speak_for_another(
        tmp_path: Path, pack: Pack, summary: dict[str, Any], signer: Identity, store: DistrictStore) -> None:
    """A district in the network (its root pinned) sends a summary under a second district's id and
    name, before that district joined: refused, so it cannot squat the other district's place."""
    other = json.loads(json.dumps(summary))
    other["district"] = {"id": "d-cedar-falls", "name": "Cedar Falls Unified", "state": "Montana"}
    with Workspace(tmp_path / "net", pack, clock=coach_clock()) as ws:
        assert ws.import_bytes(seal(summary, signer), "own").status == "added"
        outcome = ws.import_bytes(seal(other, signer), "squat")
        assert outcome.status == "refused"
        assert store.profile.name in outcome.message and "Cedar Falls Unified" in outcome.message
        assert [d.id for d in ws.districts()] == [store.id]


# --- a busy or damaged workspace file ---------------------------------------------------------


@pytest.fixture
def filled(tmp_path: Path, pack: Pack, summary: dict[str, Any], signer: Identity) -> Path:
    folder = tmp_path / "net"
    with Workspace(folder, pack, clock=coach_clock()) as ws:
        assert ws.import_bytes(seal(summary, signer)).status == "added"
    return folder


def test_a_workspace_another_import_holds_opens_and_says_it_is_busy(filled: Path, pack: Pack, store: DistrictStore,
                                                                    summary: dict[str, Any], signer: Identity) -> None:
    """Another process (a second window, ``navtool network import``) is importing: this one still
    opens and reads, and a change waits a little, then says plainly that the workspace is busy."""
    import sqlite3

    from navtool_desktop.network.workspace import FILE_NAME, WorkspaceError

    other = sqlite3.connect(filled / FILE_NAME, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with Workspace(filled, pack, clock=coach_clock(), busy_timeout=0.05) as ws:
            assert [d.id for d in ws.districts()] == [store.id]
            assert ws.side_by_side().cycle
            for change in (lambda: ws.set_tags(store.id, ["North"]), lambda: ws.release_pin(store.id),
                           lambda: ws.import_bytes(seal(_later(summary, 1), signer))):
                with pytest.raises(WorkspaceError, match="busy"):
                    change()
    finally:
        other.execute("ROLLBACK")
        other.close()


@pytest.mark.parametrize("where", ["all-tables", "middle"])
def test_a_damaged_workspace_file_is_reported_plainly(tmp_path: Path, pack: Pack, where: str) -> None:
    """Garbage in network.sqlite3 (a bad disk, a copy cut short): a plain message, never a traceback."""
    import random

    from navtool_desktop.network.demo import make_folder
    from navtool_desktop.network.workspace import FILE_NAME, WorkspaceError

    (tmp_path / "usb").mkdir()
    make_folder(tmp_path / "usb", pack, districts=12, years=4)
    with Workspace(tmp_path / "ws", pack) as ws:
        ws.import_folder(tmp_path / "usb")
    path = tmp_path / "ws" / FILE_NAME
    size = path.stat().st_size
    assert size > 64 * 1024 and not (tmp_path / "ws" / (FILE_NAME + "-wal")).exists()
    start = 4096 if where == "all-tables" else size // 2
    with path.open("r+b") as fh:
        fh.seek(start)
        fh.write(random.Random(7).randbytes(size - start if where == "all-tables" else 16 * 1024))
    with pytest.raises(WorkspaceError, match="is damaged"), Workspace(tmp_path / "ws", pack) as ws:
        ws.side_by_side()
        for d in ws.districts():
            ws.history(d.id)


def test_the_window_says_so_when_the_workspace_is_busy_or_damaged(
        qtbot: Any, filled: Path, pack: Pack, store: DistrictStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Saving tags or releasing a pin while another import holds the workspace, or opening a damaged
    one: a plain message, no exception out of a button."""
    import sqlite3

    from navtool_desktop.network.workspace import FILE_NAME, WorkspaceError
    from navtool_desktop.ui import messages, network_window

    shown: list[str] = []
    monkeypatch.setattr(messages, "_show", lambda _icon, _parent, _title, text, *_a: shown.append(text)
                        or messages.Button.Yes)
    monkeypatch.setattr(network_window, "BUSY_TIMEOUT", 0.05)
    window = network_window.NetworkWindow(filled, pack)
    qtbot.addWidget(window)
    window.open_district(store.id)
    other = sqlite3.connect(filled / FILE_NAME, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        window.page.tags.setText("North")
        window.page._save_tags()
        window.page._release()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert len([text for text in shown if "is busy" in text]) == 2  # and the question before releasing
    assert store.id in {d.id for d in window.ws.districts()}
    window.close()
    (filled / FILE_NAME).write_bytes(b"SQLite format 3\x00" + b"\xff" * 8000)
    for extra in ("-wal", "-shm"):
        (filled / (FILE_NAME + extra)).unlink(missing_ok=True)
    with pytest.raises(WorkspaceError, match="is damaged"):
        network_window.NetworkWindow(filled, pack)


# --- killed and concurrent imports ------------------------------------------------------------

_CHILD = """
import os, signal, sys
from pathlib import Path
from navtool_desktop import paths
from navtool_desktop.framework import load_pack
from navtool_desktop.network.workspace import Workspace
ws_dir, folder, kill_at, clock = sys.argv[1:5]
ws = Workspace(Path(ws_dir), load_pack(paths.default_pack_dir()), clock=lambda: clock)
ticks = [0]
def tick():
    ticks[0] += 1
    if ticks[0] == int(kill_at):
        os.kill(os.getpid(), signal.SIGKILL)
    return 0
ws._db.set_progress_handler(tick, 200)
report = ws.import_folder(Path(folder))
print(ticks[0], " ".join(o.status for o in report.outcomes))
"""


def _ec_root(name: str) -> tuple[x509.Certificate, Any]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, name)])
    start = MADE - dt.timedelta(days=1)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(start + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(key, hashes.SHA256()))
    return cert, key


def _child(ws: Path, folder: Path, kill_at: int) -> Any:
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    return subprocess.Popen([sys.executable, "-c", _CHILD, str(ws), str(folder), str(kill_at),
                             coach_clock()()], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _state(folder: Path, pack: Pack) -> list[tuple[object, ...]]:
    with Workspace(folder, pack, clock=coach_clock()) as ws:
        assert ws._db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows: list[tuple[object, ...]] = []
        for table in ("districts", "cycles", "levels", "goals", "imported"):
            rows += [(table, *r) for r in ws._db.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3")
                     if table != "imported"] + [(table, r[0]) for r in ws._db.execute(
                         "SELECT sha256 FROM imported ORDER BY 1") if table == "imported"]
        return rows


@pytest.fixture
def two_rounds(tmp_path: Path, pack: Pack, summary: dict[str, Any]) -> tuple[Path, Path]:
    """A workspace holding round one of 6 districts, and a folder with round two (newer, and 3 more)."""
    first, second = tmp_path / "round1", tmp_path / "round2"
    first.mkdir()
    second.mkdir()
    for n in range(9):
        cert, key = _ec_root(f"District {n}")
        mine = json.loads(json.dumps(summary))
        mine["district"] = {"id": f"d{n}", "name": f"District {n}", "state": "North"}
        if n < 6:
            old = json.loads(json.dumps(mine))
            old["cycles"].pop()
            (first / f"d{n}.navsummary").write_bytes(sealed_with(old, key, [cert]))
        mine["made_at"] = stamp(MADE + dt.timedelta(days=1))
        (second / f"d{n}.navsummary").write_bytes(sealed_with(mine, key, [cert]))
    with Workspace(tmp_path / "ws", pack, clock=coach_clock()) as ws:
        assert ws.import_folder(first).count("added") == 6
    return tmp_path / "ws", second


def test_an_import_killed_at_any_point_leaves_the_workspace_before_or_after(
        tmp_path: Path, pack: Pack, two_rounds: tuple[Path, Path]) -> None:
    """SIGKILL inside SQLite's work at points spread over a whole import: every time the workspace
    is intact and exactly as before the import (one transaction), or as after it; never half a file."""
    import random
    import shutil

    ws, folder = two_rounds
    before = _state(ws, pack)
    done = tmp_path / "done"
    shutil.copytree(ws, done)
    run = _child(done, folder, 0)
    out, err = run.communicate(timeout=120)
    assert run.returncode == 0, err
    total = int(out.split()[0])
    assert out.split()[1:] == ["updated"] * 6 + ["added"] * 3 and total > 20
    after = _state(done, pack)
    assert after != before
    outcomes = {"before": 0, "after": 0}
    for n, kill_at in enumerate([*sorted(random.Random(21).sample(range(1, total + 1), 8)), total]):
        copy = tmp_path / f"kill{n}"
        shutil.copytree(ws, copy)
        run = _child(copy, folder, kill_at)
        run.communicate(timeout=120)
        assert run.returncode == -9
        state = _state(copy, pack)
        assert state in (before, after), f"killed at step {kill_at} of {total}: half an import"
        outcomes["before" if state == before else "after"] += 1
    assert outcomes["before"] >= 8


def test_two_imports_at_once_both_finish_and_agree(tmp_path: Path, pack: Pack,
                                                   two_rounds: tuple[Path, Path]) -> None:
    import shutil

    ws, folder = two_rounds
    done = tmp_path / "done"
    shutil.copytree(ws, done)
    with Workspace(done, pack, clock=coach_clock()) as one:
        one.import_folder(folder)
    expected = _state(done, pack)
    runs = [_child(ws, folder, 0), _child(ws, folder, 0)]
    results = [r.communicate(timeout=180) for r in runs]
    assert [r.returncode for r in runs] == [0, 0], [e for _o, e in results]
    statuses = [o.split()[1:] for o, _e in results]
    # one took in every file; the other waited for it, then found each already there
    assert sorted(statuses) == [["unchanged"] * 9, ["updated"] * 6 + ["added"] * 3]
    assert _state(ws, pack) == expected


# --- hostile text ---------------------------------------------------------------------------

BIDI = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: shows what follows it backwards, fingerprints included


def test_bidi_controls_are_refused_in_a_summary_and_left_out_when_a_district_makes_one(
        store: DistrictStore, pack: Pack, summary: dict[str, Any], signer: Identity) -> None:
    for where in ("name", "title", "statement"):
        crafted = json.loads(json.dumps(summary))
        if where == "name":
            crafted["district"]["name"] = f"Pine Ridge {BIDI}deifinU"
        elif where == "title":
            crafted["cycles"][0]["title"] = f"Spring {BIDI}\u2066x\u2069"
        else:
            crafted["plan"]["goals"][0]["statement"] = f"Raise {BIDI}it"
        with pytest.raises(SummaryError, match="malformed"):
            open_sealed(seal(crafted, signer), pack)
    store.save_profile(store.profile.replace(name=f"Peña {BIDI}Valley\u200f\nUnified"))
    mine = build_summary(store, pack, made_at=MADE)
    assert mine["district"]["name"] == "Peña Valley\u200f Unified"  # a right-to-left mark alone is harmless
    assert open_sealed(seal(mine, signer), pack).summary == mine


def test_html_in_a_district_name_shows_as_text_in_the_window(qtbot: Any, tmp_path: Path, pack: Pack,
                                                            summary: dict[str, Any], signer: Identity) -> None:
    """A district name is the district's text: in a cell's tooltip (which Qt would read as HTML) it
    must show as written, not as a link, an image or bold text."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import Qt as GuiQt
    from PySide6.QtGui import QTextDocument

    from navtool_desktop.ui.network_window import NetworkWindow

    name = "<b>Pine</b> <a href='https://evil.example'>Ridge</a><img src='/etc/hosts'> " + "x" * 100
    summary["district"]["name"] = name
    with Workspace(tmp_path / "net", pack, clock=coach_clock()) as ws:
        assert ws.import_bytes(seal(summary, signer)).status == "added"
    window = NetworkWindow(tmp_path / "net", pack)
    qtbot.addWidget(window)
    assert window.model.index(0, 0).data() == name + " (Montana)"
    cell = window.model.index(0, 4)
    tip = cell.data(Qt.ItemDataRole.ToolTipRole)
    shown = QTextDocument()
    if GuiQt.mightBeRichText(tip):  # as QToolTip decides
        shown.setHtml(tip)
    else:
        shown.setPlainText(tip)
    assert shown.toPlainText().startswith(name + ",")
    assert cell.data(Qt.ItemDataRole.AccessibleTextRole).startswith(name + ",")


# --- privacy, checked against the district's full data --------------------------------------


@pytest.mark.parametrize("people", [4, 5, 6])
def test_no_summary_number_gives_one_small_groups_votes_by_subtraction(repo: Any, pack: Pack, people: int) -> None:
    """Small districts (groups of one to three): for every competency with counts, overall minus the
    groups shown is either nothing, or the votes of at least two groups of, together, at least the
    threshold's people, worked out from the district's full ratings and tallies; and every group
    shown carries exactly its real votes."""
    from navtool_desktop.core.demo import generate
    from navtool_desktop.core.records import LEVELS as LEVEL_IDS
    from navtool_desktop.core.records import ROLE_GROUPS
    from navtool_desktop.storage.demo import save_demo

    demo = generate(pack, years=1, participants=people, seed=people)
    store = save_demo(repo, demo, backup=False)
    summary = build_summary(store, pack, made_at=MADE)
    full = {dc.cycle.id: dc for dc in demo.cycles}
    checked = 0
    for cycle in summary["cycles"]:
        dc = full[cycle["id"]]
        role = {p.id: p.role_group for p in dc.participants}
        for comp in cycle["competencies"]:
            real: dict[str, list[int]] = {}
            heads: dict[str, int] = {}
            for group in ROLE_GROUPS:
                votes = [0] * (len(LEVEL_IDS) + 1)
                choices = [*LEVEL_IDS, "not_sure"]
                raters = {r.participant_id for r in dc.ratings
                          if r.competency_id == comp["id"] and role.get(r.participant_id) == group}
                for r in dc.ratings:
                    if r.competency_id == comp["id"] and role.get(r.participant_id) == group:
                        votes[choices.index(r.level)] += 1
                paper = 0
                for t in dc.tallies:
                    if t.competency_id == comp["id"] and t.role_group == group:
                        for level, n in t.counts.items():
                            votes[choices.index(level)] += n
                        paper += t.total
                real[group], heads[group] = votes, len(raters) + paper
            for group, view in comp["groups"].items():
                if isinstance(view, list):
                    assert view[:5] == real[group], (cycle["id"], comp["id"], group)
                else:
                    assert group in cycle["hidden_groups"] or heads[group] == 0
            if not isinstance(comp["votes"], list):
                continue
            shown = [g for g, v in comp["groups"].items() if isinstance(v, list)]
            residual = [comp["votes"][k] - sum(comp["groups"][g][k] for g in shown) for k in range(5)]
            behind = [g for g in ROLE_GROUPS if g not in shown and heads[g]]
            assert residual == [sum(real[g][k] for g in behind) for k in range(5)]
            if any(residual):
                checked += 1
                assert len(behind) >= 2 and sum(heads[g] for g in behind) >= cycle["threshold"], (
                    cycle["id"], comp["id"], {g: heads[g] for g in behind})
    assert checked, "some competency hides a small group behind another"


# --- a file that went through a mail program or an editor --------------------------------------


def test_a_summary_whose_line_ends_became_crlf_still_opens(pack: Pack, summary: dict[str, Any],
                                                            signer: Identity) -> None:
    """Windows line ends (or a byte-order mark) added to the two unsigned lines leave the signed
    part as it was: the summary opens. It was refused as "made by a newer version of the app"."""
    raw = seal(summary, signer)
    magic, header, body = raw.split(b"\n", 2)
    assert b"\n" not in body and b"\r" not in body
    for copy in (magic + b"\r\n" + header + b"\r\n" + body, b"\xef\xbb\xbf" + raw):
        assert open_sealed(copy, pack).summary == summary
    with pytest.raises(SummaryError, match="newer version"):
        open_sealed(b"NAVTOOL-SUMMARY 2\n" + header + b"\n" + body, pack)
    with pytest.raises(SummaryError, match="changed after it was signed"):
        open_sealed(raw + b"\r\n", pack)


def test_what_leaves_names_hidden_groups_as_people_read_them(summary: dict[str, Any]) -> None:
    """The export screen lists what leaves the laptop in words, not the app's ids, and says that the
    goals go as written."""
    from navtool_desktop.network.summary import what_leaves
    from navtool_desktop.vocabulary import role_name

    cycle = next(c for c in summary["cycles"] if c["hidden_groups"])
    text = "\n".join(what_leaves(summary))
    for group in cycle["hidden_groups"]:
        assert role_name(group, plural=True) in text
    assert "community_member" not in text and "as written" in text


def test_a_folder_that_cannot_be_read_is_said_plainly(tmp_path: Path, pack: Pack, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str], qtbot: Any) -> None:
    """A USB stick failing while the folder is listed (EIO): the command and the window say so."""
    import errno

    from navtool_desktop import cli
    from navtool_desktop.ui import messages
    from navtool_desktop.ui.network_window import NetworkWindow

    usb = tmp_path / "usb"
    usb.mkdir()

    def failing(self: Path) -> Any:
        raise OSError(errno.EIO, "Input/output error", str(self))

    window = NetworkWindow(tmp_path / "ws", pack)
    qtbot.addWidget(window)
    monkeypatch.setattr(Path, "iterdir", failing)
    assert cli.main(["network", "--workspace", str(tmp_path / "ws"), "import", str(usb)]) != 0
    said = capsys.readouterr()
    assert "Input/output error" in said.err and "Traceback" not in said.err + said.out
    shown: list[str] = []
    monkeypatch.setattr(messages, "_show", lambda _icon, _parent, _title, text, *_a: shown.append(text))
    window.import_folder(usb)
    assert len(shown) == 1 and "Input/output error" in shown[0]


def test_a_coach_clock_running_behind_is_named_as_a_possible_cause(tmp_path: Path, pack: Pack,
                                                                   summary: dict[str, Any], signer: Identity) -> None:
    """The coach's computer thinks it is a year ago: every real summary is "from the future". The
    refusal must not only send the coach to the district's laptop."""
    with Workspace(tmp_path / "net", pack, clock=coach_clock(-365)) as ws:
        outcome = ws.import_bytes(seal(summary, signer))
    assert outcome.status == "refused" and "this computer's date" in outcome.message


@pytest.mark.parametrize("trick", ["duplicate-signature-key", "huge-header", "trailing-data", "not-utf8",
                                   "bom-in-body", "five-certificates", "cert-not-pem", "empty-body"])
def test_header_and_body_tricks_are_refused(pack: Pack, summary: dict[str, Any], signer: Identity,
                                            stranger: Identity, trick: str) -> None:
    raw = seal(summary, signer)
    magic, header, body = raw.split(b"\n", 2)
    parts = json.loads(header)
    if trick == "duplicate-signature-key":  # the stranger's signature first, the real one last
        theirs = json.loads(seal(summary, stranger).split(b"\n", 2)[1])["signature"]
        header = (b'{"signature": "' + theirs.encode() + b'", "signature": "' + parts["signature"].encode()
                  + b'", "certificates": ' + json.dumps(json.loads(header)["certificates"]).encode() + b"}")
        # orjson keeps the last: the real signature over the real body still checks; nothing is mixed
        assert open_sealed(magic + b"\n" + header + b"\n" + body, pack).summary == summary
        header = header.replace(parts["signature"].encode(), b"A" + parts["signature"].encode()[1:])
    elif trick == "huge-header":
        parts["certificates"].append("x" * (70 * 1024))
        header = json.dumps(parts).encode()
    elif trick == "trailing-data":
        body += b"\n{}"
    elif trick == "not-utf8":
        body = body.replace(b"Pine", b"P\xff\xfene")
    elif trick == "bom-in-body":
        body = b"\xef\xbb\xbf" + body
    elif trick == "five-certificates":
        parts["certificates"] = parts["certificates"] * 3
        header = json.dumps(parts).encode()
    elif trick == "cert-not-pem":
        parts["certificates"][0] = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
        header = json.dumps(parts).encode()
    elif trick == "empty-body":
        body = b""
    with pytest.raises(SummaryError) as refused:
        open_sealed(magic + b"\n" + header + b"\n" + body, pack)
    assert "Traceback" not in str(refused.value)


def test_a_renamed_district_keeps_its_place_and_pin(tmp_path: Path, pack: Pack, summary: dict[str, Any],
                                                    signer: Identity, store: DistrictStore) -> None:
    renamed = _later(summary, 1)
    renamed["district"]["name"] = "Peña Valley Joint Unified"
    with Workspace(tmp_path / "net", pack, clock=coach_clock()) as ws:
        ws.import_bytes(seal(summary, signer))
        assert ws.import_bytes(seal(renamed, signer)).status == "updated"
        (row,) = ws.districts()
        assert (row.id, row.name) == (store.id, "Peña Valley Joint Unified")


def test_a_name_cannot_forge_lines_of_the_import_report(tmp_path: Path, pack: Pack, summary: dict[str, Any],
                                                        signer: Identity, district_root: RootAuthority) -> None:
    """A district's name, a cycle's or plan's title and the signer's name (from the certificate) are
    one line each: a line end in one would print a forged line in ``navtool network import``'s
    report ("added  real.navsummary (Another District)")."""
    forged = "Pine Ridge)\nadded      cedar-falls.navsummary  (Cedar Falls Unified"
    for where in ("name", "state", "cycle", "plan"):
        crafted = json.loads(json.dumps(summary))
        if where in ("name", "state"):
            crafted["district"][where] = forged
        elif where == "cycle":
            crafted["cycles"][0]["title"] = forged
        else:
            crafted["plan"]["title"] = forged
        with pytest.raises(SummaryError, match="malformed"):
            open_sealed(seal(crafted, signer), pack)
    import warnings

    for cn in (forged, f"Ana {BIDI}añeP", "A" * 5000):
        with warnings.catch_warnings():  # a name longer than X.509's 64 characters: crafted on purpose
            warnings.simplefilter("ignore", UserWarning)
            leaf, key = mint(district_root.certificate, district_root.private_key, cn)
            with pytest.raises(SummaryError):
                open_sealed(sealed_with(summary, key, [leaf, district_root.certificate]), pack)


def test_a_file_name_cannot_forge_lines_of_the_import_report(tmp_path: Path, pack: Pack,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """File names come from whoever filled the USB stick; one with a line end in it printed a
    forged "added" line."""
    from navtool_desktop import cli

    usb = tmp_path / "usb"
    usb.mkdir()
    (usb / "junk\nadded      cedar-falls.navsummary").write_bytes(b"not a summary")
    assert cli.main(["network", "--workspace", str(tmp_path / "ws"), "import", str(usb)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert not any(line.startswith("added") for line in lines), lines


def test_reordered_and_padded_chains(summary: dict[str, Any], pack: Pack, signer: Identity,
                                     district_root: RootAuthority, other_root: RootAuthority) -> None:
    """The certificates in another order, or with a stranger's self-signed root (even one named like
    the district's) added: the real root is found by signature, or the file is refused."""
    body_key = signer.private_key
    root = district_root.certificate
    twin_key = ec.generate_private_key(ec.SECP256R1())
    twin = (x509.CertificateBuilder().subject_name(root.subject).issuer_name(root.subject)
            .public_key(twin_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(MADE - dt.timedelta(days=1)).not_valid_after(MADE + dt.timedelta(days=99))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(twin_key, hashes.SHA256()))
    for chain in ([signer.certificate, twin, root], [signer.certificate, other_root.certificate, root],
                  [signer.certificate, root, twin]):
        sealed = open_sealed(sealed_with(summary, body_key, chain), pack)
        assert sealed.root_fingerprint == district_root.fingerprint
    for chain in ([root, signer.certificate], [signer.certificate, twin], [signer.certificate]):
        with pytest.raises(SummaryError):
            open_sealed(sealed_with(summary, body_key, chain), pack)


@pytest.mark.parametrize("where", ["competency id", "hidden groups", "condition id", "goal competency"])
def test_a_list_where_text_belongs_is_refused_and_the_rest_of_the_folder_imports(
        tmp_path: Path, pack: Pack, where: str) -> None:
    """Unhashable values (a list or an object) in place of an id reached set lookups and stopped
    the whole folder's import with a TypeError; anyone can sign such a file with a home-made root."""
    from network_fakes import cycle, quick_identity
    from network_fakes import summary as fake_summary

    from navtool_desktop.network.summary import seal as seal_summary

    ids = [c.id for c in pack.competencies]
    body = fake_summary(pack, "d-bad", "Bad District", [cycle(pack, "c1", "2026-04-10", {ids[0]: "developing"})],
                        goals=[ids[0]])
    c1 = body["cycles"][0]
    if where == "competency id":
        c1["competencies"][0]["id"] = []
    elif where == "hidden groups":
        c1["hidden_groups"] = [{}]
    elif where == "condition id":
        c1["conditions"][0]["id"] = {"a": 1}
    else:
        body["plan"]["goals"][0]["competency_id"] = []
    raw = seal_summary(body, quick_identity("Bad District"))
    with pytest.raises(SummaryError, match="malformed"):
        open_sealed(raw, pack)
    folder = tmp_path / "usb"
    folder.mkdir()
    (folder / "bad.navsummary").write_bytes(raw)
    (folder / "good.navsummary").write_bytes(seal_summary(
        fake_summary(pack, "d-good", "Good District", [cycle(pack, "c1", "2026-04-10", {ids[0]: "developing"})]),
        quick_identity("Good District")))
    with Workspace(tmp_path / "ws", pack) as ws:
        report = ws.import_folder(folder)
    assert sorted((o.file, o.status) for o in report.outcomes) == [("bad.navsummary", "refused"),
                                                                    ("good.navsummary", "added")]
