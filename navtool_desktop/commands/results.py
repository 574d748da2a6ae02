"""``navtool results``: a cycle's results per competency, as aligned text or stable JSON."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from navtool_desktop import paths
from navtool_desktop.commands.common import CommandError
from navtool_desktop.core.records import RATING_CHOICES
from navtool_desktop.i18n import _
from navtool_desktop.vocabulary import level_letter, level_name_with_source

if TYPE_CHECKING:
    from navtool_desktop.framework import Pack

LATEST = "latest"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = sub.add_parser("results", help=_("print a cycle's results per competency"))
    cmd.add_argument("--district", metavar="ID", help=_("district id (default: the one used last)"))
    cmd.add_argument("--cycle", metavar="ID", default=LATEST,
                     help=_("cycle id, or \u201clatest\u201d (the default)"))
    cmd.add_argument("--format", choices=("text", "json"), default="text",
                     help=_("text (default) or json"))
    cmd.add_argument("--threshold", type=int, default=None, metavar="N",
                     help=_("hide role groups with fewer than N people (default: the cycle's own "
                            "threshold; a lower one is refused)"))
    cmd.set_defaults(handler=_results)


def _results(args: argparse.Namespace) -> int:
    from navtool_desktop.commands.common import load_default_pack, open_district
    from navtool_desktop.core import results as res
    from navtool_desktop.core.published import results_to_dict
    from navtool_desktop.storage import Repository, StoreError

    threshold = args.threshold
    if threshold is not None and threshold < res.ANONYMITY_THRESHOLD:
        raise CommandError(_("--threshold must be at least {n}").format(n=res.ANONYMITY_THRESHOLD))
    pack = load_default_pack()
    try:
        with Repository(paths.data_dir(), read_only=True) as repo:
            store = open_district(repo, args.district)
            cycles = store.cycles()
            if not cycles:
                raise CommandError(_("the district \u201c{name}\u201d has no cycles yet")
                                   .format(name=store.profile.name))
            cycle = cycles[-1] if args.cycle == LATEST else store.get_cycle(args.cycle)
            if cycle.framework_id != pack.id:
                raise CommandError(_("the cycle uses the framework \u201c{used}\u201d, not "
                                     "\u201c{loaded}\u201d").format(used=cycle.framework_id,
                                                                   loaded=pack.id))
            if threshold is not None and threshold < cycle.threshold:
                raise CommandError(_(
                    "--threshold {asked} is below this cycle's threshold of {n}; a cycle's threshold "
                    "is lowered only by a recorded change in the app").format(asked=threshold,
                                                                              n=cycle.threshold))
            current = store.results.cycle(pack, cycle.id, threshold)
            before = res.previous_cycle(cycles, cycle.id)
            previous = (store.results.cycle(pack, before.id, max(threshold or 0, before.threshold))
                        if before else None)
            data = results_to_dict(pack, {"id": store.id, "name": store.profile.name}, current,
                                   res.compare(current, previous))
    except StoreError as exc:
        raise CommandError(str(exc)) from None
    if args.format == "json":
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_text(pack, data))
    return 0


# --- text ---------------------------------------------------------------------------------

_NAME_WIDTH = 44


def _paper(dist: dict[str, int]) -> str:
    return str(dist["tallied"]) if dist["tallied"] else ""


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def format_text(pack: Pack, data: dict[str, Any]) -> str:
    """The JSON data as a terminal table: one row per competency, one per role group."""
    from navtool_desktop.core.disclosure import hidden_text, item_withheld_text, no_counts_text, repeated_text

    threshold = data["anonymity_threshold"]
    cycle = data["cycle"]
    head = [_("competency / role group"), *map(level_letter, RATING_CHOICES), _("median"), _("agreement"),
            _("consensus"), _("change"), _("on paper")]
    rows: list[list[str] | str] = []
    by_condition: dict[str, list[dict[str, Any]]] = {}
    for comp in data["competencies"]:
        by_condition.setdefault(comp["condition"], []).append(comp)
    for cond in data["conditions"]:
        star = " \u2605" if cond["priority"] else ""
        rows.append(f"{cond['name']}{star}")
        for comp in by_condition.get(cond["id"], []):
            consensus = comp["consensus"]["level"] if comp["consensus"] else "\u2014"
            if not data["privacy"]["counts_shown"]:
                rows.append([_cut("  " + comp["name"], _NAME_WIDTH), *([""] * len(RATING_CHOICES)), "\u2014",
                             "", consensus, comp["change"], ""])
                continue
            if "distribution" not in comp:  # fewer than the threshold rated this competency
                rows.append([_cut("  " + comp["name"], _NAME_WIDTH), item_withheld_text(threshold)])
                continue
            rows.append([_cut("  " + comp["name"], _NAME_WIDTH),
                         *(str(comp["distribution"][k]) for k in RATING_CHOICES),
                         comp["median"] or "\u2014",
                         _("low") if comp["low_agreement"] else _("ok"),
                         consensus, comp["change"], _paper(comp["distribution"])])
            for group, view in comp["role_groups"].items():
                label = "    " + group.replace("_", " ")
                if view["status"] == "shown":
                    rows.append([label, *(str(view["distribution"][k]) for k in RATING_CHOICES),
                                 view["median"] or "\u2014",
                                 _("low") if view["low_agreement"] else _("ok"), "", "",
                                 _paper(view["distribution"])])
                elif view["status"] == "suppressed":
                    rows.append([label, hidden_text(threshold)])
                else:
                    rows.append([label, _("no votes")])
    full = [r for r in rows if isinstance(r, list) and len(r) == len(head)]
    widths = [max(len(r[i]) for r in [head, *full]) for i in range(len(head))]
    numeric = {*range(1, 1 + len(RATING_CHOICES)), len(head) - 1}

    def line(cells: list[str]) -> str:
        if len(cells) != len(head):  # a note in place of the numbers
            return f"{cells[0].ljust(widths[0])}  {cells[1]}".rstrip()
        out = [c.rjust(widths[i]) if i in numeric else c.ljust(widths[i])
               for i, c in enumerate(cells)]
        return "  ".join(out).rstrip()

    out = [
        _("{district}: {title} ({date}), {count} competencies in scope").format(
            district=data["district"]["name"], title=cycle["title"], date=cycle["date"],
            count=len(data["competencies"])),
        _("{levels}; on paper: votes from paper tallies.").format(levels=", ".join(
            f"{level_letter(c)} {level_name_with_source(c) if c != 'not_sure' else _('not sure')}"
            for c in RATING_CHOICES)),
        data["privacy"]["rule"],
        *([] if data["privacy"]["counts_shown"] else [no_counts_text(threshold)]),
        *([repeated_text(data["privacy"]["entered_more_than_once"])]
          if data["privacy"]["entered_more_than_once"] else []),
        "",
        line(head),
    ]
    for row in rows:
        out.append(row if isinstance(row, str) else line(row))
    names = {c["id"]: c["name"] for c in data["competencies"]}
    out += ["",
            _("Strengths: {items}").format(items="; ".join(names[i] for i in data["strengths"])
                                           or "\u2014"),
            _("Growth areas: {items}").format(
                items="; ".join(names[i] for i in data["growth_areas"]) or "\u2014"),
            _("Without consensus: {count}").format(count=len(data["without_consensus"])),
            "", data["rules"]["median"], data["rules"]["low_agreement"]]
    return "\n".join(out) + "\n"
