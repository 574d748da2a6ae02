"""Signed district summaries made up for tests and screenshots, with levels chosen by the caller.

Each district gets its own root (P-256, quick to make); a summary holds the cycles given, every
competency's level as given (missing ones have no level), and a plan whose goals are on the
competencies given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from navtool_desktop.framework import Pack
from navtool_desktop.network.demo import quick_identity as quick_identity  # the tests' name for it
from navtool_desktop.network.summary import FORMAT, VERSION, seal

#: When the summaries of the network tests are made: a minute after the tests start (their
#: certificates are made as the tests start).
MADE = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(minutes=1)

GROUPS = ("educator", "leader", "community_member", "learner")


def cycle(pack: Pack, cycle_id: str, date: str, levels: Mapping[str, str | None]) -> dict[str, Any]:
    comps = []
    for comp in pack.competencies:
        level = levels.get(comp.id)
        votes: list[int] | str = [2, 2, 1, 1, 0, 0, 6] if level else "suppressed"
        comps.append({"id": comp.id, "level": level, "source": "consensus" if level else "none",
                      "consensus": level, "change": "new", "votes": votes,
                      "groups": {g: "suppressed" for g in GROUPS}})
    conds = [{"id": c.id, "level": None, "priority": c.priority, "change": "new"} for c in pack.conditions]
    return {"id": cycle_id, "title": f"Cycle {date}", "date": date, "previous_cycle": None, "threshold": 3,
            "counts_shown": True, "hidden_groups": [], "competencies": comps, "conditions": conds}


def summary(pack: Pack, district_id: str, name: str, cycles: Sequence[dict[str, Any]],
            goals: Sequence[str] = (), *, state: str = "NH", made_at: dt.datetime | None = None) -> dict[str, Any]:
    made = (made_at or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    plan = None
    if goals:
        plan = {"id": f"p-{district_id}", "title": "Strategic plan", "period_start": "2025-07-01",
                "period_end": "2028-06-30", "approved_at": "2025-06-01", "goals": [
                    {"id": f"g-{district_id}-{n}", "competency_id": comp, "current_level": "developing",
                     "target_level": "operationalizing", "target_date": "2027-06-30", "term": "long",
                     "statement": "Raise the level",
                     "actions": {"not_started": 1, "in_progress": 1, "done": 0, "blocked": 0}}
                    for n, comp in enumerate(goals)]}
    return {"format": FORMAT, "version": VERSION, "made_at": made,
            "district": {"id": district_id, "name": name, "state": state},
            "framework": {"id": pack.id, "version": pack.version}, "cycles": list(cycles), "plan": plan}


def sealed(pack: Pack, district_id: str, name: str, levels: Mapping[str, str | None], goals: Sequence[str] = (),
           *, date: str = "2026-04-10", state: str = "NH") -> bytes:
    """One district's signed summary with one cycle at ``levels``."""
    return seal(summary(pack, district_id, name, [cycle(pack, "c1", date, levels)], goals, state=state),
                quick_identity(name))


def sealed_as(magic: bytes, body: Mapping[str, Any], key: Any, chain: Sequence[Any]) -> bytes:
    """A sealed file (summary or agenda, by ``magic``) signed with ``key`` and carrying ``chain``
    as is, however crafted (``seal`` refuses identities that do not lead to a root)."""
    import base64
    import json

    from cryptography.hazmat.primitives.serialization import Encoding

    from navtool_desktop.signing.identity import sign_bytes

    data = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    header = {"signature": base64.b64encode(sign_bytes(key, data)).decode(),
              "certificates": [c.public_bytes(Encoding.PEM).decode("ascii") for c in chain]}
    return magic + json.dumps(header).encode() + b"\n" + data


def mint(issuer_cert: Any, issuer_key: Any, name: str, *, key: Any = None, ca: bool = False,
         start: dt.datetime | None = None, days: int = 3650) -> tuple[Any, Any]:
    """A certificate ``issuer_key`` signs for ``name`` (whatever the issuer's own constraints say)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = key or ec.generate_private_key(ec.SECP256R1())
    start = start or (MADE - dt.timedelta(days=1))
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name, _validate=False)]))
            .issuer_name(issuer_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=ca,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(issuer_key, hashes.SHA256()))
    return cert, key


def support_workspace(folder: Path, pack: Pack, note: str) -> Path:
    """A network workspace in ``folder`` with one district (Peña Valley Unified, NM; levels that
    put it in the Assistance tier), the network's name and two support rows, the first with
    ``note``: what the support-plan tests render."""
    from navtool_desktop.network.content import load_network_content
    from navtool_desktop.network.peer import Agenda
    from navtool_desktop.network.support import SupportPlans, SupportRow
    from navtool_desktop.network.workspace import Workspace

    ids = [c.id for c in pack.competencies]
    levels = {c: ("developing" if n < 18 else "establishing" if n < 24 else None) for n, c in enumerate(ids)}
    content = load_network_content(pack, language="en")
    with Workspace(folder, pack) as ws:
        ws.import_bytes(sealed(pack, "d-pena", "Peña Valley Unified", levels, goals=[ids[0]], state="NM"))
        Agenda(ws, content).set_network("High Desert Network")
        plans = SupportPlans(ws, content)
        plans.save(SupportRow("", "d-pena", "technical-assistance",
                              "comprehensive-assessment-system.assessment-practices", "State PACE team",
                              "2027-01-15", "in_progress", note))
        plans.save(SupportRow("", "d-pena", "micro-credentials",
                              "professional-development-and-learning.personalized-opportunities", "José Ñúñez"))
    return folder
