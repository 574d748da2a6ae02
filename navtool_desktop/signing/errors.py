"""The signing layer's exception: one plain-language message a district user can act on."""

from __future__ import annotations

from navtool_desktop.errors import UserFacingError
from navtool_desktop.i18n import _


class SigningError(UserFacingError):
    """Creating, opening, using or checking a signing identity or a signed PDF failed.

    ``str(exc)`` is fit to show as is; ``reason`` is a stable code for tests and the UI
    (``wrong_passphrase``, ``expired``, ``not_yet_valid``, ``no_non_repudiation``,
    ``not_pkcs12``, ``no_private_key``, ``exists``, ``not_pdf``, ``no_field``, ...).
    """

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason

    @classmethod
    def encrypted(cls, label: str) -> SigningError:
        """What signing and checking say of a password-protected (encrypted) PDF."""
        return cls(_("{file} is protected with a password (encrypted). The Navigation Tool signs and checks "
                     "only PDFs without one, as it makes them: ask for a copy without the password.")
                   .format(file=label), "encrypted")
