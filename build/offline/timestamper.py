"""What the frozen app has in place of ``pyhanko.sign.timestamps.aiohttp_client``.

pyHanko's ``pyhanko.sign.timestamps`` package imports its HTTP time-stamp client (and with it
aiohttp) whatever it is asked to do. The app never asks a time-stamp server: a plan's
signing time is the signer's own claim, shown as such by ``navtool verify``. So the bundle
leaves aiohttp, ``ssl`` and OpenSSL's libraries out (``build/spec_common.py``,
``NETWORK_EXCLUDES``) and carries this module under the original's name. It defines the one
name pyHanko imports from it, and refuses to be used.
"""

from __future__ import annotations

from typing import Any

from pyhanko.sign.timestamps.api import TimeStamper

__all__ = ["HTTPTimeStamper"]

REFUSAL = ("This copy of the Navigation Tool works offline: it does not ask a time-stamp "
           "server on the network.")


class HTTPTimeStamper(TimeStamper):
    """A time-stamp client that refuses to be made: the app has no network client."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError(REFUSAL)
