"""``navtool --self-test``: check that this copy of the app works, in a temporary data folder.

Run after installing (or by CI against the frozen build): every step prints one line,
``ok   <step>: <what it found>``, ``FAIL <step>: <why>`` or ``skip <step>: <why>``, and the
exit status is 0 only if no step failed.

Adding a step: write a function taking a :class:`Context` and returning a short detail
string, and register it with :func:`step`, naming in ``needs`` the modules the feature
lives in. While a module is not in the code base, the step prints ``skip ...: not built
yet``; once the module exists the step runs, and calls the feature through
:func:`feature`, which fails with a clear message if the function it expects is missing.
Steps pass things along in ``Context.values`` (the pack, the open district, the PDF...);
a step whose inputs an earlier step did not produce is skipped, naming that step.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from navtool_desktop import __version__, paths
from navtool_desktop.i18n import _

#: Seconds the main window may take to appear before the step fails.
WINDOW_TIMEOUT_S = 20.0


class StepError(Exception):
    """A step failed; the message is printed after ``FAIL <step>:``."""


class StepSkipped(Exception):
    """A step cannot run (its feature or its inputs are missing); the message says why."""


@dataclass
class Context:
    """What the steps share: the temporary data folder and values earlier steps produced."""

    data_dir: Path
    values: dict[str, Any] = field(default_factory=dict)

    def need(self, key: str) -> Any:
        """A value an earlier step produced; skip this step if it is not there."""
        if key not in self.values:
            raise StepSkipped(_("needs \u201c{step}\u201d").format(step=PRODUCERS.get(key, key)))
        return self.values[key]


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[Context], str]
    needs: tuple[str, ...] = ()
    produces: tuple[str, ...] = ()


#: The steps, in the order they run.
STEPS: list[Step] = []
#: Which step produces each ``Context.values`` key (for skip messages).
PRODUCERS: dict[str, str] = {}


def step(name: str, *, needs: Iterable[str] = (), produces: Iterable[str] = ()
         ) -> Callable[[Callable[[Context], str]], Callable[[Context], str]]:
    """Register a step function under ``name`` (decorator)."""

    def register(func: Callable[[Context], str]) -> Callable[[Context], str]:
        made = Step(name, func, tuple(needs), tuple(produces))
        STEPS.append(made)
        for key in made.produces:
            PRODUCERS[key] = name
        return func

    return register


def module_exists(name: str) -> bool:
    """Whether ``name`` is in the code base (without importing it, only its parents)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def feature(module: str, *names: str) -> Any:
    """The first of ``names`` found in ``module``; a clear StepError if there is none."""
    mod = importlib.import_module(module)
    for name in names:
        if hasattr(mod, name):
            return getattr(mod, name)
    raise StepError(_("{module} has no {names}; update this step in navtool_desktop/selftest.py")
                    .format(module=module, names=" / ".join(f"{n}()" for n in names)))


# --- the steps -------------------------------------------------------------------------


@step("load content pack", needs=["navtool_desktop.framework"], produces=["pack"])
def _load_pack(ctx: Context) -> str:
    from navtool_desktop.framework import load_pack

    pack = load_pack(paths.default_pack_dir())
    ctx.values["pack"] = pack
    if not pack.conditions or not pack.competencies:
        raise StepError(_("the pack at {path} is empty").format(path=paths.default_pack_dir()))
    return _("{conditions} conditions, {competencies} competencies").format(
        conditions=len(pack.conditions), competencies=len(pack.competencies))


@step("bundled libraries")
def _libraries(ctx: Context) -> str:
    """Import what the features load lazily, so a bundle missing one fails here, not later."""
    found = []
    for label, module in (("PySide6", "PySide6"), ("TinyDB", "tinydb"), ("ReportLab", "reportlab"),
                          ("pyHanko", "pyhanko"), ("cryptography", "cryptography"),
                          ("Pillow", "PIL"), ("lxml", "lxml.etree")):
        try:
            mod = importlib.import_module(module)
        except ImportError as exc:
            raise StepError(_("{label} cannot be imported: {error}").format(label=label, error=exc)) from None
        version = getattr(mod, "__version__", None)
        if version is None and module == "pyhanko":
            version = getattr(importlib.import_module("pyhanko.version"), "__version__", None)
        found.append(f"{label} {version}" if isinstance(version, str) else label)
    return ", ".join(found)


