"""What changed in a signed PDF after its first signature, told in plain words.

The rule a reader can rely on: once the first signature is made, a later revision may only
fill the signature boxes that were already there, empty, in the revision that signature
signed (the *declared boxes*: same field names, same page, same rectangles). Anything else
(a new field, widget or annotation, a moved or resized box, a picture in an empty box
without a signature, changed page content or resources, changed document information, a
changed catalog) is a change after signing.

Two independent checks, so that one's blind spot is covered by the other:

* :func:`structural_changes` compares the objects of each revision with the one before it
  (pyHanko's reader gives each revision's view of the file);
* :func:`rendered_changes` draws every page as it looked when each signature was made (the
  file cut at the end of the signature's byte range) and as it looks now (pdfium, 50 dpi),
  and compares the pixels outside the declared boxes.

No Qt here.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from navtool_desktop.i18n import _

#: Kinds of :class:`Change` (stable codes for tests, JSON and the UI).
NEW_FIELD = "new_field"  # a form or signature field that was not declared
NEW_ANNOTATION = "new_annotation"  # a comment, stamp, link, widget ... added to a page
REMOVED = "removed"  # pages, fields or annotations taken away
BOX_CHANGED = "box_changed"  # a declared box moved, resized, drawn on without a signature, or re-signed
ANNOTATION_CHANGED = "annotation_changed"
PAGES = "pages"  # pages added, removed or reordered
PAGE_CONTENT = "page_content"
PAGE_RESOURCES = "page_resources"
PAGE_OTHER = "page_other"  # page size, rotation ...
FORM = "form"  # the form dictionary or a field's value
CATALOG = "catalog"  # document-level actions, names, outlines, layers, structure ...
INFO = "info"  # the document information (title, author ...) or the XMP metadata
RENDERED = "rendered"  # a page looks different outside the declared boxes
UNREADABLE = "unreadable"  # a revision could not be compared at all
APPENDED = "appended"  # bytes after the last revision, in no revision (so never compared)
AMBIGUOUS = "ambiguous"  # an object readers disagree about (a dictionary key given twice)
BOX_OVER_CONTENT = "box_over_content"  # a box filled after the first signature lies over page content
SIGNATURE_REUSED = "signature_reused"  # two boxes hold the same signature (one copied into the other)

#: /Info entries every signing program rewrites: not a change of the document.
_INFO_SIGNING_KEYS = frozenset({"/ModDate", "/Producer"})
#: Catalog entries compared on their own below, each by its own rule (the form, the page tree,
#: the XMP by what it says, and what pyHanko's signing writes: /DSS, /Extensions, /Version).
_CATALOG_SIGNING_KEYS = frozenset({"/AcroForm", "/Pages", "/Metadata", "/DSS", "/Extensions", "/Version"})
#: PDF versions a signing program may raise /Version to (pyHanko: 2.0 for SHA-3 and the like).
_PDF_VERSIONS = ("/1.0", "/1.1", "/1.2", "/1.3", "/1.4", "/1.5", "/1.6", "/1.7", "/2.0")
#: What pyHanko's validation data (a /DSS) holds: nothing else may appear in one.
_DSS_KEYS = frozenset({"/Type", "/Certs", "/OCSPs", "/CRLs", "/VRI"})
_VRI_KEYS = frozenset({"/Type", "/Cert", "/OCSP", "/CRL", "/TU", "/TS"})
#: What filling a declared box may change on its field and widget: the value, the stamp's
#: appearance and what other signing programs (Acrobat) write beside it. Never /Rect, the
#: page, the name, the flags or actions (/A, /AA).
_FILL_KEYS = frozenset({"/V", "/AP", "/AS", "/Lock", "/MK", "/DA", "/M", "/NM"})
#: Form settings compared by their own rules: the fields (field by field) and the signature flags
#: (pyHanko sets 1 or 3, never clears a flag). The default resources and appearance (/DR,
#: /DA) are not written by signing, and a viewer that draws a field again uses them.
_FORM_SIGNING_KEYS = frozenset({"/Fields", "/SigFlags"})
#: XMP entries pyHanko's signing rewrites (its date, producer and toolkit name), with their
#: namespaces, and the only values they may take (no other words can hide in them).
_XMP_DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)?")
_PYHANKO = re.compile(r"pyHanko \d[\w.+-]*")
_XMP_SIGNING_NAMES = {"{http://ns.adobe.com/xap/1.0/}ModifyDate": _XMP_DATE,
                      "{http://ns.adobe.com/xap/1.0/}MetadataDate": _XMP_DATE,
                      "{http://ns.adobe.com/pdf/1.3/}Producer": _PYHANKO,
                      "{http://ns.adobe.com/xap/1.0/mm/}InstanceID": re.compile(r"uuid:[0-9a-fA-F-]+"),
                      "{adobe:ns:meta/}xmptk": _PYHANKO}
#: The PDF date pyHanko writes as /ModDate.
_PDF_DATE = re.compile(r"D:\d{4}(\d\d){0,5}(Z|[+-]\d\d'?(\d\d'?)?)?")

#: Rendering resolution for the page comparison, and the margin (pixels) left around each box.
RENDER_DPI = 50
BOX_MARGIN_PX = 2
#: At most this many page drawings (pages x moments compared) per check: a file of 100000
#: repeated pages would otherwise take hours. A 300-page plan with four signers stays under it.
MAX_PAGES_DRAWN = 2000
#: Pixels left out inside a box's edge when checking it is blank (the frame drawn round it).
BOX_INSET_PX = 3
MAX_RENDER_PX = 2400
#: A plan gets one revision per signer (and maybe validation data); a file with more revisions
#: after its first signature than this is not compared revision by revision (each comparison
#: costs a scan of every revision in pyHanko's reader: thousands took minutes).
MAX_REVISIONS_COMPARED = 200


@dataclass(frozen=True)
class BoxAtSigning:
    """An empty signature field present before the first signature: where later signers sign.

    Read from the revision the first signature signed, with only what the change checks need
    (signing reads a box's role and name with :func:`navtool_desktop.signing.boxes.declared_boxes`).
    """

    name: str
    page: int  # counted from 0
    rect: tuple[float, float, float, float]  # x1 < x2, y1 < y2, in points


@dataclass(frozen=True)
class Change:
    """One change after signing, in words, with the revision that made it (counted from 0)."""

    kind: str
    text: str
    revision: int
    page: int | None = None  # counted from 1, for people

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "revision": self.revision, "page": self.page}


# --- reading one revision ------------------------------------------------------------------

_generic: Any = None


def _g() -> Any:
    global _generic
    if _generic is None:
        from pyhanko.pdf_utils import generic

        _generic = generic
    return _generic


def _ref_key(obj: Any) -> tuple[int, int] | None:
    g = _g()
    if isinstance(obj, g.IndirectObject):
        return (obj.idnum, obj.generation)
    return None


def _deref(obj: Any) -> Any:
    g = _g()
    seen = 0
    while isinstance(obj, g.IndirectObject) and seen < 32:
        obj = obj.get_object()
        seen += 1
    return obj


def _get(d: Any, key: str) -> Any:
    """``d[key]`` unresolved, or None."""
    g = _g()
    if not isinstance(d, g.DictionaryObject) or key not in d:
        return None
    return d.raw_get(key)


def _rect(value: Any) -> tuple[float, float, float, float] | None:
    value = _deref(value)
    try:
        x1, y1, x2, y2 = (float(_deref(v)) for v in value)
    except (TypeError, ValueError):
        return None
    return (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))


def _text(value: Any) -> str:
    value = _deref(value)
    return str(value) if value is not None else ""


@dataclass
class _Revision:
    """The parts of one revision the rule looks at."""

    resolver: Any
    pages: list[Any]  # page references (IndirectObject), in order
    page_keys: list[tuple[int, int] | None]
    annots: list[list[tuple[Any, Any]]]  # per page: (key, raw annotation)
    fields: dict[Any, tuple[str, Any]]  # key -> (full name, raw field) for every field node

    @property
    def anchors(self) -> set[tuple[int, int]]:
        keys = {k for k in self.page_keys if k is not None}
        keys |= {k for page in self.annots for k, _a in page if isinstance(k, tuple) and len(k) == 2
                 and isinstance(k[0], int)}
        keys |= {k for k in self.fields if isinstance(k, tuple) and isinstance(k[0], int)}
        return keys


def _walk_pages(node: Any, depth: int = 0) -> Iterator[Any]:
    g = _g()
    obj = _deref(node)
    if depth > 64:  # never skip pages silently: a change to them would go unseen
        raise ValueError(_("the page tree is more than 64 levels deep"))
    if not isinstance(obj, g.DictionaryObject):
        return
    kids = _deref(_get(obj, "/Kids"))
    if _text(_get(obj, "/Type")) == "/Pages" or kids is not None:
        for kid in kids or ():
            yield from _walk_pages(kid, depth + 1)
    else:
        yield node


def _walk_fields(items: Any, prefix: str, out: dict[Any, tuple[str, Any]], depth: int = 0) -> None:
    g = _g()
    for n, item in enumerate(_deref(items) or ()):
        obj = _deref(item)
        if depth > 32 or not isinstance(obj, g.DictionaryObject):
            continue
        part = _text(_get(obj, "/T"))
        name = f"{prefix}.{part}" if prefix and part else (part or prefix)
        key = _ref_key(item) or ("direct", prefix, n)
        if key in out:
            continue
        out[key] = (name, item)
        kids = _get(obj, "/Kids")
        if kids is not None:
            _walk_fields(kids, name, out, depth + 1)


def _trailer(resolver: Any, key: str) -> Any:
    """A trailer entry of a revision, bound to that revision (the trailer's own references
    resolve in the newest revision otherwise)."""
    trailer = resolver.trailer_view
    if key not in trailer:
        return None
    raw = trailer.raw_get(key)
    if isinstance(raw, _g().IndirectObject):
        return _g().IndirectObject(raw.idnum, raw.generation, resolver)
    return raw


def _read_revision(reader: Any, revision: int) -> _Revision:
    resolver = reader.get_historical_resolver(revision)
    root = _deref(_trailer(resolver, "/Root"))
    pages = list(_walk_pages(_get(root, "/Pages")))
    annots = []
    for page in pages:
        raw = _deref(_get(_deref(page), "/Annots")) or []
        annots.append([(_ref_key(a) or ("direct", i), a) for i, a in enumerate(raw)])
    fields: dict[Any, tuple[str, Any]] = {}
    acroform = _deref(_get(root, "/AcroForm"))
    _walk_fields(_get(acroform, "/Fields"), "", fields)
    return _Revision(resolver, pages, [_ref_key(p) for p in pages], annots, fields)


def _is_signature(obj: Any) -> bool:
    """Whether a field or widget is a signature field (its own /FT or a parent's)."""
    depth = 0
    obj = _deref(obj)
    while obj is not None and depth < 32:
        ft = _get(obj, "/FT")
        if ft is not None:
            return _text(ft) == "/Sig"
        obj = _deref(_get(obj, "/Parent"))
        depth += 1
    return False


def _field_name(obj: Any) -> str:
    parts = []
    obj = _deref(obj)
    depth = 0
    while obj is not None and depth < 32:
        t = _get(obj, "/T")
        if t is not None:
            parts.append(_text(t))
        obj = _deref(_get(obj, "/Parent"))
        depth += 1
    return ".".join(reversed(parts))


def declared_boxes_at(reader: Any, revision: int) -> list[BoxAtSigning]:
    """The empty signature fields of ``revision`` (name, page, rectangle), in page order."""
    rev = _read_revision(reader, revision)
    return [box for box, _key in _declared(rev)]


def _declared(rev: _Revision) -> list[tuple[BoxAtSigning, Any]]:
    found = []
    for page_no, page_annots in enumerate(rev.annots):
        for key, raw in page_annots:
            widget = _deref(raw)
            if _text(_get(widget, "/Subtype")) != "/Widget" or not _is_signature(widget):
                continue
            if _field_value(widget) is not None:
                continue
            rect = _rect(_get(widget, "/Rect"))
            if rect is None:
                continue
            found.append((BoxAtSigning(_field_name(widget), page_no, rect), key))
    return found


def _field_value(widget: Any) -> Any:
    """A widget's field value (/V on it or its parent field), or None."""
    obj = _deref(widget)
    depth = 0
    while obj is not None and depth < 32:
        v = _get(obj, "/V")
        if v is not None:
            return v
        obj = _deref(_get(obj, "/Parent"))
        depth += 1
    return None


# --- comparing two revisions ---------------------------------------------------------------


def _same(a: Any, b: Any, anchors: set[tuple[int, int]], seen: set[tuple[Any, Any]],
          skip: frozenset[str] = frozenset()) -> bool:
    """Deep equality of two PDF values, each resolved in its own revision (no recursion, so
    long outline chains or deep structure trees cannot exhaust the stack).

    References to pages, annotations and fields (``anchors``) are compared by identity only:
    those objects are compared on their own, with their own rules.
    """
    g = _g()
    strings = (g.TextStringObject, g.ByteStringObject)
    numbers = (g.NumberObject, g.FloatObject)
    # the pair asked about is compared by content even when it is a page, annotation or field
    stack: list[tuple[Any, Any, frozenset[str]]] = [(_deref(a), _deref(b), skip)]
    while stack:
        a, b, ignore = stack.pop()
        ka, kb = _ref_key(a), _ref_key(b)
        if ka is not None and kb is not None:
            if ka in anchors or kb in anchors:
                if ka != kb:
                    return False
                continue
            if (ka, kb) in seen:
                continue
            seen.add((ka, kb))
        a, b = _deref(a), _deref(b)
        if isinstance(a, g.StreamObject) or isinstance(b, g.StreamObject):
            if not (isinstance(a, g.StreamObject) and isinstance(b, g.StreamObject)):
                return False
            if a.encoded_data != b.encoded_data:
                return False
        if isinstance(a, g.DictionaryObject) or isinstance(b, g.DictionaryObject):
            if not (isinstance(a, g.DictionaryObject) and isinstance(b, g.DictionaryObject)):
                return False
            keys = set(a.keys()) - ignore
            if keys != set(b.keys()) - ignore:
                return False
            stack.extend((a.raw_get(k), b.raw_get(k), frozenset()) for k in keys)
        elif isinstance(a, g.ArrayObject) or isinstance(b, g.ArrayObject):
            if not (isinstance(a, g.ArrayObject) and isinstance(b, g.ArrayObject)) or len(a) != len(b):
                return False
            stack.extend((x, y, frozenset()) for x, y in zip(a, b, strict=True))
        elif isinstance(a, strings) or isinstance(b, strings):
            if not (isinstance(a, strings) and isinstance(b, strings) and a.original_bytes == b.original_bytes):
                return False
        elif isinstance(a, numbers) and isinstance(b, numbers):
            if float(a) != float(b):
                return False
        elif not (type(a) is type(b) and a == b):
            return False
    return True


def _differing_keys(a: Any, b: Any, anchors: set[tuple[int, int]], skip: frozenset[str] = frozenset()) -> list[str]:
    a, b = _deref(a), _deref(b)
    g = _g()
    if not (isinstance(a, g.DictionaryObject) and isinstance(b, g.DictionaryObject)):
        return [] if _same(a, b, anchors, set()) else ["*"]
    keys = (set(a.keys()) | set(b.keys())) - skip
    return sorted(k for k in keys if k not in a or k not in b
                  or not _same(a.raw_get(k), b.raw_get(k), anchors, set()))


def _inherited(page: Any, key: str) -> Any:
    obj = _deref(page)
    depth = 0
    while obj is not None and depth < 64:
        value = _get(obj, key)
        if value is not None:
            return value
        obj = _deref(_get(obj, "/Parent"))
        depth += 1
    return None


def _subtype(annot: Any) -> str:
    return _text(_get(_deref(annot), "/Subtype")).lstrip("/") or _("unknown")


def _xmp_facts(stream: Any) -> list[tuple[str, ...]] | None:
    """The XMP packet as a flat list of its elements in order (namespace, name, attributes,
    text), without what signing rewrites: where each word sits counts, not just the words (a
    title and a description swapping their words, or an entry moved to another namespace, say
    something else)."""
    import xml.etree.ElementTree as ET

    stream = _deref(stream)
    g = _g()
    if not isinstance(stream, g.StreamObject):
        return None
    data = stream.data
    if re.search(rb"<!(DOCTYPE|ENTITY)", data, re.IGNORECASE):
        # pyHanko never writes a DTD; entities read differently by different readers: the bytes count
        return [("bytes", data.hex())]
    try:
        root = ET.fromstring(data)
    except (ET.ParseError, ValueError, TypeError):
        return [("bytes", data.hex())]
    facts: list[tuple[str, ...]] = []
    stack: list[tuple[Any, bool]] = [(root, False)]  # no recursion: a deep packet cannot exhaust the stack
    while stack:
        el, closing = stack.pop()
        if closing:
            facts.append(("end", (el.tail or "").strip()))
            continue
        tag = str(el.tag)
        if not len(el) and not el.attrib and _rewritten_by_signing(tag, el.text):
            continue
        attrs = sorted(f"{k}={v}" for k, v in el.attrib.items() if not _rewritten_by_signing(str(k), v))
        facts.append(("start", tag, (el.text or "").strip(), *attrs))
        stack.append((el, True))
        stack.extend((child, False) for child in reversed(list(el)))
    return facts


def _rewritten_by_signing(name: str, value: str | None) -> bool:
    """Whether an XMP entry is one pyHanko's signing rewrites, holding what pyHanko writes."""
    pattern = _XMP_SIGNING_NAMES.get(name)
    return pattern is not None and pattern.fullmatch((value or "").strip()) is not None


def _info_signing_kept(old: Any, new: Any) -> list[str]:
    """The document information entries signing rewrites that now say something else: /ModDate
    must be a date, /Producer the one before with pyHanko's name added (as pyHanko does)."""
    changed = []
    date_o, date_n = _get(_deref(old), "/ModDate"), _get(_deref(new), "/ModDate")
    if _text(date_o) != _text(date_n) and (date_n is None or not _PDF_DATE.fullmatch(_text(date_n))):
        changed.append("/ModDate")
    prod_o, prod_n = _get(_deref(old), "/Producer"), _get(_deref(new), "/Producer")
    before, after = _text(prod_o), _text(prod_n)
    if before != after:
        added = after[len(before) + 2:] if prod_o is not None and after.startswith(f"{before}; ") else (
            after if prod_o is None else "")
        if prod_n is None or not _PYHANKO.fullmatch(added):
            changed.append("/Producer")
    return changed


def _compare(old: _Revision, new: _Revision, boxes: dict[Any, BoxAtSigning], revision: int) -> list[Change]:
    """Disallowed changes between two consecutive revisions (``revision`` is the newer)."""
    changes: list[Change] = []
    # the catalog is compared on its own below, with its own rules (its XMP /Metadata by
    # what it says, not its bytes): a path to it from elsewhere (a certification's /Perms,
    # a signature's /Reference /Data) compares it by identity only, so a later signer's
    # rewritten XMP dates do not show as a change of the earlier signature
    catalogs = {_ref_key(_trailer(rev.resolver, "/Root")) for rev in (old, new)}
    anchors = old.anchors | new.anchors | {k for k in catalogs if k is not None}

    def add(kind: str, text: str, page: int | None = None) -> None:
        changes.append(Change(kind, text, revision, page))

    # pages
    if old.page_keys != new.page_keys:
        add(PAGES, _("pages were added, removed or reordered ({old} pages before, {new} now)")
            .format(old=len(old.pages), new=len(new.pages)))
    for n, (po, pn) in enumerate(zip(old.pages, new.pages, strict=False), start=1):
        if not _same(_inherited(po, "/Contents"), _inherited(pn, "/Contents"), anchors, set()):
            add(PAGE_CONTENT, _("the text or drawings of page {page} were changed").format(page=n), n)
        if not _same(_inherited(po, "/Resources"), _inherited(pn, "/Resources"), anchors, set()):
            add(PAGE_RESOURCES, _("the fonts, images or other resources of page {page} were changed")
                .format(page=n), n)
        other = _differing_keys(po, pn, anchors,
                                frozenset({"/Contents", "/Resources", "/Annots", "/Parent"}))
        other += [k for k in ("/MediaBox", "/CropBox", "/Rotate")
                  if k not in other and not _same(_inherited(po, k), _inherited(pn, k), anchors, set())]
        if other:
            add(PAGE_OTHER, _("page {page} was changed ({keys})").format(page=n, keys=", ".join(other)), n)

    # annotations and widgets, page by page
    old_fields_keys = set(old.fields)
    reported_fields: set[Any] = set()
    for n, (ao, an) in enumerate(zip(old.annots, new.annots, strict=False), start=1):
        before = dict(ao)
        after = dict(an)
        # the order says which annotation is drawn on top: swapping two that overlap shows what
        # one hid, without changing any object
        if [k for k, _a in ao if k in after] != [k for k, _a in an if k in before]:
            add(ANNOTATION_CHANGED, _("the annotations of page {page} were put in another order (which one is "
                                      "drawn on top changed)").format(page=n), n)
        for key, raw in an:
            if key in before:
                continue
            obj = _deref(raw)
            if _text(_get(obj, "/Subtype")) == "/Widget" and _is_signature(obj):
                add(NEW_FIELD, _("a new signature field \u201c{name}\u201d was added on page {page}, "
                                 "outside the signature boxes there were before the first signature")
                    .format(name=_field_name(obj) or "?", page=n), n)
                reported_fields.add(key)
            elif _text(_get(obj, "/Subtype")) == "/Widget":
                add(NEW_FIELD, _("a new form field \u201c{name}\u201d was added on page {page}")
                    .format(name=_field_name(obj) or "?", page=n), n)
                reported_fields.add(key)
            else:
                add(NEW_ANNOTATION, _("a {kind} annotation was added on page {page}")
                    .format(kind=_subtype(obj), page=n), n)
        for key, raw in ao:
            if key not in after:
                add(REMOVED, _("a {kind} annotation was removed from page {page}")
                    .format(kind=_subtype(raw), page=n), n)
                continue
            new_raw = after[key]
            box = boxes.get(key)
            if box is None:
                if _same(raw, new_raw, anchors, set()):
                    continue
                if _subtype(raw) == "Widget" and _is_signature(raw) and _field_value(raw) is not None:
                    add(BOX_CHANGED, _("the signed box \u201c{name}\u201d on page {page} was changed after it "
                                       "was signed").format(name=_field_name(raw), page=n), n)
                else:
                    add(ANNOTATION_CHANGED, _("a {kind} annotation on page {page} was changed")
                        .format(kind=_subtype(raw), page=n), n)
                continue
            changes += _box_changes(box, raw, new_raw, anchors, revision)

    # form fields that are not widgets on a page (parents, hidden fields)
    annot_keys = {k for page in new.annots for k, _a in page} | {k for page in old.annots for k, _a in page}
    for key, (name, raw) in new.fields.items():
        if key not in old_fields_keys and key not in reported_fields and key not in annot_keys:
            kind = _("signature field") if _is_signature(raw) else _("form field")
            add(NEW_FIELD, _("a new {kind} \u201c{name}\u201d was added").format(kind=kind, name=name or "?"))
    for key, (name, raw) in old.fields.items():
        if key not in new.fields:
            add(REMOVED, _("the form field \u201c{name}\u201d was removed").format(name=name or "?"))
        elif key not in annot_keys:
            # a parent field: only a declared box's value may appear, once
            box_here = any(b.name == name for b in boxes.values())
            skip = _FILL_KEYS if box_here and _field_value(raw) is None else frozenset()
            if not _same(raw, new.fields[key][1], anchors, set(), skip):
                add(FORM, _("the form field \u201c{name}\u201d was changed").format(name=name or "?"))

    # the form, the catalog, the document information
    root_o = _deref(_trailer(old.resolver, "/Root"))
    root_n = _deref(_trailer(new.resolver, "/Root"))
    form_o, form_n = _get(root_o, "/AcroForm"), _get(root_n, "/AcroForm")
    form_keys = _differing_keys(form_o, form_n, anchors, _FORM_SIGNING_KEYS)
    if not _sig_flags_kept(_get(_deref(form_o), "/SigFlags"), _get(_deref(form_n), "/SigFlags")):
        form_keys.append("/SigFlags")
    if form_o is not None and form_keys:
        add(FORM, _("the form settings were changed ({keys})").format(keys=", ".join(sorted(form_keys))))
    tree_keys = _differing_keys(_get(root_o, "/Pages"), _get(root_n, "/Pages"), anchors)
    if tree_keys:
        # the page list is the same, but the tree's nodes (their /Count, which viewers believe) are not
        add(PAGES, _("the page tree was changed ({keys})").format(keys=", ".join(tree_keys)))
    catalog_keys = _differing_keys(root_o, root_n, anchors, _CATALOG_SIGNING_KEYS)
    catalog_keys += [k for k, kept in (("/Version", _version_kept(_get(root_o, "/Version"), _get(root_n, "/Version"))),
                                       ("/Extensions", _extensions_kept(_get(root_o, "/Extensions"),
                                                                        _get(root_n, "/Extensions"), anchors)),
                                       ("/DSS", _dss_kept(_get(root_o, "/DSS"), _get(root_n, "/DSS"), anchors)))
                     if not kept]
    catalog_keys.sort()
    if catalog_keys:
        add(CATALOG, _("document-level settings were changed ({keys})").format(keys=", ".join(catalog_keys)))
    info_o, info_n = _trailer(old.resolver, "/Info"), _trailer(new.resolver, "/Info")
    info_keys = sorted(_differing_keys(info_o, info_n, anchors, _INFO_SIGNING_KEYS)
                       + _info_signing_kept(info_o, info_n))
    if info_keys:
        add(INFO, _("document information changed ({keys})").format(keys=", ".join(k.lstrip("/") for k in info_keys)))
    xmp_o, xmp_n = _get(root_o, "/Metadata"), _get(root_n, "/Metadata")
    if not _same(xmp_o, xmp_n, anchors, set()) and _xmp_facts(xmp_o) != _xmp_facts(xmp_n):
        add(INFO, _("document information changed (XMP metadata)"))
    return changes


def _sig_flags_kept(old: Any, new: Any) -> bool:
    """pyHanko's signing sets /SigFlags to 1 (signatures exist) or 3 (and append only); it
    never clears a flag."""
    def flags(value: Any) -> int | None:
        value = _deref(value)
        return int(value) if isinstance(value, _g().NumberObject) else None

    before, after = flags(old), flags(new)
    if old is None and new is None:
        return True
    if before == after and before is not None:
        return True
    return after in (1, 3) and (before is None or before & after == before)


def _version_kept(old: Any, new: Any) -> bool:
    """/Version unchanged, or raised to a PDF version (pyHanko raises it, never lowers it)."""
    a, b = _text(old), _text(new)
    if a == b:
        return True
    return b in _PDF_VERSIONS and (a not in _PDF_VERSIONS or _PDF_VERSIONS.index(b) > _PDF_VERSIONS.index(a))


def _pyhanko_extensions() -> list[Any]:
    from pyhanko.pdf_utils.crypt import pdfmac
    from pyhanko.sign.signers import constants

    return [ext.as_pdf_object() for ext in (constants.ESIC_EXTENSION_1, constants.ISO32001, constants.ISO32002,
                                            pdfmac.ISO32004)]


def _extensions_kept(old: Any, new: Any, anchors: set[tuple[int, int]]) -> bool:
    """Every developer extension declared before is still there, as it was; any new one is one
    pyHanko's signing declares (PAdES, ISO 32001/32002/32004), exactly as pyHanko writes it."""
    g = _g()

    def entries(value: Any) -> dict[str, list[Any]] | None:
        value = _deref(value)
        if value is None:
            return {}
        if not isinstance(value, g.DictionaryObject):
            return None
        out: dict[str, list[Any]] = {}
        for key in value:
            item = _deref(value.raw_get(key))
            out[key] = list(item) if isinstance(item, g.ArrayObject) else [item]
        return out

    before, after = entries(old), entries(new)
    if before is None or after is None:
        return _same(old, new, anchors, set())
    def plain(ext: Any) -> dict[str, str] | None:
        ext = _deref(ext)
        if not isinstance(ext, g.DictionaryObject):
            return None
        values = {k: _deref(ext.raw_get(k)) for k in ext}
        if not all(isinstance(v, (g.NameObject, g.NumberObject, g.TextStringObject)) for v in values.values()):
            return None
        return {k: str(v) for k, v in values.items()}

    known = [plain(k) for k in _pyhanko_extensions()]
    for prefix in set(before) | set(after):
        was, now = before.get(prefix, []), list(after.get(prefix, []))
        for item in was:  # each old declaration kept, as it was
            match = next((i for i, x in enumerate(now) if _same(item, x, anchors, set())), None)
            if match is None:
                return False
            now.pop(match)
        for item in now:  # the rest: pyHanko's own, under its own prefix (ESIC is PAdES's)
            ext = plain(item)
            if ext is None or ext not in known or prefix != ("/ESIC" if ext == known[0] else "/ISO_"):
                return False
    return True


def _dss_kept(old: Any, new: Any, anchors: set[tuple[int, int]]) -> bool:
    """The validation data (/DSS) unchanged, or holding only what pyHanko writes there:
    certificates, OCSP responses and CRLs (streams), and /VRI entries pointing at them."""
    g = _g()
    if _same(old, new, anchors, set()):
        return True
    dss = _deref(new)
    if not isinstance(dss, g.DictionaryObject) or not set(dss.keys()) <= _DSS_KEYS:
        return False

    def streams(value: Any) -> bool:
        value = _deref(value)
        return isinstance(value, g.ArrayObject) and all(isinstance(_deref(v), g.StreamObject) for v in value)

    if not all(streams(dss.raw_get(k)) for k in ("/Certs", "/OCSPs", "/CRLs") if k in dss):
        return False
    vri = _deref(_get(dss, "/VRI"))
    if vri is None:
        return True
    if not isinstance(vri, g.DictionaryObject):
        return False
    for key in vri:
        entry = _deref(vri.raw_get(key))
        if not isinstance(entry, g.DictionaryObject) or not set(entry.keys()) <= _VRI_KEYS:
            return False
        if not all(streams(entry.raw_get(k)) for k in ("/Cert", "/OCSP", "/CRL") if k in entry):
            return False
    return True


def _box_changes(box: BoxAtSigning, old: Any, new: Any, anchors: set[tuple[int, int]], revision: int) -> list[Change]:
    page = box.page + 1
    out = []
    rect = _rect(_get(_deref(new), "/Rect"))
    if rect is None or any(abs(x - y) > 0.01 for x, y in zip(rect, box.rect, strict=True)):
        out.append(Change(BOX_CHANGED, _("the signature box \u201c{name}\u201d on page {page} was moved or "
                                         "resized").format(name=box.name, page=page), revision, page))
    filled_before = _field_value(old) is not None
    filled_now = _field_value(new) is not None
    if filled_before:
        if not _same(old, new, anchors, set()):
            out.append(Change(BOX_CHANGED, _("the signed box \u201c{name}\u201d on page {page} was changed "
                                             "after it was signed").format(name=box.name, page=page), revision,
                              page))
        return out
    if not _same(old, new, anchors, set(), _FILL_KEYS | {"/Rect"}):
        keys = _differing_keys(old, new, anchors, _FILL_KEYS | {"/Rect"})
        out.append(Change(BOX_CHANGED, _("the signature box \u201c{name}\u201d on page {page} was changed ({keys})")
                          .format(name=box.name, page=page, keys=", ".join(keys)), revision, page))
    elif not filled_now and not _same(old, new, anchors, set(), frozenset({"/Rect"})):
        out.append(Change(BOX_CHANGED, _("the empty signature box \u201c{name}\u201d on page {page} got a "
                                         "picture but no signature").format(name=box.name, page=page),
                          revision, page))
    return out


def appended_bytes(reader: Any, data: bytes) -> list[Change]:
    """Bytes after the end of the file's last revision (its ``startxref ... %%EOF``), other
    than line ends: they belong to no revision, so no comparison looked at them, yet a PDF
    reader that repairs files may use the objects in them."""
    last = reader.xrefs.total_revisions - 1
    start = reader.xrefs.get_xref_container_info(last).end_location
    end = re.compile(rb"startxref\s+\d+\s*%%EOF").search(data, max(start, 0))
    if end is None:
        return [Change(APPENDED, _("the end of the file's last revision cannot be found"), last + 1)]
    extra = len(data[end.end():].strip(b"\r\n\t\f\x00 "))
    if not extra:
        return []
    return [Change(APPENDED, _("{n} bytes follow the end of the file's last revision and belong to no revision "
                               "(some PDF readers may still use what they hold)").format(n=extra), last + 1)]


# --- dictionaries that give a key twice ----------------------------------------------------

_TWICE = re.compile(r"Multiple definitions in dictionary at byte (0x[0-9a-fA-F]+) for key (\S+)")


class _KeyGivenTwice(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.found: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        match = _TWICE.search(record.getMessage())
        if match:
            self.found.append((int(match.group(1), 16), match.group(2)))


@contextmanager
def keys_given_twice() -> Iterator[list[tuple[int, str]]]:
    """Collects (byte offset, key) of every dictionary pyHanko reads meanwhile that gives a key
    twice. pyHanko keeps the first value, pdfium the last: an update can show one thing to the
    comparison and another on screen."""
    logger = logging.getLogger("pyhanko.pdf_utils.generic")
    handler = _KeyGivenTwice()
    level, disabled = logger.level, logger.disabled
    logger.addHandler(handler)
    logger.disabled = False  # a logging configuration may have switched it off
    if logger.getEffectiveLevel() > logging.WARNING:
        logger.setLevel(logging.WARNING)
    try:
        yield handler.found
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.disabled = disabled


def ambiguous_changes(reader: Any, found: Sequence[tuple[int, str]]) -> list[Change]:
    """One change per revision holding a dictionary that gives a key twice (by byte offset; an
    offset inside a compressed object stream counts for the last revision)."""
    total = reader.xrefs.total_revisions
    ends = []
    for rev in range(total):
        try:
            ends.append(reader.xrefs.get_xref_container_info(rev).end_location)
        except (KeyError, IndexError, AttributeError):
            ends.append(0)
    by_revision: dict[int, set[str]] = {}
    for offset, key in found:
        rev = next((r for r, end in enumerate(ends) if offset <= end), total - 1)
        by_revision.setdefault(rev, set()).add(key)
    return [Change(AMBIGUOUS, _("revision {n} holds a dictionary that gives the same key twice ({keys}); PDF "
                                "readers disagree on which one counts, so what it shows cannot be known")
                   .format(n=rev + 1, keys=", ".join(sorted(keys))), rev)
            for rev, keys in sorted(by_revision.items())]


def too_many_revisions(reader: Any, first_revision: int) -> bool:
    """Whether the file has more revisions after ``first_revision`` than are compared."""
    return bool(reader.xrefs.total_revisions - 1 - first_revision > MAX_REVISIONS_COMPARED)


def structural_changes(reader: Any, first_revision: int) -> list[Change]:
    """Every disallowed change in the revisions after ``first_revision`` (the revision the
    first signature signed), each revision compared with the one before it."""
    total = reader.xrefs.total_revisions
    if first_revision >= total - 1:
        return []
    if too_many_revisions(reader, first_revision):
        return [Change(UNREADABLE, _("the file has {n} revisions after the first signature, more than navtool "
                                     "compares ({limit}), so the changes after signing cannot be compared")
                       .format(n=total - 1 - first_revision, limit=MAX_REVISIONS_COMPARED), first_revision + 1)]
    try:
        base = _read_revision(reader, first_revision)
        boxes = {key: box for box, key in _declared(base)}
    except Exception as exc:  # a hostile file: say so, never crash
        return [Change(UNREADABLE, _("the signed revision cannot be read ({error})").format(error=exc),
                       first_revision)]
    changes: list[Change] = []
    previous = base
    for revision in range(first_revision + 1, total):
        try:
            current = _read_revision(reader, revision)
            changes += _compare(previous, current, boxes, revision)
        except Exception as exc:
            changes.append(Change(UNREADABLE, _("revision {n} cannot be compared ({error})")
                                  .format(n=revision + 1, error=exc), revision))
            break
        previous = current
    return changes


# --- comparing the pages as drawn -----------------------------------------------------------

_PDFIUM_LOCK = threading.Lock()  # pdfium is not thread-safe


def rendered_changes(data: bytes, revisions: Sequence[tuple[int, int]], boxes: Iterable[BoxAtSigning], *,
                     dpi: int = RENDER_DPI) -> list[Change]:
    """Pages that look different now than at a signed revision, outside the declared boxes.

    ``revisions``: (revision number, byte length of the file at that revision) for each
    signed revision. A revision the size of the whole file is the file itself: skipped.
    """
    from PIL import ImageChops

    boxes = list(boxes)
    todo = sorted({(rev, end) for rev, end in revisions if 0 < end < len(data)})
    if not todo:
        return []
    changes: list[Change] = []
    with _PDFIUM_LOCK:
        pages = _page_count(data)
        if pages * (len(todo) + 1) > MAX_PAGES_DRAWN:
            return [Change(RENDERED, _("the file has {n} pages, too many to compare as drawn at {m} moments ({limit} "
                                       "page drawings at most), so the changes after signing cannot be compared")
                           .format(n=pages, m=len(todo) + 1, limit=MAX_PAGES_DRAWN), todo[0][0])]
        final = _render(data, dpi, boxes)
        for revision, end in todo:
            then = _render(data[:end], dpi, boxes)
            if len(then) != len(final):
                changes.append(Change(RENDERED, _("the file now has {new} pages; when signature {n} was made it "
                                                  "had {old}").format(new=len(final), old=len(then), n=revision + 1),
                                      revision))
            for n, (a, b) in enumerate(zip(then, final, strict=False), start=1):
                if a.size != b.size:
                    changes.append(Change(RENDERED, _("page {page} changed size").format(page=n), revision, n))
                    continue
                diff = ImageChops.difference(a, b).getbbox()
                if diff is not None:
                    changes.append(Change(RENDERED, _("page {page} looks different outside the signature boxes "
                                                      "than in signed revision {rev}").format(page=n, rev=revision + 1),
                                          revision, n))
    return changes


def draw_pages(data: bytes, dpi: int = RENDER_DPI) -> list[Any]:
    """Every page of ``data`` as verify draws it (PIL images: on screen above, printed below)."""
    with _PDFIUM_LOCK:
        return _render(data, dpi, ())


def _render(data: bytes, dpi: int, boxes: Sequence[BoxAtSigning]) -> list[Any]:
    """Every page drawn at ``dpi``, with the declared boxes (plus a margin) painted white."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c
    from PIL import Image, ImageDraw

    images = []
    doc = pdfium.PdfDocument(data)
    try:
        doc.init_forms()  # without it pdfium draws no form widgets, so no signature stamps
        for index in range(len(doc)):
            page = doc[index]
            try:
                # as on screen, then as printed (an annotation may show only on paper)
                # a hostile page size must not cost gigabytes: at most MAX_RENDER_PX a side
                scale = min(dpi / 72, MAX_RENDER_PX / max(page.get_width(), page.get_height(), 1.0))
                screen = page.render(scale=scale, may_draw_forms=True, draw_annots=True).to_pil()
                paper = page.render(scale=scale, may_draw_forms=True, draw_annots=True,
                                    extra_flags=pdfium_c.FPDF_PRINTING).to_pil()
                width, height = screen.size
                image = Image.new("RGB", (width, height * 2), (255, 255, 255))
                image.paste(screen.convert("RGB"), (0, 0))
                image.paste(paper.convert("RGB").resize((width, height)), (0, height))
                draw = ImageDraw.Draw(image)
                for box in boxes:
                    if box.page != index:
                        continue
                    left, top_y, right, bottom = _device_rect(page, box.rect, width, height)
                    for top in (0, height):
                        draw.rectangle((left - BOX_MARGIN_PX, top + top_y - BOX_MARGIN_PX,
                                        right + BOX_MARGIN_PX, top + bottom + BOX_MARGIN_PX), fill=(255, 255, 255))
                images.append(image)
            finally:
                page.close()
    finally:
        doc.close()
    return images


def _page_count(data: bytes) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        return len(doc)
    finally:
        doc.close()


def _device_rect(page: Any, rect: tuple[float, float, float, float], width: int,
                 height: int) -> tuple[int, int, int, int]:
    """A rectangle in PDF points as pixels (left, top, right, bottom) of a page drawn at width x height."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    x1, y1, x2, y2 = rect
    xs, ys = [], []
    for x, y in ((x1, y1), (x2, y2), (x1, y2), (x2, y1)):
        dx, dy = ctypes.c_int(), ctypes.c_int()
        pdfium_c.FPDF_PageToDevice(page.raw, 0, 0, width, height, 0, ctypes.c_double(x), ctypes.c_double(y),
                                   ctypes.byref(dx), ctypes.byref(dy))
        xs.append(dx.value)
        ys.append(dy.value)
    return min(xs), min(ys), max(xs), max(ys)


def boxes_over_content(signed: bytes, filled: Sequence[tuple[BoxAtSigning, int]], *,
                       dpi: int = RENDER_DPI) -> list[Change]:
    """Declared boxes that a later signature filled, but that lie over the page's own text or
    drawings: a stamp there hides them, and the page comparison leaves the box out.

    ``signed``: the file as the first signature signed it; ``filled``: (box, the revision of the
    signature that filled it). The page is drawn without its form fields (so without the
    boxes), screen and print; inside the box, short of the frame a renderer draws round it,
    it must be one flat colour."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    changes: list[Change] = []
    with _PDFIUM_LOCK:
        doc = pdfium.PdfDocument(signed)
        try:
            for index in sorted({box.page for box, _rev in filled}):
                if not 0 <= index < len(doc):
                    continue
                page = doc[index]
                try:
                    scale = min(dpi / 72, MAX_RENDER_PX / max(page.get_width(), page.get_height(), 1.0))
                    # forms are not set up, so pdfium leaves every form field (the boxes) out but
                    # draws other annotations: a comment hidden under an empty box counts too
                    images = [page.render(scale=scale, draw_annots=True, may_draw_forms=False,
                                          extra_flags=flags).to_pil().convert("RGB")
                              for flags in (0, pdfium_c.FPDF_PRINTING)]
                    for box, revision in filled:
                        if box.page != index:
                            continue
                        width, height = images[0].size
                        left, top, right, bottom = _device_rect(page, box.rect, width, height)
                        inner = (left + BOX_INSET_PX, top + BOX_INSET_PX, right - BOX_INSET_PX, bottom - BOX_INSET_PX)
                        if inner[2] <= inner[0] or inner[3] <= inner[1]:
                            continue
                        flat = all(hi - lo <= 8 for image in images for lo, hi in image.crop(inner).getextrema())
                        if not flat:
                            changes.append(Change(BOX_OVER_CONTENT, _(
                                "the signature box \u201c{name}\u201d lies over the text or drawings of page {page}, "
                                "and the stamp signed into it later covers them").format(name=box.name, page=index + 1),
                                revision, index + 1))
                finally:
                    page.close()
        finally:
            doc.close()
    return changes
