"""The one exception a refused bundle raises, with a message fit to show as is."""

from __future__ import annotations

from navtool_desktop.errors import UserFacingError


class BundleError(UserFacingError):
    """A bundle that cannot be imported (or made); nothing was changed. ``str(exc)`` says why."""


class PassphraseError(BundleError):
    """The bundle is protected and the passphrase is missing (``needed``) or wrong."""

    def __init__(self, message: str, *, needed: bool) -> None:
        super().__init__(message)
        self.needed = needed
