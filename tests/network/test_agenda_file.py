"""The network's agenda as a signed .navagenda file: made, checked strictly, kept by a district."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from network_fakes import quick_identity

from navtool_desktop.framework import Pack
from navtool_desktop.network.agenda_file import (
    DISTRICT_FILE,
    MAGIC,
    AgendaError,
    build_agenda,
    keep_agenda,
    kept_agenda,
    open_agenda,
    seal,
    what_leaves,
)
from navtool_desktop.network.content import NetworkContent, load_network_content
from navtool_desktop.network.peer import Agenda, Meeting
from navtool_desktop.network.workspace import Workspace
from navtool_desktop.signing import Identity

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


@pytest.fixture(scope="module")
def content(pack: Pack) -> NetworkContent:
    return load_network_content(pack)


@pytest.fixture(scope="module")
def network_id() -> Identity:
    return quick_identity("North Country Network")


@pytest.fixture
def agenda_data(tmp_path: Path, pack: Pack, content: NetworkContent) -> dict[str, Any]:
    with Workspace(tmp_path / "net", pack) as ws:
        agenda = Agenda(ws, content)
        agenda.set_network("North Country Network")
        agenda.set_title("Learning agenda 2026-27")
        agenda.choose("plc2-q4", "Middle schools pilot learning progressions.")
        agenda.choose("plc3-q1")
        agenda.save_meeting(Meeting("", "2026-10-02", "Shared pilots.", "Each district brings one task."))
        return build_agenda(agenda, made_at=NOW)


def test_an_agenda_round_trips_and_says_what_it_holds(pack: Pack, content: NetworkContent, network_id: Identity,
                                                       agenda_data: dict[str, Any]) -> None:
    raw = seal(agenda_data, network_id)
    got = open_agenda(raw, pack, content)
    assert got.agenda == agenda_data
    assert got.root_organization == "North Country Network"
    assert [q["id"] for q in got.agenda["questions"]] == ["plc2-q4", "plc3-q1"]
    assert got.shared_with(["agency.goal-setting", "culture.relationships"]) == ["agency.goal-setting"]
    lines = what_leaves(agenda_data)
    assert "2 anchor questions" in lines[1] and "1 meetings" in lines[2] and "Nothing about any district" in lines[3]


def test_a_district_keeps_the_agenda_pins_the_network_and_refuses_another_root(
        tmp_path: Path, pack: Pack, content: NetworkContent, network_id: Identity,
        agenda_data: dict[str, Any]) -> None:
    folder = tmp_path / "district"
    folder.mkdir()
    assert kept_agenda(folder, pack, content) is None
    first = seal(agenda_data, network_id)
    assert keep_agenda(folder, first, pack, content)[0] == "added"
    assert (folder / DISTRICT_FILE).read_bytes() == first
    assert keep_agenda(folder, first, pack, content)[0] == "unchanged"
    later = dict(agenda_data, made_at=(NOW + dt.timedelta(hours=1)).isoformat().replace("+00:00", "Z"),
                 title="Revised agenda")
    assert keep_agenda(folder, seal(later, network_id), pack, content)[0] == "updated"
    # an older one arriving late changes nothing
    assert keep_agenda(folder, first, pack, content)[0] == "unchanged"
    assert kept_agenda(folder, pack, content).agenda["title"] == "Revised agenda"  # type: ignore[union-attr]
    # another root: refused, and the kept file is untouched
    impostor = seal(dict(later, made_at=(NOW + dt.timedelta(hours=2)).isoformat().replace("+00:00", "Z")),
                    quick_identity("North Country Network"))
    before = (folder / DISTRICT_FILE).read_bytes()
    with pytest.raises(AgendaError, match="another network root") as refused:
        keep_agenda(folder, impostor, pack, content)
    assert refused.value.reason == "root"
    assert (folder / DISTRICT_FILE).read_bytes() == before
    # after a phone check, the district replaces the pin on purpose
    assert keep_agenda(folder, impostor, pack, content, replace_root=True)[0] == "updated"
    # read-only data keeps nothing
    with pytest.raises(AgendaError, match="read-only"):
        keep_agenda(folder, seal(dict(later, made_at=(NOW + dt.timedelta(hours=3)).isoformat().replace(
            "+00:00", "Z")), quick_identity("x")), pack, content, replace_root=True, read_only=True)


def _resign(body: dict[str, Any], who: Identity) -> bytes:
    return seal(body, who)


@pytest.mark.parametrize(("mutate", "said"), [
    (lambda a: a.update(extra=1), "malformed at agenda"),
    (lambda a: a.update(format="navtool-district-summary"), "malformed at format"),
    (lambda a: a["questions"][0].update(id="plc9-q9"), r"questions\[0\].id"),
    (lambda a: a["questions"].append(dict(a["questions"][0])), r"questions\[2\].id"),
    (lambda a: a["questions"][0].update(competencies=["culture.nothing"]), "competencies"),
    (lambda a: a["questions"][0].update(context="x\x00y"), "context"),
    (lambda a: a["meetings"][0].update(date="2026-13-01"), "date"),
    (lambda a: a["meetings"][0].pop("notes"), r"meetings\[0\]"),
    (lambda a: a.update(made_at="2026-10-01T00:00:00"), "made_at"),
    (lambda a: a["framework"].update(id="another-pack"), "uses the framework"),
])
def test_a_wrongly_shaped_agenda_is_refused_even_when_signed(pack: Pack, content: NetworkContent,
                                                             network_id: Identity, agenda_data: dict[str, Any],
                                                             mutate: Any, said: str) -> None:
    body = json.loads(json.dumps(agenda_data))
    mutate(body)
    with pytest.raises(AgendaError, match=said):
        open_agenda(seal(body, network_id), pack, content)


def test_a_changed_or_foreign_file_is_refused(pack: Pack, content: NetworkContent, network_id: Identity,
                                             agenda_data: dict[str, Any]) -> None:
    raw = seal(agenda_data, network_id)
    with pytest.raises(AgendaError, match="changed after it was signed"):
        open_agenda(raw.replace(b"Shared pilots.", b"Shared pilots!"), pack, content)
    with pytest.raises(AgendaError, match="not a network agenda"):
        open_agenda(b"NAVTOOL-SUMMARY 1\n{}\n{}", pack, content)
    with pytest.raises(AgendaError, match="newer version"):
        open_agenda(b"NAVTOOL-AGENDA 2\n", pack, content)
    with pytest.raises(AgendaError, match="damaged"):
        open_agenda(MAGIC + b'{"signature": 1}\n{}', pack, content)
    with pytest.raises(AgendaError, match="too large"):
        open_agenda(MAGIC + b" " * (3 * 1024 * 1024), pack, content)
    # signed before the certificate was valid (by the signer's clock)
    early = dict(agenda_data, made_at="2001-01-01T00:00:00Z")
    with pytest.raises(AgendaError, match="was not valid on 2001-01-01"):
        open_agenda(seal(early, network_id), pack, content)


def test_a_damaged_kept_copy_is_reported_and_a_good_one_replaces_it(tmp_path: Path, pack: Pack,
                                                                     content: NetworkContent, network_id: Identity,
                                                                     agenda_data: dict[str, Any]) -> None:
    folder = tmp_path / "district"
    folder.mkdir()
    (folder / DISTRICT_FILE).write_bytes(b"NAVTOOL-AGENDA 1\ngarbage")
    with pytest.raises(AgendaError):
        kept_agenda(folder, pack, content)
    assert keep_agenda(folder, seal(agenda_data, network_id), pack, content)[0] == "added"
    assert kept_agenda(folder, pack, content) is not None


def test_an_agenda_dated_after_today_is_refused(tmp_path: Path, pack: Pack, content: NetworkContent,
                                                network_id: Identity, agenda_data: dict[str, Any]) -> None:
    """A coach's clock running a year fast must not make that copy "newest" for good."""
    folder = tmp_path / "district"
    folder.mkdir()
    raw = seal(agenda_data, network_id)
    with pytest.raises(AgendaError, match="after today"):
        keep_agenda(folder, raw, pack, content, now=NOW - dt.timedelta(days=2))
    assert not (folder / DISTRICT_FILE).exists()
    # a few hours ahead (time zones) is fine
    assert keep_agenda(folder, raw, pack, content, now=NOW - dt.timedelta(hours=20))[0] == "added"


def test_a_signer_cannot_issue_an_agenda_certificate_of_its_own(agenda_data: dict[str, Any], pack: Pack,
                                                                content: NetworkContent, signer: Identity,
                                                                district_root: Any) -> None:
    """The agenda reader checks the certificate path as the summary reader does (one home,
    signing/sealed.py): a certificate a signer's key minted does not lead to the root. The
    agenda reader used to follow issuer signatures only, and accepted it."""
    from network_fakes import mint, sealed_as

    from navtool_desktop.network.agenda_file import MAGIC

    minted, key = mint(signer.certificate, signer.private_key, "Ana Peña", days=36500)
    forged = sealed_as(MAGIC, agenda_data, key, [minted, signer.certificate, district_root.certificate])
    with pytest.raises(AgendaError, match="does not lead to a root"):
        open_agenda(forged, pack, content)
    honest = sealed_as(MAGIC, agenda_data, signer.private_key, [signer.certificate, district_root.certificate])
    assert open_agenda(honest, pack, content).signer == signer.name


def test_a_list_where_a_question_id_belongs_is_refused(pack: Pack, content: NetworkContent, network_id: Identity,
                                                       agenda_data: dict[str, Any]) -> None:
    """An unhashable id reached a set lookup and ended in a TypeError the agenda screen did not catch."""
    agenda_data["questions"][0]["id"] = []
    with pytest.raises(AgendaError, match="malformed"):
        open_agenda(seal(agenda_data, network_id), pack, content)


def test_bidirectional_controls_never_reach_a_district(tmp_path: Path, pack: Pack, content: NetworkContent,
                                                       agenda_data: dict[str, Any]) -> None:
    """A right-to-left override in a name turns the fingerprint shown after it around. The summary
    reader refused them; the agenda reader let them through, in the agenda's texts and in the
    signer's certificate name. Typed ones are dropped where the coach types them."""
    rlo = "\u202e"
    agenda_data["network"] = f"North {rlo}Country"
    with pytest.raises(AgendaError, match="malformed"):
        open_agenda(seal(agenda_data, quick_identity("North Country Network")), pack, content)
    agenda_data["network"] = "North Country Network"
    with pytest.raises(AgendaError, match="malformed"):
        open_agenda(seal(agenda_data, quick_identity(f"Coach {rlo}4321")), pack, content)
    with Workspace(tmp_path / "typed", pack) as ws:
        agenda = Agenda(ws, content)
        agenda.set_network(f"North {rlo}Country")
        assert agenda.network == "North Country"