@step("Spanish and English text (ICU)")
def _text_services(ctx: Context) -> str:
    """Qt's ICU data is trimmed to English and Spanish in the Linux bundle: check both still sort."""
    import functools

    from PySide6.QtCore import QCollator, QLocale

    words = ["zeta", "\u00d1and\u00fa", "nube", "\u00e1rbol"]
    # Spanish sorts \u00d1 as its own letter after N; English sorts it with N.
    for name, expected in (("es_ES", ["\u00e1rbol", "nube", "\u00d1and\u00fa", "zeta"]),
                           ("en_US", ["\u00e1rbol", "\u00d1and\u00fa", "nube", "zeta"])):
        collator = QCollator(QLocale(name))
        got = sorted(words, key=functools.cmp_to_key(collator.compare))
        if got != expected:
            raise StepError(_("{locale} sorts {got}, expected {expected}").format(
                locale=name, got=", ".join(got), expected=", ".join(expected)))
    spanish = QLocale("es_ES").toString(1234.5, "f", 1)
    if spanish != "1234,5" and spanish != "1.234,5":
        raise StepError(_("Spanish numbers read {text}").format(text=spanish))
    return _("sorting and numbers in es_ES and en_US: {text}").format(text=spanish)


@step("create the demo district", needs=["navtool_desktop.core.demo", "navtool_desktop.storage.demo"],
      produces=["district_id", "repository"])
def _demo(ctx: Context) -> str:
    from navtool_desktop.storage import Repository

    generate = feature("navtool_desktop.core.demo", "generate")
    save_demo = feature("navtool_desktop.storage.demo", "save_demo")
    demo = generate(ctx.need("pack"), years=1, participants=6)
    repo = Repository(ctx.data_dir)
    ctx.values["repository"] = repo
    store = save_demo(repo, demo)
    ctx.values["district_id"] = demo.district.id
    ratings = sum(len(c.ratings) for c in demo.cycles)
    ctx.values["demo_counts"] = (len(demo.cycles), ratings, len(demo.plans))
    return _("\u201c{name}\u201d: cycles {cycles}, ratings {ratings}, plans {plans}, backups {backups}").format(
        name=demo.district.name, cycles=len(demo.cycles), ratings=ratings, plans=len(demo.plans),
        backups=len(store.backups()))


@step("save and reopen", needs=["navtool_desktop.storage.repository"], produces=["store"])
def _reopen(ctx: Context) -> str:
    from navtool_desktop.storage import Repository

    district_id = ctx.need("district_id")
    ctx.values.pop("repository").close()
    repo = Repository(ctx.data_dir)
    ctx.values["repository"] = repo
    store = repo.open_district(district_id, auto_backup=False)
    cycles = store.cycles()
    ratings = sum(len(store.ratings(c.id)) for c in cycles)
    counts = (len(cycles), ratings, len(store.plans()))
    if counts != ctx.values["demo_counts"]:
        raise StepError(_("read back {got} (cycles, ratings, plans), saved {saved}")
                        .format(got=counts, saved=ctx.values["demo_counts"]))
    ctx.values["store"] = store
    detail = _("read back cycles {cycles}, ratings {ratings}, plans {plans}").format(
        cycles=counts[0], ratings=counts[1], plans=counts[2])
    if module_exists("navtool_desktop.storage.check"):
        check_data_dir = feature("navtool_desktop.storage.check", "check_data_dir")
        report = check_data_dir(ctx.data_dir, ctx.need("pack"))
        if not report.ok:
            raise StepError("; ".join(report.problems))
        detail += _("; check finds no problems")
    return detail


#: The module that renders a plan as PDF: the step runs once it exists.
PLAN_REPORT_MODULE = "navtool_desktop.reports.plan"


