"""What the frozen app has in place of ``pyhanko_certvalidator.fetchers.aiohttp_fetchers``.

pyHanko's AdES validation module imports this fetcher backend (and with it aiohttp, ``ssl``
and certifi) when it is loaded, which ``validate_pdf_signature`` does. The app validates
signatures only against the certificates it is given, with fetching switched off
(``allow_fetching=False`` in ``signing/verify.py``), so the bundle leaves the network stack
out (``build/spec_common.py``, ``NETWORK_EXCLUDES``) and carries this module under the
original's name. It defines the one name pyHanko imports from it, and refuses to be used.
"""

from __future__ import annotations

from typing import Any

from pyhanko_certvalidator.fetchers.api import FetcherBackend

__all__ = ["AIOHttpFetcherBackend"]

REFUSAL = ("This copy of the Navigation Tool works offline: it does not fetch certificates, "
           "revocation lists or OCSP answers from the network.")


class AIOHttpFetcherBackend(FetcherBackend):
    """A fetcher backend that refuses to be made: the app has no network client."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError(REFUSAL)
