"""The district's PDF documents (ReportLab): the plan, the assessment report, the rating sheet.

Only this package and the commands import ReportLab; the GUI imports it when it exports.
Start with :func:`render_plan`, :func:`render_report` and :func:`render_rating_sheet`;
their inputs come from :mod:`navtool_desktop.reports.data`.
"""

from navtool_desktop.reports.data import (
    PlanInput,
    ReportInput,
    ReportInputError,
    Signer,
    default_signers,
    load_plan,
    load_report,
    pick_cycle,
)
from navtool_desktop.reports.plan import RenderedPlan, fingerprint_lines, render_plan
from navtool_desktop.reports.report import render_report
from navtool_desktop.reports.sheet import render_rating_sheet
from navtool_desktop.reports.text import clean, markup

__all__ = [
    "PlanInput",
    "RenderedPlan",
    "ReportInput",
    "ReportInputError",
    "Signer",
    "clean",
    "default_signers",
    "fingerprint_lines",
    "load_plan",
    "load_report",
    "markup",
    "pick_cycle",
    "render_plan",
    "render_rating_sheet",
    "render_report",
]
