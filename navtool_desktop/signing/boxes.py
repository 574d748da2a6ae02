"""The signature boxes a PDF declares, and which box a signer may sign.

The plan renderer declares one empty signature field per signer role before anyone signs.
Each box carries its role and the expected signer's name three ways, so any reader finds
them: in the field name (``signer-1-superintendent``), in the field's tooltip ``/TU``
(``Signature box: Superintendent (Ana Peña)``, what Acrobat shows on hover), and in two
entries of the field dictionary, ``/NavRole`` and ``/NavName`` (exact text, for software).

:func:`declared_boxes` reads them back from any PDF (the latest revision, or an earlier
one); :func:`choose_box` picks the box a certificate should sign, and :func:`disagreement`
says why a box's label does not fit a certificate (for signing and for verifying).
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from navtool_desktop.i18n import _
from navtool_desktop.signing.errors import SigningError

#: Prefix of every declared box's field name.
FIELD_PREFIX = "signer-"
#: The field-dictionary keys that hold the box's role and expected name (PDF text strings).
ROLE_KEY = "/NavRole"
NAME_KEY = "/NavName"


def _slug(text: str) -> str:
    """ASCII letters and digits of ``text`` joined by ``-`` (``Board chair`` -> ``board-chair``)."""
    base = unicodedata.normalize("NFKD", text)
    out, dash = [], False
    for ch in base:
        if unicodedata.combining(ch):
            continue
        if ch.isascii() and ch.isalnum():
            out.append(ch.lower())
            dash = False
        elif out and not dash:
            out.append("-")
            dash = True
    return "".join(out).strip("-")[:32].strip("-")


def box_field_name(index: int, role: str = "") -> str:
    """The field name of the ``index``-th box (from 1): ``signer-1-superintendent``, or
    ``signer-1`` for a role with no Latin letters (the role is then in ``/TU`` and ``/NavRole``)."""
    slug = _slug(role)
    return f"{FIELD_PREFIX}{index}-{slug}" if slug else f"{FIELD_PREFIX}{index}"


def box_tooltip(role: str, name: str = "") -> str:
    """The ``/TU`` of a box, shown by PDF readers when pointing at it."""
    if name.strip():
        return _("Signature box: {role} ({name})").format(role=role, name=name)
    return _("Signature box: {role}").format(role=role)


def _same(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).casefold().split())

    return norm(a) == norm(b)


@dataclass(frozen=True)
class DeclaredBox:
    """One signature box of a PDF: its field name, the role and expected name printed for it
    (empty when the PDF does not say), the page (from 1), its rectangle in points from the
    page's lower-left corner ``(x1, y1, x2, y2)``, and whether it is signed."""

    field: str
    role: str
    name: str
    page: int
    rect: tuple[float, float, float, float]
    signed: bool = False

    @property
    def label(self) -> str:
        """How messages name the box: ``Superintendent (Ana Peña)``, else the role, else the field."""
        if self.role and self.name:
            return f"{self.role} ({self.name})"
        return self.role or self.field

    def matches(self, wanted: str) -> bool:
        """Whether ``wanted`` (as typed after ``--box``) names this box: its role or field name."""
        return _same(wanted, self.role) or wanted.strip() == self.field or _same(wanted, self.name)


def disagreement(box: DeclaredBox, name: str, role: str) -> str:
    """Why a certificate for ``name`` and ``role`` does not fit ``box``'s label ("" if it does)."""
    problems = []
    if box.role and not _same(box.role, role):
        problems.append(_("the box is for the {box_role}, the certificate says {role}")
                        .format(box_role=box.role, role=role or _("no role")))
    if box.name.strip() and not _same(box.name, name):
        problems.append(_("the box names {box_name}, the certificate {name}").format(box_name=box.name, name=name))
    return "; ".join(problems)


