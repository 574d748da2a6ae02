"""The ``.navtool`` bundle file: write one, and read one back checking everything first.

A bundle is a zip holding ``manifest.json``, ``district.json`` (the district profile and,
in a district bundle, its plans, goals, actions and progress notes) and one
``cycles/<cycle-id>.json`` per cycle (the cycle and its participants, ratings, answers,
consensus and paper tallies; a participant bundle holds one person's ratings and answers).
A district or cycle bundle also carries the revocation lists kept in the sending laptop's
data folder (``revocations/<n>.crl``, DER, as ``navtool identity revoke`` writes them), so
the receiving laptop's ``navtool verify`` knows which signers were revoked.
The manifest names the format, app and framework versions, the kind, the district, the
creation time, and the size and SHA-256 of every other member. A bundle may be wrapped
in passphrase protection (:mod:`~navtool_desktop.exchange.protect`).

:func:`read_bundle` refuses anything wrong with one :class:`BundleError`: a damaged or
oversized zip, odd member names, checksums, JSON shape and types, and ids that are not
in the framework pack.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from navtool_desktop import __version__
from navtool_desktop.core.clock import plausible
from navtool_desktop.core.records import (
    DISTRICT_TOMBSTONES,
    Action,
    Consensus,
    Cycle,
    District,
    Goal,
    Participant,
    Plan,
    ProgressNote,
    QuestionResponse,
    Rating,
    Record,
    RecordError,
    Tally,
    Tombstone,
    parse_time,
    utc_now,
    version_of,
)
from navtool_desktop.exchange.errors import BundleError
from navtool_desktop.exchange.protect import is_protected, protect, unprotect
from navtool_desktop.framework import Pack
from navtool_desktop.i18n import _
from navtool_desktop.storage.atomic import value_bound

FORMAT = "navtool-bundle"
FORMAT_VERSION = 2
#: Format versions this app reads (1: before versions and tombstones).
READS_FORMATS: tuple[int, ...] = (1, 2)
SUFFIX = ".navtool"
KINDS: tuple[str, ...] = ("participant", "cycle", "district")
MANIFEST = "manifest.json"
DISTRICT_MEMBER = "district.json"

# Limits: far above any real district, far below what could hurt a laptop.
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 1000
MAX_MEMBER_BYTES = 32 * 1024 * 1024
MAX_TOTAL_BYTES = 128 * 1024 * 1024
#: Uncompressed/compressed size above which a member is a zip bomb (checked past 256 KiB).
MAX_RATIO = 200
_RATIO_FROM = 256 * 1024
MAX_TEXT = 100_000
MAX_DEPTH = 12
#: JSON values one member may hold, and all members together, counted before parsing
#: (see :func:`value_bound`). Parsed JSON costs up to about 100 bytes per value, so these
#: keep a hostile bundle under about 300 MB however it is built; a real cycle of 60 people
#: rating 30 competencies holds about 50,000.
MAX_VALUES = 1_000_000
MAX_BUNDLE_VALUES = 3_000_000
MAX_MANIFEST_BYTES = 1024 * 1024
#: Revocation lists a bundle may carry, and the size of each: one list per district root, and a
#: list revoking a thousand signers is about 40 KB.
MAX_REVOCATIONS = 16
MAX_REVOCATION_BYTES = 256 * 1024
#: A participant bundle holds one person's ratings and answers: its members are small.
KIND_LIMITS: dict[str, tuple[int, int]] = {  # kind -> (bytes, values) per member
    "participant": (4 * 1024 * 1024, 50_000),
    "cycle": (MAX_MEMBER_BYTES, MAX_VALUES),
    "district": (MAX_MEMBER_BYTES, MAX_VALUES),
}

_CYCLE_MEMBER = re.compile(r"^cycles/([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                           r"[0-9a-f]{12})\.json\Z")
_REVOCATION_MEMBER = re.compile(r"^revocations/([1-9][0-9]?)\.crl\Z")
_SHA256 = re.compile(r"^[0-9a-f]{64}\Z")
_MANIFEST_KEYS = {"format", "format_version", "app_version", "framework", "kind",
                  "district_id", "district_name", "created", "members"}
#: Keys a format-2 bundle adds (optional, so format-1 bundles still read).
_MANIFEST_OPTIONAL = {"laptop"}
_DISTRICT_KEYS = ("district", "plans", "goals", "actions", "progress")
_CYCLE_KEYS = ("cycle", "participants", "ratings", "responses", "consensus", "tallies")
_TOMBSTONES = "tombstones"
#: Everything the zip module may raise on a damaged or hostile archive.
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError,
               ValueError, OSError, EOFError, zlib.error, struct.error, KeyError, IndexError,
               OverflowError)

R = TypeVar("R", bound=Record)


@dataclass(frozen=True)
class CycleContent:
    """One cycle as carried by a bundle."""

    cycle: Cycle
    participants: tuple[Participant, ...] = ()
    ratings: tuple[Rating, ...] = ()
    responses: tuple[QuestionResponse, ...] = ()
    consensus: tuple[Consensus, ...] = ()
    tallies: tuple[Tally, ...] = ()
    #: Participants, ratings, answers... deleted from this cycle.
    tombstones: tuple[Tombstone, ...] = ()


@dataclass(frozen=True)
class BundleContent:
    """What a bundle holds, as validated records."""

    kind: str
    district: District
    framework_id: str
    framework_version: str
    cycles: tuple[CycleContent, ...] = ()
    plans: tuple[Plan, ...] = ()
    goals: tuple[Goal, ...] = ()
    actions: tuple[Action, ...] = ()
    notes: tuple[ProgressNote, ...] = ()
    #: Cycles, plans, goals, actions and notes deleted from the district.
    tombstones: tuple[Tombstone, ...] = ()
    created: str = field(default_factory=utc_now)
    app_version: str = __version__
    source: str = ""  # the file it came from, for reports
    #: The laptop that made the bundle (its id in versions, and what it is called).
    laptop_id: str = ""
    laptop_name: str = ""
    #: Revocation lists (DER) from the sending laptop's data folder: district and cycle bundles.
    revocations: tuple[bytes, ...] = ()

    @property
    def district_id(self) -> str:
        return self.district.id


def carries_answers(content: BundleContent) -> bool:
    """Whether a bundle holds named ratings, written answers or paper tallies by group."""
    return any(part.ratings or part.responses or part.tallies for part in content.cycles)


# --- writing ------------------------------------------------------------------------------


def _encode(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False).encode("utf-8")


def bundle_members(content: BundleContent) -> dict[str, bytes]:
    """The data members of a bundle (everything but the manifest), by name."""
    members = {DISTRICT_MEMBER: _encode({
        "district": content.district.to_dict(),
        "plans": [r.to_dict() for r in content.plans],
        "goals": [r.to_dict() for r in content.goals],
        "actions": [r.to_dict() for r in content.actions],
        "progress": [r.to_dict() for r in content.notes],
        _TOMBSTONES: [r.to_dict() for r in content.tombstones],
    })}
    for part in content.cycles:
        members[f"cycles/{part.cycle.id}.json"] = _encode({
            "cycle": part.cycle.to_dict(),
            **{name: [r.to_dict() for r in records] for name, records in zip(
                _CYCLE_KEYS[1:], (part.participants, part.ratings, part.responses,
                                  part.consensus, part.tallies), strict=True)},
            _TOMBSTONES: [r.to_dict() for r in part.tombstones],
        })
    for n, crl in enumerate(content.revocations, start=1):
        members[f"revocations/{n}.crl"] = crl
    return members


def manifest_for(content: BundleContent, members: Mapping[str, bytes]) -> dict[str, Any]:
    """The manifest describing ``members``."""
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION, "app_version": content.app_version,
        "framework": {"id": content.framework_id, "version": content.framework_version},
        "kind": content.kind, "district_id": content.district.id,
        "district_name": content.district.name, "created": content.created,
        "members": {name: {"size": len(raw), "sha256": hashlib.sha256(raw).hexdigest()}
                    for name, raw in members.items()},
        "laptop": {"id": content.laptop_id, "name": content.laptop_name},
    }


def zip_members(manifest: Mapping[str, Any], members: Mapping[str, bytes]) -> bytes:
    """A bundle zip from a manifest and members (tests use it to build odd bundles)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr(MANIFEST, _encode(manifest))
        for name, raw in members.items():
            zf.writestr(name, raw)
    return buffer.getvalue()


