"""What the frozen bundle leaves out of Qt (build/spec_common.py): no OpenGL integrations, one
Wayland shell and Qt's own window frames, no readline."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _spec_common():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(REPO / "build"))
    try:
        import spec_common
    finally:
        sys.path.remove(str(REPO / "build"))
    return spec_common


def test_the_bundle_keeps_the_desktop_plugins_and_leaves_out_opengl_and_svg() -> None:
    keep = _spec_common().keep_entry
    plugins = "PySide6/Qt/plugins"
    for kept in ("platforms/libqxcb.so", "platforms/libqwayland.so", "platforms/libqoffscreen.so",
                 "wayland-shell-integration/libxdg-shell.so", "wayland-decoration-client/libbradient.so",
                 "platforminputcontexts/libibusplatforminputcontextplugin.so",
                 "platformthemes/libqxdgdesktopportal.so", "platforms/qwindows.dll", "styles/qmodernwindowsstyle.dll"):
        assert keep(f"{plugins}/{kept}"), kept
    for dropped in ("xcbglintegrations/libqxcb-glx-integration.so", "xcbglintegrations/libqxcb-egl-integration.so",
                    "wayland-graphics-integration-client/libqt-plugin-wayland-egl.so",
                    "wayland-graphics-integration-client/libvulkan-server.so",
                    "wayland-shell-integration/libivi-shell.so", "wayland-shell-integration/libwl-shell-plugin.so",
                    "wayland-decoration-client/libadwaita.so", "imageformats/libqsvg.so"):
        assert not keep(f"{plugins}/{dropped}"), dropped
    assert "readline" in _spec_common().PY_EXCLUDES
