"""Signing the plan as it is rendered: the signer's box on the approval page, then the signature."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from navtool_desktop.i18n import _
from navtool_desktop.reports.data import PlanInput, Signer
from navtool_desktop.signing import (
    DeclaredBox,
    Identity,
    box_field_name,
    choose_box,
    declared_boxes,
    fingerprint,
    sign_pdf_bytes,
)


def plan_boxes(data: PlanInput) -> list[DeclaredBox]:
    """The boxes the plan will declare (no page or place yet), to choose one before rendering."""
    from navtool_desktop.reports.plan import signers_of

    return [DeclaredBox(box_field_name(n, s.role), s.role, s.name, 0, (0.0, 0.0, 0.0, 0.0))
            for n, s in enumerate(signers_of(data), start=1)]


def with_signer(data: PlanInput, identity: Identity, box: str | None = None, *,
                force: bool = False) -> tuple[PlanInput, int]:
    """``data`` with the identity's name and fingerprint in its box, and that box (from 1).

    The box is the one ``box`` names (a role, a name or a field), else the one whose role is
    the certificate's. A box labelled for another role or person raises
    :class:`SigningError` (``wrong_box``) unless ``force``. The name printed beside the box
    is the certificate's, never the team list's.
    """
    from navtool_desktop.reports.plan import signers_of

    chosen = choose_box(plan_boxes(data), identity.name, identity.role, box, force=force)
    signers = signers_of(data)
    index = next(n for n, b in enumerate(plan_boxes(data)) if b.field == chosen.field)
    signers[index] = Signer(role=signers[index].role, name=identity.name, fingerprint=identity.fingerprint)
    root = identity.root
    return dataclasses.replace(data, signers=tuple(signers),
                               root_fingerprint=fingerprint(root) if root is not None else data.root_fingerprint), \
        index + 1


def sign_rendered(pdf: bytes, identity: Identity, slot: int, district: str) -> bytes:
    """Sign the plan in its ``slot``-th box (counted from 1), chosen by :func:`with_signer`."""
    field = declared_boxes(pdf)[slot - 1].field
    return sign_pdf_bytes(pdf, identity, field=field, reason=_("Approval of the strategic action plan"),
                          location=district, label="plan", force=True)


def with_district_root(data: PlanInput, folder: Path | None = None) -> PlanInput:
    """``data`` with the district root's fingerprint from the signing folder (the app's by
    default), so every export prints it; unchanged when the folder has no root."""
    from navtool_desktop.paths import signing_dir
    from navtool_desktop.signing.folder import SigningFolder

    root = SigningFolder(folder or signing_dir()).district_root(data.district.name)
    return dataclasses.replace(data, root_fingerprint=fingerprint(root)) if root is not None else data