@step("render the plan PDF", needs=["navtool_desktop.reports.data", PLAN_REPORT_MODULE], produces=["plan_pdf"])
def _render(ctx: Context) -> str:
    store = ctx.need("store")
    if not store.plans():
        raise StepError(_("the demo district has no plan"))
    load_plan = feature("navtool_desktop.reports.data", "load_plan")
    render_plan = feature(PLAN_REPORT_MODULE, "render_plan")
    pack = ctx.need("pack")
    rendered = render_plan(pack, load_plan(store, pack))
    data = rendered.pdf
    if not isinstance(data, bytes) or not data.startswith(b"%PDF-"):
        raise StepError(_("{module}.render_plan() did not return a PDF").format(module=PLAN_REPORT_MODULE))
    out = ctx.data_dir / "self-test-plan.pdf"
    out.write_bytes(data)
    ctx.values["plan_pdf"] = out
    ctx.values["plan_fields"] = [name for name, _box in rendered.boxes]
    return _("{file}, {size} KB, {fields} signature fields").format(
        file=out.name, size=len(data) // 1024, fields=len(rendered.boxes))


#: A name in each script the PDFs print, with the face that prints it.
_SCRIPT_NAMES = (
    ("DejaVuSans", "Nguy\u1ec5n \u0418\u0432\u0430\u043d"),
    ("DroidSansFallback", "\u738b\u5c0f\u660e \uae40\ubbfc\uc900"),
    ("NotoSansArabic", "\u0645\u062d\u0645\u062f \u0639\u0644\u064a"),
    ("NotoSansHebrew", "\u05d3\u05d5\u05d3 \u05db\u05d4\u05df"),
    ("NotoSansDevanagari", "\u092a\u094d\u0930\u093f\u092f\u093e"),
)


@step("draw names in every script", needs=["navtool_desktop.reports.document"])
def _scripts(ctx: Context) -> str:
    """The fallback fonts (resources/fonts), HarfBuzz and the HTML twin work in this copy."""
    from navtool_desktop.reports.common import para
    from navtool_desktop.reports.document import DocumentInfo, build_with_twin, heading, twin_checksum

    names = " \u00b7 ".join(name for _face, name in _SCRIPT_NAMES)
    pdf, twin = build_with_twin(lambda: [heading("Self-test"), para(names), *twin_checksum()],
                                DocumentInfo("Self-test", "navtool", "", "", cover=False))
    missing = [face for face, _name in _SCRIPT_NAMES if b"+" + face.encode() not in pdf]
    if missing:
        raise StepError(_("fonts not embedded: {faces}").format(faces=", ".join(missing)))
    if names not in twin or b"/StructTreeRoot" not in pdf or b"pdfuaid" not in pdf:
        raise StepError(_("the tagged PDF or its HTML twin is incomplete"))
    return _("{count} scripts, {size} KB, HTML twin {twin} bytes").format(
        count=len(_SCRIPT_NAMES), size=len(pdf) // 1024, twin=len(twin.encode()))


def _stand_in_pdf(path: Path) -> None:
    """A one-page PDF to sign while the plan report is not built yet (ReportLab)."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=letter)
    pdf.setTitle("Navigation Tool Desktop self-test")
    pdf.drawString(72, 720, "Navigation Tool Desktop self-test: a stand-in for the plan")
    pdf.showPage()
    pdf.save()


@step("sign the plan", needs=["navtool_desktop.signing"], produces=["signed_pdf", "trust_root"])
def _sign(ctx: Context) -> str:
    create_root = feature("navtool_desktop.signing", "create_root")
    issue_signer = feature("navtool_desktop.signing", "issue_signer")
    save_identity = feature("navtool_desktop.signing", "save_identity")
    load_identity = feature("navtool_desktop.signing", "load_identity")
    sign_pdf = feature("navtool_desktop.signing", "sign_pdf")
    source = ctx.values.get("plan_pdf")
    stand_in = source is None
    if source is None:
        source = ctx.data_dir / "self-test-page.pdf"
        _stand_in_pdf(source)
    root = create_root("Self-test District")
    p12 = ctx.data_dir / "self-test-signer.p12"
    save_identity(issue_signer(root, "Sam Self-Test", "Superintendent"), p12, "self-test")
    identity = load_identity(p12, "self-test")
    signed = ctx.data_dir / "self-test-signed.pdf"
    fields = ctx.values.get("plan_fields") or [None]
    # the self-test signer stands in for whoever the demo plan names in its first box
    sign_pdf(source, signed, identity, field=fields[0], force=True)
    ctx.values["signed_pdf"] = signed
    ctx.values["trust_root"] = root.certificate
    ctx.values["signer"] = identity
    detail = _("{file}, {size} KB, signed by {name}").format(
        file=signed.name, size=signed.stat().st_size // 1024, name=identity.name)
    if stand_in:
        detail += _(" (a stand-in page: the plan report is not built yet)")
    return detail


@step("verify the signature", needs=["navtool_desktop.signing"])
def _verify(ctx: Context) -> str:
    signed = ctx.need("signed_pdf")
    verify_pdf = feature("navtool_desktop.signing", "verify_pdf")
    report = verify_pdf(signed, [ctx.need("trust_root")])
    if not report.ok or not report.trusted:
        raise StepError(report.summary)
    # the page comparison's renderer (pdfium) must be in the bundle too
    pages = feature("navtool_desktop.signing.revisions", "draw_pages")(signed.read_bytes())
    return _("{summary} ({count} pages drawn for the page comparison)").format(summary=report.summary,
                                                                               count=len(pages))


#: What the frozen bundle leaves out so that it has no network client (build/spec_common.py,
#: NETWORK_EXCLUDES): none of these may be importable in it.
NETWORK_MODULES = ("aiohttp", "ssl", "_ssl", "_hashlib", "certifi", "urllib3", "requests")


@step("no network client in the bundle", needs=["pyhanko.sign.timestamps"])
def _offline(ctx: Context) -> str:
    """The frozen app carries no HTTP client or TLS, and pyHanko's network modules refuse."""
    if not getattr(sys, "frozen", False):
        raise StepSkipped(_("only in the frozen app (a source checkout has pyHanko's network "
                            "clients installed)"))
    present = [name for name in NETWORK_MODULES if module_exists(name)]
    if present:
        raise StepError(_("the bundle has {modules}").format(modules=", ".join(present)))
    from pyhanko.sign.timestamps import HTTPTimeStamper
    from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

    refused = 0
    for make in (lambda: HTTPTimeStamper("http://127.0.0.1:9/"), AIOHttpFetcherBackend):
        try:
            make()
        except RuntimeError:
            refused += 1
    if refused != 2:
        raise StepError(_("pyHanko's time-stamp client or certificate fetcher can be made"))
    return _("{count} network modules absent; the time-stamp client and the certificate "
             "fetcher refuse").format(count=len(NETWORK_MODULES))


@step("sign and import a district summary", needs=["navtool_desktop.network.workspace"])
def _network(ctx: Context) -> str:
    build_summary = feature("navtool_desktop.network.summary", "build_summary")
    seal = feature("navtool_desktop.network.summary", "seal")
    workspace = feature("navtool_desktop.network.workspace", "Workspace")
    raw = seal(build_summary(ctx.need("store"), ctx.need("pack")), ctx.need("signer"))
    with workspace(ctx.data_dir / "network", ctx.need("pack")) as ws:  # SQLite must be in the bundle
        outcome = ws.import_bytes(raw, "self-test.navsummary")
        view = ws.side_by_side()
        cycles = sum(len(ws.history(d)) for d in view.cycle)
    if outcome.status != "added" or len(view.cycle) != 1:
        raise StepError(outcome.message or _("the district is missing from the side-by-side view"))
    return _("{size} KB, signature checked, shown side by side with {cycles} closed cycles").format(
        size=len(raw) // 1024, cycles=cycles)


@step("phone rating on this laptop only", needs=["navtool_desktop.phones"])
def _phones(ctx: Context) -> str:
    """Serve a cycle on 127.0.0.1, fetch its page in English and Spanish with urllib, draw the
    projector's QR code (segno), stop: http.server, segno and the page's languages are bundled."""
    import urllib.request

    import segno

    from navtool_desktop.core.pins import check_pin, hash_pin

    phones = importlib.import_module("navtool_desktop.phones")
    store = ctx.need("store")
    cycles = store.cycles()
    if not cycles:
        raise StepError(_("the demo district has no cycle"))
    desk = phones.SaveDesk()
    room = phones.snapshot_room(store, cycles[-1].id, ctx.need("pack"))
    server = phones.PhoneServer(ctx.need("pack"), room, desk, host="127.0.0.1",
                                pack_language="en")
    url = server.start()
    sizes = []
    try:
        for lang, marker in (("en", '<html lang="en">'), ("es", '<html lang="es">')):
            with urllib.request.urlopen(f"{url}?lang={lang}", timeout=10) as reply:
                page = reply.read().decode("utf-8")
                if reply.status != 200 or marker not in page or "Content-Security-Policy" not in reply.headers:
                    raise StepError(_("the {lang} page did not come back whole").format(lang=lang))
                sizes.append(len(page) // 1024)
        qr = io.BytesIO()
        segno.make(url, error="m").save(qr, kind="png", scale=4)
        if not qr.getvalue().startswith(b"\x89PNG"):
            raise StepError(_("segno made no PNG"))
        # personal codes (PBKDF2) and PINs (scrypt) hash with cryptography: the bundle has no _hashlib
        someone = room.participants[0].id
        code = server.pins.new_codes([someone])[someone]
        if server.pins.participant_of_code(code) != someone or not check_pin("2468", hash_pin("2468")):
            raise StepError(_("a personal code or a PIN did not check"))
    finally:
        server.stop()
    try:
        with urllib.request.urlopen(url, timeout=2):
            pass
    except OSError:  # URLError too: nothing listens any more
        pass
    else:
        raise StepError(_("the server still answered after it stopped"))
    return _("served {url}, pages {en} KB (English) and {es} KB (Spanish), QR code {qr} bytes, "
             "stopped").format(url=url, en=sizes[0], es=sizes[1], qr=len(qr.getvalue()))


@step("show the main window", needs=["navtool_desktop.ui.main_window"])
def _show_window(ctx: Context) -> str:
    if (not os.environ.get("QT_QPA_PLATFORM") and sys.platform.startswith("linux")
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from navtool_desktop.ui.app import apply_style
    from navtool_desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_style(app)
    started = time.perf_counter()
    window = MainWindow(ctx.need("pack"))
    shown: list[float] = []

    def on_shown() -> None:
        shown.append(time.perf_counter() - started)
        QTimer.singleShot(0, app.quit)

    window.shown.connect(on_shown)
    QTimer.singleShot(int(WINDOW_TIMEOUT_S * 1000), app.quit)
    window.show()
    app.exec()
    window.close()
    window.deleteLater()
    if not shown:
        raise StepError(_("the window did not appear within {seconds:.0f} s").format(seconds=WINDOW_TIMEOUT_S))
    return _("shown in {seconds:.2f} s on the {platform} platform, closed").format(
        seconds=shown[0], platform=app.platformName())


# --- running ---------------------------------------------------------------------------


def run_steps(steps: Sequence[Step], ctx: Context, out: TextIO) -> tuple[int, int, int]:
    """Run ``steps`` in order, one line each; return (passed, failed, skipped)."""
    passed = failed = skipped = 0
    for item in steps:
        missing = [name for name in item.needs if not module_exists(name)]
        if missing:
            print(f"skip {item.name}: " + _("not built yet"), file=out, flush=True)
            skipped += 1
            continue
        try:
            detail = item.run(ctx)
        except StepSkipped as exc:
            print(f"skip {item.name}: {exc}", file=out, flush=True)
            skipped += 1
        except Exception as exc:
            message = str(exc) or type(exc).__name__
            print(f"FAIL {item.name}: {type(exc).__name__}: {message}"
                  if not isinstance(exc, StepError) else f"FAIL {item.name}: {message}",
                  file=out, flush=True)
            failed += 1
        else:
            print(f"ok   {item.name}: {detail}", file=out, flush=True)
            passed += 1
    return passed, failed, skipped


def run(steps: Sequence[Step] | None = None, out: TextIO | None = None) -> int:
    """The self-test in a fresh temporary data folder: 0 if no step failed, else 1."""
    out = out or sys.stdout
    frozen = _(" (frozen)") if getattr(sys, "frozen", False) else ""
    print(_("navtool {version}{frozen} self-test").format(version=__version__, frozen=frozen),
          file=out, flush=True)
    previous = paths._data_dir_override
    with tempfile.TemporaryDirectory(prefix="navtool-selftest-") as tmp:
        ctx = Context(Path(tmp) / "data")
        ctx.data_dir.mkdir()
        paths.set_data_dir(ctx.data_dir)
        try:
            passed, failed, skipped = run_steps(STEPS if steps is None else steps, ctx, out)
        finally:
            repo = ctx.values.pop("repository", None)
            if repo is not None:
                repo.close()
            paths.set_data_dir(previous)
    if failed:
        print(_("self-test FAILED: {failed} failed, {passed} passed, {skipped} skipped")
              .format(failed=failed, passed=passed, skipped=skipped), file=out, flush=True)
        return 1
    print(_("self-test passed: {passed} passed, {skipped} skipped").format(passed=passed, skipped=skipped),
          file=out, flush=True)
    return 0