def write_bundle(content: BundleContent, passphrase: str | None = None) -> bytes:
    """The bytes of a bundle file holding ``content`` (protected if a passphrase is given)."""
    if content.kind not in KINDS:
        raise ValueError(f"unknown bundle kind {content.kind!r}")
    members = bundle_members(content)
    raw = zip_members(manifest_for(content, members), members)
    return protect(raw, passphrase) if passphrase else raw


# --- reading ------------------------------------------------------------------------------


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _check_values(value: Any, where: str) -> None:
    """Refuse text that is not real Unicode or too long, and nesting deeper than records have."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BundleError(_("{member} is nested too deeply.").format(member=where))
        if isinstance(item, str):
            if len(item) > MAX_TEXT:
                raise BundleError(_("{member} holds a text longer than {n} characters.")
                                  .format(member=where, n=MAX_TEXT))
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise BundleError(_("{member} holds text that is not valid Unicode.")
                                  .format(member=where)) from None
        elif isinstance(item, dict):
            stack.extend((k, depth + 1) for k in item)
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)


class _Budget:
    """The JSON values a bundle may still hold (all members together)."""

    def __init__(self) -> None:
        self.left = MAX_BUNDLE_VALUES

    def take(self, raw: bytes, where: str, limit: int) -> None:
        count = value_bound(raw)
        if count > limit:
            raise BundleError(_("{member} holds too many items ({count}, at most {limit}); "
                                "this is not a bundle this app made.").format(
                member=where, count=count, limit=limit))
        if count > self.left:
            raise BundleError(_("The bundle holds too many items together; this is not a "
                                "bundle this app made."))
        self.left -= count


def _parse_json(raw: bytes, where: str, budget: _Budget, limit: int | None = None) -> Any:
    """Parse one member, refusing it before building anything if it could hold too much."""
    budget.take(raw, where, MAX_VALUES if limit is None else limit)
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise BundleError(_("{member} is not UTF-8 text.").format(member=where)) from None
    except (ValueError, RecursionError):
        raise BundleError(_("{member} is not valid JSON.").format(member=where)) from None
    _check_values(value, where)
    return value


def _object(value: Any, keys: Iterable[str], where: str,
            optional: Iterable[str] = ()) -> dict[str, Any]:
    keys = tuple(keys)
    if not isinstance(value, dict):
        raise BundleError(_("{member} must hold a JSON object.").format(member=where))
    missing = [k for k in keys if k not in value]
    extra = sorted(set(value) - set(keys) - set(optional))
    if missing or extra:
        raise BundleError(_("{member} does not have the expected fields (missing: {missing}; "
                            "unexpected: {extra}).").format(
            member=where, missing=", ".join(missing) or "-", extra=", ".join(extra) or "-"))
    return value


def _record(cls: type[R], value: Any, where: str) -> R:
    """A record from a bundle; one from a format-1 bundle (before versions) gets the version
    and times its data file would have got from the schema-2 migration."""
    if cls is Participant and isinstance(value, dict) and "updated" not in value \
            and "created" in value:
        value = {**value, "updated": value["created"]}
    try:
        record = cls.from_dict(value)
        if getattr(record, "version", "x") == "":
            record = record.replace(version=version_of(record))  # type: ignore[call-arg]
        return record
    except (RecordError, ValueError, TypeError, KeyError) as exc:
        raise BundleError(_("{member}: {problem}").format(member=where, problem=exc)) from None


def _records(cls: type[R], value: Any, where: str) -> tuple[R, ...]:
    if not isinstance(value, list):
        raise BundleError(_("{member} must be a list.").format(member=where))
    return tuple(_record(cls, item, f"{where}[{n}]") for n, item in enumerate(value))


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, reading at most its declared size plus one byte."""
    with zf.open(info) as handle:
        raw = handle.read(info.file_size + 1)
    if len(raw) != info.file_size:
        raise BundleError(_("{member} is not the size the zip says.").format(member=info.filename))
    return raw


