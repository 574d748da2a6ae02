"""The accessible HTML twin of a PDF: one self-contained file written from the PDF's own
structure tree (:mod:`navtool_desktop.reports.tagging`), so it has the same headings, lists,
tables (``<th scope="col">``) and the words of every chart, in the same order.

Every export writes it the same way: :func:`save_with_twin` (the PDF and its twin), or
:func:`save_twin` after a PDF written otherwise (the command line's, which refuses to replace a
signed PDF).
"""

from __future__ import annotations

import dataclasses
import hashlib
from html import escape
from pathlib import Path

from navtool_desktop.reports.tagging import StructElem
from navtool_desktop.signing.files import twin_path, write_new_file

__all__ = ["html_twin", "save_twin", "save_with_twin", "sha256", "twin_path"]

_CSS = """
body{font-family:"DejaVu Sans",system-ui,sans-serif;line-height:1.5;max-width:46rem;margin:2rem auto;
padding:0 1rem;color:#1d2731;background:#fff}
h1,h2{color:#0b3c5d}h1{font-size:1.6rem}h2{font-size:1.25rem}h3{font-size:1.05rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}
th{background:#0b3c5d;color:#fff;text-align:left}th,td{border-bottom:1px solid #c5ced6;padding:.25rem .4rem;
vertical-align:top}
figure{margin:1rem 0;padding:.5rem .75rem;border-left:4px solid #c5ced6}
"""

_TAGS = {"H1": "h1", "H2": "h2", "H3": "h3", "P": "p", "Caption": "p", "Div": "div", "L": "ul", "LI": "li",
         "Table": "table", "TR": "tr", "TD": "td"}


def _render(elem: StructElem, out: list[str]) -> None:
    kids = [k for k in elem.kids if isinstance(k, StructElem) and k.in_twin]
    role = elem.role
    if role == "Document":
        for kid in kids:
            _render(kid, out)
        return
    if role == "Figure":
        out.append(f'<figure role="group"><p>{escape(elem.alt or "")}</p></figure>')
        return
    if role == "LBody":
        out.append(escape(elem.text.lstrip().lstrip("\u2022\u25e6\u2013 ")))
        return
    spans = "".join(f' {name}="{int(elem.attrs[key])}"'
                    for key, name in (("ColSpan", "colspan"), ("RowSpan", "rowspan")) if key in elem.attrs)
    if role == "TH":
        out.append(f'<th scope="col"{spans}>{escape(elem.text)}</th>')
        return
    if role == "TD":
        out.append(f"<td{spans}>{escape(elem.text)}</td>")
        return
    if role == "Table":
        # a table split over pages is one table here; its repeated header rows are dropped
        out.append("<table>")
        seen_header = False
        for row in kids:
            cells = [k for k in row.kids if isinstance(k, StructElem) and k.in_twin]
            is_header = bool(cells) and all(c.role == "TH" for c in cells)
            if is_header and seen_header:
                continue
            seen_header = seen_header or is_header
            _render(row, out)
        out.append("</table>")
        return
    tag = _TAGS.get(role, "div")
    out.append(f"<{tag}>{escape(elem.text)}")
    for kid in kids:
        _render(kid, out)
    out.append(f"</{tag}>")


def _merge_split_tables(root: StructElem) -> StructElem:
    """``root`` with consecutive Table elements (one table's pieces, page by page) as one
    (a copy: the PDF's own tree is left as it is)."""
    merged: list[StructElem | tuple[int, int]] = []
    for kid in root.kids:
        last = merged[-1] if merged else None
        if (isinstance(kid, StructElem) and kid.role == "Table" and kid.continued
                and isinstance(last, StructElem) and last.role == "Table"):
            merged[-1] = dataclasses.replace(last, kids=[*last.kids, *kid.kids])
        else:
            merged.append(kid)
    return dataclasses.replace(root, kids=merged)


def html_twin(root: StructElem, title: str, lang: str = "en-US") -> str:
    """The HTML document of a PDF's structure tree ``root``."""
    body: list[str] = []
    _render(_merge_split_tables(root), body)
    return (f'<!DOCTYPE html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
            + "\n".join(body) + "\n</main>\n</body>\n</html>\n")


def sha256(html_text: str) -> str:
    """The twin's SHA-256 (of its UTF-8 bytes), as the PDF may print it."""
    return hashlib.sha256(html_text.encode("utf-8")).hexdigest()


def save_twin(pdf: Path, html_text: str) -> Path:
    """Write the HTML twin of the PDF at ``pdf`` beside it (:func:`twin_path`), replacing an
    older one; its path. A ``SigningError`` says in plain words why it cannot be written."""
    path = twin_path(pdf)
    write_new_file(path, html_text.encode("utf-8"), overwrite=True)
    return path


def save_with_twin(out: Path, pdf: bytes, html_text: str | None) -> Path | None:
    """Write ``pdf`` to ``out`` and, when there is one, its HTML twin beside it (both replacing
    older files): the twin's path, else None. A ``SigningError`` says why a file was not written."""
    write_new_file(out, pdf, overwrite=True)
    return None if html_text is None else save_twin(out, html_text)
