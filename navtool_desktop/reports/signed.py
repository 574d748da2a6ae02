"""Signing the plan as it is rendered: the signer's box on the approval page, then the signature."""

from __future__ import annotations

import dataclasses

from navtool_desktop.i18n import _
from navtool_desktop.reports.data import PlanInput, Signer
from navtool_desktop.signing import Identity, field_name, fingerprint, sign_pdf_bytes


def with_signer(data: PlanInput, identity: Identity) -> tuple[PlanInput, int]:
    """``data`` with the identity's name and fingerprint in its signer slot, and that slot (from 1).

    The slot is the one whose role (else name) matches the certificate's, else the first.
    """
    signers = list(data.signers)
    if not signers:
        signers = [Signer(role=identity.role or _("Signer"))]
    wanted_role, wanted_name = identity.role.strip().casefold(), identity.name.strip().casefold()
    index = next((n for n, s in enumerate(signers) if wanted_role and s.role.strip().casefold() == wanted_role),
                 next((n for n, s in enumerate(signers) if s.name.strip().casefold() == wanted_name), 0))
    signers[index] = Signer(role=signers[index].role, name=identity.name, fingerprint=identity.fingerprint)
    root = identity.root
    return dataclasses.replace(data, signers=tuple(signers),
                               root_fingerprint=fingerprint(root) if root is not None else ""), index + 1


def sign_rendered(pdf: bytes, identity: Identity, slot: int, district: str) -> bytes:
    """Sign the plan in signer field ``slot`` (counted from 1)."""
    return sign_pdf_bytes(pdf, identity, field=field_name(slot), reason=_("Approval of the strategic action plan"),
                          location=district, label="plan")
