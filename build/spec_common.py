"""What the PyInstaller specs in build/ share: which Qt parts and packages stay out of a bundle.

``navtool.spec`` and ``bare_window.spec`` both use these lists, so the launch benchmark
compares the app with a bare window frozen exactly the same way.

If the app starts to use another Qt module (``PySide6.QtSvg``, ``PySide6.QtPrintSupport``...),
take it out of :data:`QT_MODULE_EXCLUDES`, or the frozen build will fail where the source works.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any

#: Qt modules the app does not import (only QtCore, QtGui and QtWidgets are used).
QT_MODULE_EXCLUDES: tuple[str, ...] = tuple(
    f"PySide6.{name}"
    for name in (
        "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput", "Qt3DLogic", "Qt3DRender",
        "QtAxContainer", "QtBluetooth", "QtCharts", "QtConcurrent", "QtDataVisualization", "QtDBus",
        "QtDesigner", "QtGraphs", "QtGraphsWidgets", "QtHelp", "QtHttpServer", "QtLocation",
        "QtMultimedia", "QtMultimediaWidgets", "QtNetwork", "QtNetworkAuth", "QtNfc", "QtOpenGL",
        "QtOpenGLWidgets", "QtPdf", "QtPdfWidgets", "QtPositioning", "QtPrintSupport", "QtQml",
        "QtQuick", "QtQuick3D", "QtQuickControls2", "QtQuickTest", "QtQuickWidgets",
        "QtRemoteObjects", "QtScxml", "QtSensors", "QtSerialBus", "QtSerialPort", "QtSpatialAudio",
        "QtSql", "QtStateMachine", "QtSvg", "QtSvgWidgets", "QtTest", "QtTextToSpeech", "QtUiTools",
        "QtWebChannel", "QtWebEngineCore", "QtWebEngineQuick", "QtWebEngineWidgets", "QtWebSockets",
        "QtWebView", "QtXml",
    )
)

#: Test-only, developer and unused standard-library packages.
PY_EXCLUDES: tuple[str, ...] = (
    "tkinter", "_tkinter", "turtle", "turtledemo", "idlelib", "lib2to3", "pydoc_data", "ensurepip",
    "pytest", "_pytest", "pytestqt", "pluggy", "hypothesis", "pypdf", "ruff", "pip", "setuptools",
    "pkg_resources", "distutils", "IPython", "jedi", "PyInstaller",
    # line editing for an interactive prompt the app never shows: libreadline and libtinfo
    # (about 0.55 MB) stay out with it
    "readline",
    # ReportLab's charts, barcodes and widgets: the documents draw their charts with shapes
    # (reports/charts.py); about 0.4 MB of the archive
    "reportlab.graphics.charts", "reportlab.graphics.barcode", "reportlab.graphics.widgets",
    # pyHanko's command line (click) and its network-only extras; the app calls the library.
    "pyhanko.cli", "click",
    # Pillow is needed by ReportLab for images and by verify's page comparison (ImageDraw,
    # which imports the ImageFont module; its FreeType library _imagingft stays out), but not
    # its AVIF/WebP codecs, colour management or Tk bridge (together about 7 MB of libraries).
    "PIL._avif", "PIL.AvifImagePlugin", "PIL._webp", "PIL.WebPImagePlugin", "PIL._imagingcms",
    "PIL.ImageCms", "PIL._imagingft", "PIL._imagingtk", "PIL.ImageTk",
    "PIL._imagingmath", "PIL.ImageMath", "PIL._imagingmorph", "PIL.ImageMorph", "PIL.ImageQt",
    # lxml is needed by pyHanko for XMP metadata (lxml.etree), not for HTML or objectify.
    "lxml.objectify", "lxml.html", "lxml.isoschematron", "lxml.html5parser", "lxml.cssselect",
    # Test and documentation tools of the standard library and ReportLab's test helpers; the
    # app starts no worker processes (multiprocessing, concurrent.futures' process pool).
    "unittest", "doctest", "pydoc", "reportlab.lib.testutils", "reportlab.graphics.testshapes",
    "reportlab.graphics.testdrawings", "multiprocessing", "_multiprocessing", "_posixshmem",
    "concurrent.futures.process",
    # (The East Asian legacy codecs stay, about 0.9 MB: Python needs the locale's encoding to
    # start at all, and a Linux desktop set to EUC-JP, GBK, Big5 or EUC-KR would not open the
    # app without them; build/check_locales.py checks it on the built bundle.)
)

#: Network clients and TLS. The app opens no connection but the phone page's local HTTP
#: server: pyHanko validates with the certificates it is given (``allow_fetching=False``) and
#: asks no time-stamp server, so aiohttp and its helpers, ``ssl`` and OpenSSL's libraries
#: (libssl, libcrypto; ``_hashlib`` too, whose hashes Python also has built in) stay out,
#: about 8 MB. cryptography keeps its own copy of OpenSSL's algorithms inside its Rust library.
#: pyHanko imports two of its network modules whatever it is asked to do; the bundle carries
#: the replacements in :data:`OFFLINE_MODULES` instead.
NETWORK_EXCLUDES: tuple[str, ...] = (
    "aiohttp", "aiohappyeyeballs", "aiosignal", "frozenlist", "multidict", "yarl", "propcache",
    "idna", "certifi", "charset_normalizer", "requests", "urllib3", "oscrypto",
    "ssl", "_ssl", "_hashlib",
    "pyhanko_certvalidator.fetchers.aiohttp_fetchers", "pyhanko_certvalidator.fetchers.requests_fetchers",
    "pyhanko.sign.timestamps.aiohttp_client", "pyhanko.sign.timestamps.requests_client",
    "pyhanko.sign.signers.csc_signer", "pyhanko.sign.validation.qualified.eutl_fetch",
)

#: Modules the bundle carries in place of pyHanko's network ones (module name -> file under
#: ``build/offline/``). Each defines the names pyHanko's other modules import from the
#: original, and refuses with a clear message if it is ever used
#: (``tests/test_bundle_trim.py`` checks both against the installed pyHanko).
OFFLINE_MODULES: dict[str, str] = {
    "pyhanko.sign.timestamps.aiohttp_client": "offline/timestamper.py",
    "pyhanko_certvalidator.fetchers.aiohttp_fetchers": "offline/fetchers.py",
}

#: Linux libraries every desktop has, left to the system (the bundle's copies would come from
#: the build machine). The first group is from AppImage's exclude list
#: (github.com/AppImageCommunity/pkg2appimage, file ``excludelist``), where bundling them is
#: known to break: libstdc++ older than the graphics driver's needs, fontconfig and FreeType
#: stalling or misreading the system's font configuration, an X11 client library out of step
#: with the system's libxcb. The D-Bus client library is on every Linux desktop too; Debian's
#: copy would bring libsystemd and libgcrypt, and libgcrypt needs a libgpg-error, which the
#: list leaves to the system.
SYSTEM_LIBRARIES: frozenset[str] = frozenset({
    # AppImage's exclude list
    "libstdc++.so.6", "libgcc_s.so.1", "libX11.so.6", "libX11-xcb.so.1", "libxcb.so.1",
    "libfontconfig.so.1", "libfreetype.so.6", "libharfbuzz.so.0", "libfribidi.so.0",
    "libexpat.so.1", "libgpg-error.so.0", "libuuid.so.1", "libz.so.1", "libwayland-client.so.0",
    "libGL.so.1", "libEGL.so.1", "libICE.so.6", "libSM.so.6", "libcom_err.so.2", "libgmp.so.10",
    # the D-Bus client library
    "libdbus-1.so.3",
})

#: Libraries only the system libraries above use (checked with readelf on the bundle: nothing
#: else in it needs them): libdbus's (libsystemd and what it links), FreeType's (libpng,
#: Brotli) and libxcb's (libXau, libXdmcp and libbsd, collected for the system's libxcb).
ONLY_FOR_SYSTEM_LIBRARIES: frozenset[str] = frozenset({
    "libsystemd.so.0", "libgcrypt.so.20", "liblz4.so.1", "libcap.so.2",
    "libpng16.so.16", "libbrotlidec.so.1", "libbrotlicommon.so.1",
    "libXau.so.6", "libXdmcp.so.6", "libbsd.so.0", "libmd.so.0",
})

#: Qt plugin folders collected by PyInstaller's Qt hooks that a widgets app never loads. The
#: widgets draw in software (raster), so the OpenGL/EGL/Vulkan integrations of xcb and Wayland
#: stay out too, and with them libQt6OpenGL and libxcb-glx (about 1.1 MB).
DROP_PLUGIN_DIRS: frozenset[str] = frozenset({
    "egldeviceintegrations", "generic", "iconengines", "imageformats", "networkinformation", "tls",
    "qmltooling", "qmllint", "sqldrivers", "designer", "printsupport", "multimedia", "position",
    "sensors", "texttospeech", "webview", "wayland-graphics-integration-server",
    "xcbglintegrations", "wayland-graphics-integration-client",
})

#: Platform plugins kept: the desktop ones, plus offscreen and minimal for headless runs.
KEEP_PLATFORMS: frozenset[str] = frozenset({
    "offscreen", "minimal", "xcb", "wayland", "wayland-egl", "wayland-generic", "windows",
    "cocoa", "direct2d",
})
#: Input methods kept (dead keys and IBus, for accents); the virtual keyboard needs QtQuick.
KEEP_INPUT_CONTEXTS: frozenset[str] = frozenset({"composeplatforminputcontextplugin",
                                                  "ibusplatforminputcontextplugin"})
#: GTK3 would pull the whole GTK stack in; the portal theme is small and covers Flatpak/Snap.
KEEP_PLATFORM_THEMES: frozenset[str] = frozenset({"xdgdesktopportal"})
#: Wayland: the desktop shell protocol (xdg-shell) only, not the embedded ones (ivi, fullscreen,
#: qt-shell, the old wl-shell with its library).
KEEP_WAYLAND_SHELLS: frozenset[str] = frozenset({"xdg-shell"})
#: Window frames drawn by the app on Wayland desktops that want it (GNOME): Qt's own
#: ("bradient"); the Adwaita look would bring libQt6Svg (about 0.8 MB) for its icons.
KEEP_WAYLAND_DECORATIONS: frozenset[str] = frozenset({"bradient"})

#: Qt's own translations shipped: only Qt's base words in Spanish (dialog buttons, menus; about
#: 160 kB), loaded by ``ui.app.install_qt_translation``. Not ``qt_es.qm``, which only includes others.
KEEP_QT_TRANSLATIONS: tuple[str, ...] = ("qtbase_es.qm",)

_LEFT_TO_THE_SYSTEM = SYSTEM_LIBRARIES | ONLY_FOR_SYSTEM_LIBRARIES

_PLUGIN_STEM = re.compile(r"^(?:lib)?q?(?P<stem>[^.]+)\.(?:so|dll|dylib)$")


def _plugin_stem(filename: str) -> str:
    match = _PLUGIN_STEM.match(filename)
    return match.group("stem") if match else filename


def keep_entry(dest: str) -> bool:
    """Whether a collected file (its path inside the bundle) belongs in the app."""
    parts = PurePosixPath(dest.replace("\\", "/")).parts
    if len(parts) == 1 and dest in _LEFT_TO_THE_SYSTEM:
        return False
    if "locale" in parts and dest.endswith((".po", ".pot")):
        return False  # the app reads the compiled navtool.mo; the sources stay in the repository
    if "translations" in parts and dest.endswith(".qm"):
        name = parts[-1]
        return name in KEEP_QT_TRANSLATIONS
    if "plugins" not in parts:
        return True
    at = parts.index("plugins")
    if len(parts) < at + 3:
        return True
    folder, filename = parts[at + 1], parts[-1]
    if folder in DROP_PLUGIN_DIRS:
        return False
    stem = _plugin_stem(filename)
    if folder == "platforms":
        return stem in KEEP_PLATFORMS
    if folder == "platforminputcontexts":
        return stem in KEEP_INPUT_CONTEXTS
    if folder == "platformthemes":
        return stem in KEEP_PLATFORM_THEMES
    if folder == "wayland-shell-integration":
        return stem in KEEP_WAYLAND_SHELLS
    if folder == "wayland-decoration-client":
        return stem in KEEP_WAYLAND_DECORATIONS
    return True


def trim(toc: Iterable[Any]) -> list[Any]:
    """A TOC (``a.binaries`` / ``a.datas``) without the entries :func:`keep_entry` refuses."""
    return [entry for entry in toc if keep_entry(entry[0])]


def restrict_qt_plugins() -> None:
    """Make PyInstaller's Qt hooks collect only the plugins :func:`keep_entry` accepts.

    Filtering ``a.binaries`` afterwards is not enough: by then the dropped plugins' own
    libraries (GTK for the gtk3 theme, QtNetwork for tls, ...) are collected too. So the
    hooks' plugin collector is wrapped before ``Analysis`` runs (hooks run in this process).
    """
    from PyInstaller.utils.hooks import qt

    original = qt.QtLibraryInfo.collect_plugins
    if getattr(original, "_navtool_restricted", False):
        return

    def collect_plugins(self: Any, plugin_type: str) -> list[tuple[str, str]]:
        return [(src, dst) for src, dst in original(self, plugin_type)
                if keep_entry(f"{dst}/{os.path.basename(src)}")]

    collect_plugins._navtool_restricted = True  # type: ignore[attr-defined]
    qt.QtLibraryInfo.collect_plugins = collect_plugins  # type: ignore[method-assign]


def strip_debug_info(folder: str) -> None:
    """Remove debug sections and local symbols from the bundle's shared libraries (Linux).

    The interpreter and its extension modules often carry debug info (libpython alone is
    23 MB with it, 4 MB without). Libraries under ``*.libs`` (vendored by auditwheel and
    rewritten with patchelf) are left alone: stripping those can corrupt them.
    """
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    if not sys.platform.startswith("linux"):
        return
    strip = shutil.which("strip")
    if strip is None:
        print("navtool spec: 'strip' not found (binutils); the bundle keeps its debug info")
        return
    files = [str(path) for path in Path(folder).rglob("*.so*")
             if path.is_file() and not path.is_symlink()
             and not any(part.endswith(".libs") for part in path.parts)]
    for start in range(0, len(files), 200):
        subprocess.run([strip, "--strip-unneeded", *files[start:start + 200]], check=True)


def offline_toc(build_dir: str | os.PathLike[str]) -> list[tuple[str, str, str]]:
    """The PYZ entries of :data:`OFFLINE_MODULES`: each replacement under its original's name."""
    return [(name, os.path.join(str(build_dir), *path.split("/")), "PYMODULE")
            for name, path in OFFLINE_MODULES.items()]


def system_libxau_for_pillow(binaries: Iterable[Any]) -> list[Any]:
    """A binaries TOC where Pillow's libXau is the system's (call before :func:`trim`).

    Pillow's wheel vendors libXau (for its X11 screen grab, which the app never uses) as 14 KB
    of code that patchelf laid out with a 2 MiB alignment: 2.1 MB on disk. The system's copy of
    the same library is collected anyway (for libxcb, ``libXau.so.6``), so the bundle ships that
    file under Pillow's name; its ABI has not changed since 2005. Elsewhere (no such files) the
    TOC is returned as it is.
    """
    entries = list(binaries)
    system = next((src for dest, src, _kind in entries if dest == "libXau.so.6"), None)
    if system is None:
        return entries

    def is_pillows(dest: str) -> bool:
        path = PurePosixPath(dest.replace("\\", "/"))
        return path.parent.name == "pillow.libs" and path.name.startswith("libXau-")

    return [(dest, system, kind) if is_pillows(dest) else (dest, src, kind) for dest, src, kind in entries]
