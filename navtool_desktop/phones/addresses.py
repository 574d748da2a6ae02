"""The laptop's IPv4 addresses a facilitator can choose from (standard library, no Qt).

Qt's network module is left out of the desktop bundle, so this uses the socket module:
the host name's addresses, and the address the routing table would use toward a network
(a UDP socket "connected" to a documentation address: connecting a UDP socket sends no
packet, it only asks the kernel which local address it would use).
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket

LOOPBACK = "127.0.0.1"
_PROBE = ("192.0.2.1", "10.255.255.254", "172.31.255.254", "192.168.255.254")


def local_addresses() -> list[str]:
    """Usable IPv4 addresses of this laptop (private ones first), loopback last."""
    found: list[str] = []
    with contextlib.suppress(OSError):
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(str(info[4][0]))
    for target in _PROBE:
        with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect((target, 9))   # no packet is sent for a UDP connect
            found.append(s.getsockname()[0])
    usable = []
    for text in dict.fromkeys(found):
        try:
            ip = ipaddress.IPv4Address(text)
        except ValueError:
            continue
        if not (ip.is_loopback or ip.is_unspecified or ip.is_multicast or ip.is_link_local):
            usable.append(text)
    usable.sort(key=lambda a: (not ipaddress.IPv4Address(a).is_private, a))
    return [*usable, LOOPBACK]
