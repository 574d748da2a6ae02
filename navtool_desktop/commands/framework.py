"""``navtool framework dump|check``: print or validate a framework pack."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from navtool_desktop import paths
from navtool_desktop.framework import Pack, PackError, load_pack
from navtool_desktop.i18n import _


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    fw = sub.add_parser("framework", help=_("print or check a framework content pack"))
    fw_sub = fw.add_subparsers(dest="framework_command", metavar="ACTION", required=True)
    dump = fw_sub.add_parser("dump", help=_("print the loaded pack as JSON"))
    dump.add_argument("--pack", type=Path, help=_("pack folder (default: the Navigation Tool)"))
    dump.set_defaults(handler=_dump)
    check = fw_sub.add_parser("check", help=_("validate a pack folder"))
    check.add_argument("path", type=Path)
    check.set_defaults(handler=_check)


def pack_to_dict(pack: Pack) -> dict[str, Any]:
    """The pack as plain data: conditions → competencies → levels, with every id."""
    data = asdict(pack)
    data.pop("_index", None)
    data.pop("path", None)
    return data


def _dump(args: argparse.Namespace) -> int:
    try:
        pack = load_pack(args.pack or paths.default_pack_dir())
    except PackError as exc:
        print(_("navtool: the pack cannot be loaded: {error}").format(error=exc), file=sys.stderr)
        return 1
    json.dump(pack_to_dict(pack), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def _check(args: argparse.Namespace) -> int:
    """Validate the pack and every translation in it (``<pack>/<language>/*.toml``), and list
    the texts each translation lacks (English is shown for them, so they are not errors)."""
    from navtool_desktop.framework.locale import language_folders, missing, read_translation, translatable

    try:
        pack = load_pack(args.path)
        translations = [read_translation(pack, language) for language in language_folders(pack)]
    except PackError as exc:
        print(_("navtool: the pack is not valid: {error}").format(error=exc), file=sys.stderr)
        return 1
    print(
        _("{title} {version}: {conditions} conditions, {competencies} competencies, valid.").format(
            title=pack.short_title,
            version=pack.version,
            conditions=len(pack.conditions),
            competencies=len(pack.competencies),
        )
    )
    total = sum(len(fields) for fields in translatable(pack).values())
    for translation in filter(None, translations):
        lacking = missing(pack, translation)
        if not lacking:
            print(_("{language}: every text translated ({total} texts).").format(
                language=translation.language, total=total))
            continue
        print(_("{language}: {count} of {total} texts lack a translation (English is shown):").format(
            language=translation.language, count=len(lacking), total=total))
        for text_id in lacking:
            print(f"  {text_id}")
    return 0
