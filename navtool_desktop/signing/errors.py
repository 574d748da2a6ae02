"""The signing layer's exception: one plain-language message a district user can act on."""

from __future__ import annotations

from navtool_desktop.errors import UserFacingError


class SigningError(UserFacingError):
    """Creating, opening, using or checking a signing identity or a signed PDF failed.

    ``str(exc)`` is fit to show as is; ``reason`` is a stable code for tests and the UI
    (``wrong_passphrase``, ``expired``, ``not_yet_valid``, ``no_non_repudiation``,
    ``not_pkcs12``, ``no_private_key``, ``exists``, ``not_pdf``, ``no_field``, ...).
    """

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason
