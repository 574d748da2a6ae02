"""The message catalog: extract the shown strings, check the Spanish catalog, compile it.

    python tools/i18n.py extract   # writes resources/locale/navtool.pot
    python tools/i18n.py update    # adds new strings (empty) to each .po, drops stale ones
    python tools/i18n.py check     # exit 1 when a string is missing, empty, fuzzy or stale
    python tools/i18n.py compile   # writes each navtool.mo from its navtool.po

``make i18n`` runs extract, check and compile. The extractor reads the source with :mod:`ast`
(no xgettext needed, so it works the same on Windows): every ``_("literal")`` call is a string;
``_(name)`` with anything but a literal is an error, because no extractor can see its text.
The .po reader and the .mo writer are the small subset of GNU gettext this project uses
(no plural forms, no contexts: :func:`navtool_desktop.i18n.plural` picks between two msgids).
"""

from __future__ import annotations

import argparse
import ast
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "navtool_desktop"
LOCALE = ROOT / "resources" / "locale"
DOMAIN = "navtool"
LANGUAGES = ("es",)


@dataclass
class Extracted:
    messages: dict[str, list[str]] = field(default_factory=dict)  # msgid -> "file:line" places
    problems: list[str] = field(default_factory=list)


def extract(source: Path = SOURCE, root: Path = ROOT) -> Extracted:
    """Every ``_("…")`` literal under ``source``, in file order, with where it is."""
    found = Extracted()
    for path in sorted(source.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        calls = [node for node in ast.walk(tree)
                 if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_"]
        for node in sorted(calls, key=lambda n: (n.lineno, n.col_offset)):
            where = f"{path.relative_to(root).as_posix()}:{node.lineno}"
            arg = node.args[0] if len(node.args) == 1 and not node.keywords else None
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                if arg.value:
                    found.messages.setdefault(arg.value, []).append(where)
            else:
                found.problems.append(f"{where}: _() of something other than one string literal: "
                                      f"{ast.unparse(node)[:70]}")
    return found


# --- .po files -----------------------------------------------------------------------------

def quote(text: str) -> str:
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
               .replace("\r", "\\r"))
    if "\n" not in escaped:
        return f'"{escaped.replace(chr(10), "")}"'
    lines = escaped.split("\n")
    parts = [line + "\\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    return '""\n' + "\n".join(f'"{part}"' for part in parts)


def unquote(token: str) -> str:
    body = token.strip()
    if not (body.startswith('"') and body.endswith('"')):
        raise ValueError(f"not a quoted string: {token!r}")
    out, chars, i = [], body[1:-1], 0
    escapes = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
    while i < len(chars):
        ch = chars[i]
        if ch == "\\" and i + 1 < len(chars):
            out.append(escapes.get(chars[i + 1], chars[i + 1]))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


@dataclass
class Entry:
    msgid: str
    msgstr: str = ""
    fuzzy: bool = False
    comments: list[str] = field(default_factory=list)


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file, the header (msgid "") first if present."""
    entries: list[Entry] = []
    comments: list[str] = []
    fuzzy = False
    key: str | None = None
    values: dict[str, str] = {}

    def flush() -> None:
        nonlocal comments, fuzzy, values, key
        if "msgid" in values:
            entries.append(Entry(values["msgid"], values.get("msgstr", ""), fuzzy, comments))
        comments, fuzzy, values, key = [], False, {}, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if "msgid" in values and "msgstr" in values:
                flush()
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            comments.append(raw)
            continue
        try:
            if line.startswith(("msgid ", "msgstr ")):
                word, _, rest = line.partition(" ")
                if word == "msgid" and "msgid" in values:
                    flush()
                key = word
                values[key] = unquote(rest)
            elif line.startswith('"') and key is not None:
                values[key] += unquote(line)
            else:
                raise ValueError(f"unexpected line: {line[:60]!r}")
        except ValueError as exc:
            raise ValueError(f"{path}:{number}: {exc}") from None
    flush()
    return entries


def write_po(path: Path, entries: list[Entry]) -> None:
    chunks = []
    for entry in entries:
        lines = [c for c in entry.comments if not c.startswith(("#:", "#,"))]
        if entry.fuzzy:
            lines.append("#, fuzzy")
        lines.append(f"msgid {quote(entry.msgid)}")
        lines.append(f"msgstr {quote(entry.msgstr)}")
        chunks.append("\n".join(lines))
    path.write_text("\n\n".join(chunks) + "\n", encoding="utf-8")


def write_pot(path: Path, found: Extracted) -> None:
    header = Entry("", "Content-Type: text/plain; charset=UTF-8\n",
                   comments=["# Navigation Tool Desktop: the strings the app shows (made by tools/i18n.py)."])
    entries = [header] + [Entry(msgid, comments=[f"#: {' '.join(places[:3])}"])
                          for msgid, places in found.messages.items()]
    chunks = []
    for entry in entries:
        chunks.append("\n".join([*entry.comments, f"msgid {quote(entry.msgid)}", f"msgstr {quote(entry.msgstr)}"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(chunks) + "\n", encoding="utf-8")


def po_path(lang: str, locale: Path = LOCALE) -> Path:
    return locale / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


# --- checking ------------------------------------------------------------------------------

@dataclass
class Report:
    missing: list[str] = field(default_factory=list)   # extracted, not in the catalog
    empty: list[str] = field(default_factory=list)     # in the catalog, no translation
    fuzzy: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)     # in the catalog, no longer shown
    placeholders: list[str] = field(default_factory=list)  # {name} fields differ
    translated: int = 0

    @property
    def ok(self) -> bool:
        return not (self.missing or self.empty or self.fuzzy or self.placeholders)


def fields(text: str) -> list[str]:
    import string

    try:
        return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)
    except ValueError:
        return ["<unbalanced braces>"]


def check(found: Extracted, entries: list[Entry]) -> Report:
    catalog = {e.msgid: e for e in entries if e.msgid}
    report = Report()
    for msgid in found.messages:
        entry = catalog.get(msgid)
        if entry is None:
            report.missing.append(msgid)
        elif not entry.msgstr:
            report.empty.append(msgid)
        elif entry.fuzzy:
            report.fuzzy.append(msgid)
        elif "{" in msgid and fields(msgid) != fields(entry.msgstr):
            report.placeholders.append(msgid)
        else:
            report.translated += 1
    report.stale = [m for m in catalog if m not in found.messages]
    return report


# --- .mo files -----------------------------------------------------------------------------

def mo_bytes(entries: list[Entry]) -> bytes:
    """A GNU .mo file of the translated, non-fuzzy entries (and the header), sorted by msgid."""
    pairs = sorted((e.msgid.encode("utf-8"), e.msgstr.encode("utf-8"))
                   for e in entries if e.msgstr and (not e.fuzzy or not e.msgid))
    ids = b"".join(k + b"\0" for k, _ in pairs)
    strs = b"".join(v + b"\0" for _, v in pairs)
    count = len(pairs)
    keys_start = 7 * 4 + 16 * count
    values_start = keys_start + len(ids)
    key_offsets, value_offsets, at_k, at_v = [], [], 0, 0
    for key, value in pairs:
        key_offsets += [len(key), keys_start + at_k]
        value_offsets += [len(value), values_start + at_v]
        at_k += len(key) + 1
        at_v += len(value) + 1
    header = struct.pack("Iiiiiii", 0x950412DE, 0, count, 7 * 4, 7 * 4 + count * 8, 0, 0)
    return (header + struct.pack(f"{len(key_offsets)}i", *key_offsets)
            + struct.pack(f"{len(value_offsets)}i", *value_offsets) + ids + strs)


# --- commands ------------------------------------------------------------------------------

def describe(lang: str, report: Report, problems: list[str]) -> list[str]:
    lines = [f"{lang}: {report.translated} translated, {len(report.missing)} missing, "
             f"{len(report.empty)} untranslated, {len(report.fuzzy)} fuzzy, "
             f"{len(report.placeholders)} with different {{fields}}, {len(report.stale)} stale"]
    for title, items in (("missing", report.missing), ("untranslated", report.empty),
                         ("fuzzy", report.fuzzy), ("fields differ", report.placeholders)):
        lines += [f"  {title}: {msgid[:90]!r}" for msgid in items[:20]]
        if len(items) > 20:
            lines.append(f"  … and {len(items) - 20} more {title}")
    lines += problems
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["extract", "update", "check", "compile", "all"])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--locale", type=Path, default=LOCALE)
    args = parser.parse_args(argv)
    found = extract(args.source, args.source.parent)
    status = 0
    if args.command in ("extract", "all"):
        write_pot(args.locale / f"{DOMAIN}.pot", found)
        print(f"{len(found.messages)} strings extracted")
    for lang in LANGUAGES:
        path = po_path(lang, args.locale)
        entries = read_po(path) if path.is_file() else []
        if args.command == "update":
            known = {e.msgid: e for e in entries}
            header = [e for e in entries if not e.msgid]
            write_po(path, header + [known.get(m, Entry(m)) for m in found.messages])
            entries = read_po(path)
        if args.command in ("check", "all", "update"):
            report = check(found, entries)
            print("\n".join(describe(lang, report, found.problems)))
            if not report.ok or found.problems:
                status = 1
        if args.command in ("compile", "all"):
            path.with_suffix(".mo").write_bytes(mo_bytes(entries))
    return status


if __name__ == "__main__":
    sys.exit(main())