def _check_directory(infos: Sequence[zipfile.ZipInfo]) -> None:
    """Check every member from the zip's directory before reading any of it."""
    if len(infos) > MAX_MEMBERS:
        raise BundleError(_("The bundle has too many files ({count}).").format(count=len(infos)))
    names: set[str] = set()
    total = 0
    lists = 0
    for info in infos:
        name = info.filename
        if (name.startswith(("/", "\\")) or "\\" in name or ":" in name or "\x00" in name
                or any(part in ("", ".", "..") for part in name.split("/"))):
            raise BundleError(_("The bundle holds a file with an unsafe name: {name}")
                              .format(name=name[:200]))
        if (name != MANIFEST and name != DISTRICT_MEMBER and not _CYCLE_MEMBER.match(name)
                and not _REVOCATION_MEMBER.match(name)):
            raise BundleError(_("The bundle holds an unexpected file: {name}").format(name=name[:200]))
        if _REVOCATION_MEMBER.match(name):
            lists += 1
            if lists > MAX_REVOCATIONS:
                raise BundleError(_("The bundle holds more than {n} revocation lists; this is not a "
                                    "bundle this app made.").format(n=MAX_REVOCATIONS))
            if info.file_size > MAX_REVOCATION_BYTES:
                raise BundleError(_("The revocation list {name} is too large ({size} bytes, at most "
                                    "{limit}).").format(name=name, size=info.file_size,
                                                        limit=MAX_REVOCATION_BYTES))
        if name in names:
            raise BundleError(_("The bundle holds {name} twice.").format(name=name))
        names.add(name)
        if info.flag_bits & 0x1:
            raise BundleError(_("{name} is encrypted inside the zip; this app does not make "
                                "such bundles.").format(name=name))
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise BundleError(_("{name} is compressed in a way this app does not use.")
                              .format(name=name))
        if info.file_size > (MAX_MANIFEST_BYTES if name == MANIFEST else MAX_MEMBER_BYTES):
            raise BundleError(_("{name} is too large ({size} bytes).").format(name=name,
                                                                             size=info.file_size))
        if info.file_size > _RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise BundleError(_("{name} expands {ratio}-fold; this looks like a zip bomb.")
                              .format(name=name, ratio=info.file_size // max(info.compress_size, 1)))
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise BundleError(_("The bundle's files are too large together."))
    if MANIFEST not in names:
        raise BundleError(_("The bundle has no manifest."))


def _check_manifest(manifest: Any, pack: Pack) -> dict[str, Any]:
    manifest = _object(manifest, _MANIFEST_KEYS, MANIFEST, _MANIFEST_OPTIONAL)
    if manifest["format"] != FORMAT:
        raise BundleError(_("This is not a Navigation Tool bundle."))
    version = manifest["format_version"]
    if not isinstance(version, int) or isinstance(version, bool):
        raise BundleError(_("The manifest's format version is not a number."))
    if version not in READS_FORMATS:
        raise BundleError(_("The bundle uses format version {found}; this app reads version "
                            "{supported}. Use the same app version on both laptops.").format(
            found=version, supported=" or ".join(map(str, READS_FORMATS))))
    if manifest["kind"] not in KINDS:
        raise BundleError(_("The bundle's kind is not one of {kinds}.").format(kinds=", ".join(KINDS)))
    for name in ("app_version", "district_id", "district_name", "created"):
        if not isinstance(manifest[name], str):
            raise BundleError(_("The manifest's {field} must be text.").format(field=name))
    try:
        parse_time(manifest["created"])
    except ValueError:
        raise BundleError(_("The manifest's creation time is not a time.")) from None
    framework = _object(manifest["framework"], ("id", "version"), "manifest.json framework")
    if not all(isinstance(v, str) for v in framework.values()):
        raise BundleError(_("The manifest's framework id and version must be text."))
    if (framework["id"], framework["version"]) != (pack.id, pack.version):
        raise BundleError(_("The bundle was made with the framework \u201c{found_id}\u201d version "
                            "{found}, but this app has \u201c{ours_id}\u201d version {ours}. Use "
                            "the same framework version on both laptops.").format(
            found_id=framework["id"][:100], found=framework["version"][:100], ours_id=pack.id,
            ours=pack.version))
    laptop = manifest.get("laptop", {"id": "", "name": ""})
    laptop = _object(laptop, ("id", "name"), "manifest.json laptop")
    if not all(isinstance(v, str) and len(v) <= 100 for v in laptop.values()):
        raise BundleError(_("The manifest's laptop id and name must be short texts."))
    members = manifest["members"]
    if not isinstance(members, dict):
        raise BundleError(_("The manifest's member list must be an object."))
    for name, entry in members.items():
        entry = _object(entry, ("size", "sha256"), f"manifest.json members {name[:200]}")
        if (not isinstance(entry["size"], int) or isinstance(entry["size"], bool)
                or not isinstance(entry["sha256"], str) or not _SHA256.match(entry["sha256"])):
            raise BundleError(_("The manifest's entry for {name} is damaged.").format(name=name[:200]))
    return manifest


def read_bundle(raw: bytes, pack: Pack, passphrase: str | None = None, *,
                source: str = "") -> BundleContent:
    """Check a bundle file's bytes completely and return its content; else :class:`BundleError`.

    Nothing is written anywhere. References to the framework (competencies, practices,
    questions, conditions) are checked against ``pack``.
    """
    if len(raw) > MAX_FILE_BYTES:
        raise BundleError(_("The file is too large to be a bundle."))
    if is_protected(raw):
        raw = unprotect(raw, passphrase)
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
    except _ZIP_ERRORS:
        raise BundleError(_("The file is not a bundle, or it is damaged or cut off.")) from None
    try:
        with zf:
            infos = zf.infolist()
            _check_directory(infos)
            by_name = {info.filename: info for info in infos}
            budget = _Budget()
            manifest = _check_manifest(_parse_json(_read_member(zf, by_name[MANIFEST]), MANIFEST,
                                                   budget), pack)
            max_bytes, max_values = KIND_LIMITS[manifest["kind"]]
            expected = set(manifest["members"])
            present = set(by_name) - {MANIFEST}
            if expected != present:
                raise BundleError(_("The bundle's files do not match its manifest (missing: "
                                    "{missing}; not listed: {extra}).").format(
                    missing=", ".join(sorted(expected - present))[:500] or "-",
                    extra=", ".join(sorted(present - expected))[:500] or "-"))
            data: dict[str, Any] = {}
            for name in sorted(present):
                info = by_name[name]
                entry = manifest["members"][name]
                if info.file_size != entry["size"]:
                    raise BundleError(_("{name} does not have the size the manifest gives.")
                                      .format(name=name))
                if info.file_size > max_bytes:
                    raise BundleError(_("{name} is too large for a {kind} bundle ({size} bytes).")
                                      .format(name=name, kind=manifest["kind"],
                                              size=info.file_size))
                member = _read_member(zf, info)
                if hashlib.sha256(member).hexdigest() != entry["sha256"]:
                    raise BundleError(_("{name} does not match its checksum; the file was "
                                        "damaged or changed.").format(name=name))
                if _REVOCATION_MEMBER.match(name):
                    data[name] = _check_revocation(member, name)
                else:
                    data[name] = _parse_json(member, name, budget, max_values)
                del member
    except _ZIP_ERRORS:
        raise BundleError(_("The file is not a bundle, or it is damaged or cut off.")) from None
    content = _content(manifest, data, source)
    check_content(content, pack)
    return content


def _check_revocation(raw: bytes, where: str) -> bytes:
    """A revocation list member's bytes, if they are one DER-encoded CRL and nothing more.

    Who signed it is not checked here: the import keeps it only if a root this laptop trusts
    did (:meth:`~navtool_desktop.signing.folder.SigningFolder.add_revocation_list`).
    """
    from cryptography import x509

    try:
        crl = x509.load_der_x509_crl(raw)
        for entry in crl:  # every entry and extension parses
            len(entry.extensions)
        len(crl.extensions)
    except (ValueError, TypeError):
        raise BundleError(_("{member} is not a revocation list (a .crl file); this is not a "
                            "bundle this app made.").format(member=where)) from None
    return raw


def _content(manifest: dict[str, Any], data: dict[str, Any], source: str) -> BundleContent:
    if DISTRICT_MEMBER not in data:
        raise BundleError(_("The bundle has no district.json."))
    top = _object(data[DISTRICT_MEMBER], _DISTRICT_KEYS, DISTRICT_MEMBER, (_TOMBSTONES,))
    district = _record(District, top["district"], "district.json district")
    cycles = []
    lists = {n for n in data if _REVOCATION_MEMBER.match(n)}
    revocations = {int(n.removeprefix("revocations/").removesuffix(".crl")): data[n] for n in lists}
    for name in sorted(n for n in data if n != DISTRICT_MEMBER and n not in lists):
        part = _object(data[name], _CYCLE_KEYS, name, (_TOMBSTONES,))
        cycle = _record(Cycle, part["cycle"], f"{name} cycle")
        if name != f"cycles/{cycle.id}.json":
            raise BundleError(_("{member} holds another cycle ({id}).").format(member=name,
                                                                             id=cycle.id))
        cycles.append(CycleContent(
            cycle,
            _records(Participant, part["participants"], f"{name} participants"),
            _records(Rating, part["ratings"], f"{name} ratings"),
            _records(QuestionResponse, part["responses"], f"{name} responses"),
            _records(Consensus, part["consensus"], f"{name} consensus"),
            _records(Tally, part["tallies"], f"{name} tallies"),
            _records(Tombstone, part.get(_TOMBSTONES, []), f"{name} tombstones")))
    if manifest["district_id"] != district.id:
        raise BundleError(_("The manifest names another district than district.json."))
    framework = manifest["framework"]
    return BundleContent(
        kind=manifest["kind"], district=district, framework_id=framework["id"],
        framework_version=framework["version"], cycles=tuple(cycles),
        plans=_records(Plan, top["plans"], "district.json plans"),
        goals=_records(Goal, top["goals"], "district.json goals"),
        actions=_records(Action, top["actions"], "district.json actions"),
        notes=_records(ProgressNote, top["progress"], "district.json progress"),
        tombstones=_records(Tombstone, top.get(_TOMBSTONES, []), "district.json tombstones"),
        created=manifest["created"], app_version=manifest["app_version"], source=source,
        laptop_id=manifest["laptop"]["id"] if "laptop" in manifest else "",
        laptop_name=manifest["laptop"]["name"] if "laptop" in manifest else "",
        revocations=tuple(revocations[n] for n in sorted(revocations)))



# --- checks on the records together -------------------------------------------------------


def _unique(ids: Iterable[str], what: str) -> set[str]:
    seen: set[str] = set()
    for rid in ids:
        if rid in seen:
            raise BundleError(_("The bundle holds two {what} with the id {id}.").format(what=what,
                                                                                     id=rid))
        seen.add(rid)
    return seen


def _known(pack_ids: frozenset[str], item_id: str, what: str) -> None:
    if item_id not in pack_ids:
        raise BundleError(_("The bundle names a {what} \u201c{id}\u201d that is not in this "
                            "framework.").format(what=what, id=item_id[:200]))


def _check_versions(content: BundleContent) -> None:
    """Refuse versions no laptop makes (see :func:`~navtool_desktop.core.clock.plausible`):
    taken in, they would stop this laptop's later saves, or outrank every correction."""
    records: list[Any] = [content.district, *content.plans, *content.goals, *content.actions,
                          *content.notes, *content.tombstones]
    for part in content.cycles:
        records += [part.cycle, *part.participants, *part.ratings, *part.responses,
                    *part.consensus, *part.tallies, *part.tombstones]
    for record in records:
        version = getattr(record, "version", "")
        if not plausible(version, getattr(record, "prior", "")):
            raise BundleError(_("The bundle holds a record whose version ({version}) no laptop "
                                "makes: the file was changed by hand or is damaged.").format(
                version=str(version)[:60]))


def check_content(content: BundleContent, pack: Pack) -> None:
    """Check what the records say together: kind rules, references, framework ids."""
    ids = pack.ids()
    competencies = {c.id for c in pack.competencies}
    conditions = {c.id for c in pack.conditions}
    _check_versions(content)
    if content.kind != "district" and (content.plans or content.goals or content.actions
                                       or content.notes):
        raise BundleError(_("Only a district bundle may hold plans."))
    if content.kind == "participant" and content.revocations:
        raise BundleError(_("Only a district or cycle bundle may carry revocation lists."))
    if content.kind != "district" and content.tombstones:
        raise BundleError(_("Only a district bundle may delete cycles or plans."))
    _unique((t.id for t in content.tombstones), _("deletions"))
    for stone in content.tombstones:
        if stone.kind not in DISTRICT_TOMBSTONES:
            raise BundleError(_("district.json lists the deletion of a {kind} it cannot hold.")
                              .format(kind=stone.kind))
    if content.kind == "participant":
        if len(content.cycles) != 1:
            raise BundleError(_("A participant bundle must hold exactly one cycle."))
        part = content.cycles[0]
        if len(part.participants) != 1 or part.consensus or part.tallies or part.tombstones:
            raise BundleError(_("A participant bundle must hold one participant's ratings and "
                                "answers only."))
    if content.kind == "cycle" and len(content.cycles) != 1:
        raise BundleError(_("A cycle bundle must hold exactly one cycle."))
    _unique((p.cycle.id for p in content.cycles), _("cycles"))
    for part in content.cycles:
        cycle = part.cycle
        if cycle.framework_id != pack.id:
            raise BundleError(_("The cycle \u201c{title}\u201d uses the framework \u201c{found}"
                                "\u201d, not \u201c{ours}\u201d.").format(
                title=cycle.title[:100], found=cycle.framework_id[:100], ours=pack.id))
        for cid in cycle.scope or ():
            if cid not in conditions:
                _known(frozenset(), cid, _("condition"))
        people = _unique((p.id for p in part.participants), _("participants"))
        _unique((t.id for t in part.tombstones), _("deletions"))
        for stone in part.tombstones:
            if stone.kind in DISTRICT_TOMBSTONES:
                raise BundleError(_("A cycle lists the deletion of a {kind} it cannot hold.")
                                  .format(kind=stone.kind))
        _unique((r.id for r in part.ratings), _("ratings"))
        _unique((r.id for r in part.responses), _("answers"))
        _unique((r.id for r in part.consensus), _("consensus records"))
        _unique((r.id for r in part.tallies), _("tallies"))
        _unique((f"{r.participant_id} {r.competency_id}" for r in part.ratings),
                _("ratings of one competency by one participant"))
        _unique((c.competency_id for c in part.consensus), _("consensus records for a competency"))
        _unique((f"{t.competency_id} {t.role_group}" for t in part.tallies),
                _("tallies for a competency and role group"))
        for rating in part.ratings:
            if rating.participant_id not in people:
                raise BundleError(_("A rating names a participant who is not in the bundle."))
            if rating.competency_id not in competencies:
                _known(frozenset(), rating.competency_id, _("competency"))
            if not cycle.covers(rating.competency_id):
                raise BundleError(_("A rating of {id} is outside the cycle's scope.")
                                  .format(id=rating.competency_id))
            for practice in rating.practices:
                _known(ids, practice, _("practice"))
        for response in part.responses:
            if response.participant_id not in people:
                raise BundleError(_("An answer names a participant who is not in the bundle."))
            _known(ids, response.question_id, _("guiding question"))
        for record in (*part.consensus, *part.tallies):
            if record.competency_id not in competencies:
                _known(frozenset(), record.competency_id, _("competency"))
    plans = _unique((p.id for p in content.plans), _("plans"))
    goals = _unique((g.id for g in content.goals), _("goals"))
    actions = _unique((a.id for a in content.actions), _("actions"))
    _unique((n.id for n in content.notes), _("progress notes"))
    for goal in content.goals:
        if goal.plan_id not in plans:
            raise BundleError(_("A goal belongs to a plan that is not in the bundle."))
        if goal.competency_id not in competencies:
            _known(frozenset(), goal.competency_id, _("competency"))
        for measure in goal.measures:
            for practice in measure.practices:
                _known(ids, practice, _("practice"))
    for action in content.actions:
        if action.goal_id not in goals:
            raise BundleError(_("An action belongs to a goal that is not in the bundle."))
    for note in content.notes:
        if note.action_id not in actions:
            raise BundleError(_("A progress note belongs to an action that is not in the bundle."))
