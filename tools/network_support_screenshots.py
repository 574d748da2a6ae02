"""Screenshots of the network's learning agenda and support menu, and a support plan PDF page.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/network_support_screenshots.py [OUT_DIR] [--lang es]

A made-up network of 36 districts (generated, signed summaries; levels drawn per district around
a readiness of its own, seed 2026), a learning agenda of three anchor questions with two
meetings, and support rows for one district. Saves network-agenda.png and network-support.png
(1366x768), network-district-agenda.png (the district's side) and network-support-plan.png
(page 1 of that district's support plan PDF, drawn by poppler's pdftoppm). With ``--lang es`` the
app, the pack and the network content speak Spanish and each file name ends in ``-es``
(docs/translation/screenshots/network-support-es.png is the support panel so made).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from network_fakes import quick_identity, sealed

from navtool_desktop import i18n
from navtool_desktop.core.records import LEVELS
from navtool_desktop.network.agenda_file import build_agenda, keep_agenda, seal
from navtool_desktop.network.content import load_network_content
from navtool_desktop.network.peer import Agenda, Meeting
from navtool_desktop.network.support import SupportPlans, SupportRow, support_plan_data
from navtool_desktop.network.workspace import Workspace
from navtool_desktop.reports.support_plan import render_support_plan
from navtool_desktop.ui.app import apply_style, load_default_pack
from navtool_desktop.ui.network_agenda import DistrictAgendaPanel, NetworkAgendaPanel
from navtool_desktop.ui.network_support import NetworkSupportPanel

NAMES = ("Alder Creek", "Bear Lake", "Birch Falls", "Cedar Ridge", "Clearwater", "Copper Hill", "Deer Park",
         "Eagle Valley", "Elm Grove", "Fox River", "Granite Peak", "Hawthorne", "Iron Mountain", "Juniper Flats",
         "Kettle Pond", "Lakeview", "Maple Springs", "Mesa Verde", "North Fork", "Oak Hollow", "Pine Ridge",
         "Quarry Hill", "Red Rock", "Riverbend", "Sage Brush", "Silver Lake", "Spruce Point", "Stone Bridge",
         "Sunrise", "Timberline", "Twin Rivers", "Upper Valley", "Walnut Grove", "Willow Bend", "Wolf Creek",
         "Peña Valley")


def build(folder: Path, pack: object) -> None:
    rng = random.Random(2026)
    comps = [c.id for c in pack.competencies]  # type: ignore[attr-defined]
    with Workspace(folder, pack) as ws:  # type: ignore[arg-type]
        for n, name in enumerate(NAMES):
            readiness = rng.uniform(0, 2.6)
            levels = {c: LEVELS[max(0, min(3, round(readiness + rng.gauss(0, 0.7))))] for c in comps}
            for c in rng.sample(comps, rng.randint(0, 3)):
                levels[c] = None  # type: ignore[assignment]
            goals = rng.sample(comps[:14], 3)
            ws.import_bytes(sealed(pack, f"d{n:02d}", f"{name} School District", levels, goals,  # type: ignore[arg-type]
                                   state="NH"))
        content = load_network_content(pack)  # type: ignore[arg-type]
        agenda = Agenda(ws, content)
        agenda.set_network("North Country Network")
        agenda.set_title("Learning agenda 2026-27")
        agenda.choose("plc1-q1", "Families in our towns hear \u201ccompetency\u201d as jargon; we want one shared "
                                 "explainer in English and Spanish.")
        agenda.choose("plc2-q4", "Four middle schools pilot math learning progressions this year.")
        agenda.choose("plc4-q2")
        agenda.save_meeting(Meeting("", "2026-09-17", "Kick-off in Lakeview. Each district named its priority "
                                    "competencies; most named Communication or Goal Setting.",
                                    "Each district brings one family letter to compare."))
        agenda.save_meeting(Meeting("", "2026-10-29", "Compared nine family letters; three used no jargon.",
                                    "Draft a shared one-page explainer by December."))
        plans = SupportPlans(ws, content)
        for row in (
            SupportRow("", "d35", "technical-assistance", "comprehensive-assessment-system.assessment-practices",
                       "State PACE team", "2027-01-15", "in_progress", "Two workshops on performance tasks"),
            SupportRow("", "d35", "information", "transparency.communication", "Regional coach", "2026-12-10",
                       "done", "Sent Kentucky's readiness survey"),
            SupportRow("", "d35", "peer-networks", "professional-development-and-learning.collaboration",
                       "North Country Network", "2027-03-04", "not_started", "Join the spring cohort"),
        ):
            plans.save(row)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--lang", choices=sorted(i18n.LANGUAGES), default=i18n.SOURCE_LANGUAGE)
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    i18n.set_language(args.lang)
    tail = "" if args.lang == i18n.SOURCE_LANGUAGE else f"-{args.lang}"
    app = QApplication(sys.argv[:1])
    apply_style(app)
    pack = load_default_pack()
    content = load_network_content(pack)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "network"
        build(folder, pack)
        with Workspace(folder, pack) as ws:
            agenda_panel = NetworkAgendaPanel(ws, pack, content)
            agenda_panel.resize(1366, 768)
            agenda_panel.show()
            agenda_panel.select_question("plc1-q1")
            agenda_panel.table.selectRow(1)
            app.processEvents()
            agenda_panel.grab().save(str(out / f"network-agenda{tail}.png"))
            agenda_panel.close()
            support = NetworkSupportPanel(ws, pack, content)
            support.resize(1366, 768)
            support.show()
            support.select_district("d35")
            support.table.selectRow(0)
            app.processEvents()
            support.grab().save(str(out / f"network-support{tail}.png"))
            support.close()
            pdf = Path(tmp) / "support.pdf"
            pdf.write_bytes(render_support_plan(support_plan_data(ws, content, "d35", today=dt.date(2026, 12, 1))))
            subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                            str(out / f"network-support-plan{tail}")], check=True)
            sent = seal(build_agenda(Agenda(ws, content)), quick_identity("North Country Network"))
        district = Path(tmp) / "district"
        district.mkdir()
        keep_agenda(district, sent, pack, content)
        panel = DistrictAgendaPanel(district, pack, content, goal_competencies=["transparency.communication",
                                                                                "agency.goal-setting"])
        panel.resize(900, 640)
        panel.show()
        app.processEvents()
        panel.grab().save(str(out / f"network-district-agenda{tail}.png"))
        panel.close()
    print("saved to", out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