def choose_box(boxes: Sequence[DeclaredBox], name: str, role: str, wanted: str | None = None, *,
               force: bool = False) -> DeclaredBox:
    """The box a certificate for ``name`` and ``role`` signs.

    ``wanted`` (a role, a name or a field name) picks it; else the empty box whose role is
    the certificate's. A box labelled for another role or person is refused
    (reason ``wrong_box``) unless ``force``.
    """
    empty = [b for b in boxes if not b.signed]
    listed = "; ".join(b.label + (_(" (signed)") if b.signed else "") for b in boxes)
    if not boxes:
        raise SigningError(_("This PDF has no signature boxes."), "no_field")
    if wanted is not None and wanted.strip():
        found = [b for b in boxes if b.matches(wanted)]
        if not found:
            raise SigningError(_("This PDF has no signature box for \u201c{wanted}\u201d. Its boxes: {boxes}.")
                               .format(wanted=wanted, boxes=listed), "no_field")
        free = [b for b in found if not b.signed]
        if not free:
            raise SigningError(_("The box for {label} is already signed.").format(label=found[0].label),
                               "field_signed")
        box = free[0]
    else:
        if not empty:
            raise SigningError(_("Every signature box of this PDF is signed already ({boxes}).")
                               .format(boxes=listed), "all_signed")
        mine = [b for b in empty if b.role and _same(b.role, role)]
        if not mine:
            mine = [b for b in empty if not b.role]  # boxes that name no role fit anyone
        if not mine:
            raise SigningError(_("No empty signature box is for the {role}. Choose the box to sign: {boxes}.")
                               .format(role=role or _("signer"), boxes=listed), "no_box_for_role")
        box = mine[0]
    problem = disagreement(box, name, role)
    if problem and not force:
        raise SigningError(_("The box for {label} is not yours to sign: {problem}. Sign it only if you "
                             "stand in for that person (the stamp still shows your own name).")
                           .format(label=box.label, problem=problem), "wrong_box")
    return box


# --- reading a PDF --------------------------------------------------------------------------------


def _text(value: object) -> str:
    from pyhanko.pdf_utils import generic

    if isinstance(value, generic.TextStringObject | generic.ByteStringObject | str):
        return str(value)
    return ""


def _role_from_tooltip(tooltip: str) -> tuple[str, str]:
    """Role and name from a tooltip written by :func:`box_tooltip` in English (best effort)."""
    head = "Signature box: "
    if not tooltip.startswith(head):
        return "", ""
    rest = tooltip[len(head):]
    if rest.endswith(")") and " (" in rest:
        role, name = rest[:-1].split(" (", 1)
        return role, name
    return rest, ""


def _get(container: object, key: str, default: object = None) -> object:
    """``container[key]`` resolved (pyHanko resolves on ``[]``, not on ``get``), else ``default``."""
    try:
        return container[key]  # type: ignore[index]
    except (KeyError, TypeError):
        return default


def _pages(node: object, depth: int = 0) -> list:  # type: ignore[type-arg]
    """The page dictionaries under a page-tree node, in order."""
    node = node.get_object() if hasattr(node, "get_object") else node
    if depth > 32:
        raise ValueError("the page tree is too deep")
    if "/Kids" in node:  # type: ignore[operator]
        return [p for kid in node["/Kids"] for p in _pages(kid, depth + 1)]  # type: ignore[index]
    return [node]


def declared_boxes(data: bytes, *, revision: int | None = None) -> list[DeclaredBox]:
    """Every visible signature field of the PDF ``data``, in document order.

    ``revision`` (counted from 0, as pyHanko does) reads the file as it was then; the default
    is the file as it is now. Invisible fields (no page, or a zero-size rectangle) are left out.
    Raises :class:`SigningError` (``not_pdf``) for a file that is no readable PDF.
    """
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise SigningError(_("This file is not a PDF file."), "not_pdf")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        handler = reader if revision is None else reader.get_historical_resolver(revision)
        pages = _pages(handler.root["/Pages"])
        annot_page: dict[tuple[int, int], int] = {}
        for index, page in enumerate(pages):
            for annot in _get(page, "/Annots") or ():
                if isinstance(annot, generic.IndirectObject):
                    annot_page[(annot.idnum, annot.generation)] = index + 1
        found = []
        for name, value, ref in enumerate_sig_fields(handler):
            field = ref.get_object()
            widgets = [field] if "/Rect" in field else [k.get_object() for k in _get(field, "/Kids", ())]
            widget_refs = [ref] if "/Rect" in field else list(_get(field, "/Kids", ()))
            for widget, wref in zip(widgets, widget_refs, strict=False):
                rect = tuple(float(v) for v in _get(widget, "/Rect", ()))
                if len(rect) != 4:
                    continue
                x1, y1, x2, y2 = min(rect[0], rect[2]), min(rect[1], rect[3]), max(rect[0], rect[2]), \
                    max(rect[1], rect[3])
                if x2 - x1 <= 0 or y2 - y1 <= 0:
                    continue
                page = annot_page.get((wref.idnum, wref.generation), 0)
                role, expected = _text(_get(field, ROLE_KEY)), _text(_get(field, NAME_KEY))
                if not role:
                    role, expected = _role_from_tooltip(_text(_get(field, "/TU")))
                found.append(DeclaredBox(str(name), role, expected, page, (x1, y1, x2, y2), value is not None))
                break
        return found
    except (PdfError, ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        raise SigningError(_("This PDF is damaged: {error}").format(error=exc), "not_pdf") from None
