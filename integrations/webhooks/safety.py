"""SSRF: where a webhook may point. Checked at registration and again at every delivery.

Unless ``settings.WEBHOOK_ALLOW_PRIVATE_URLS`` (development and tests), a URL must be https and
every address its host resolves to must be public: no private, loopback, link-local, shared,
multicast, reserved or unspecified address. The delivery connects to an address it checked
(``sender.py`` pins it), so a DNS answer that changes between check and connect cannot move it.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext

from influencer_ops.errors import FieldError


class UnsafeURL(FieldError):
    def __init__(self, message: str) -> None:
        super().__init__("url", message)


def allow_private() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_PRIVATE_URLS", False))


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_link_local)


def resolve(host: str, port: int) -> list[str]:
    """Every address of ``host`` (an IP literal resolves to itself)."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeURL(
            gettext("The host “%(host)s” cannot be resolved.") % {"host": host}
        ) from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _parts(url: str) -> tuple[str, int]:
    """The URL's host and port, after the checks that need no DNS."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("https", "http") or not host:
        raise UnsafeURL(gettext("Enter a web address starting with https://."))
    if parts.scheme != "https" and not allow_private():
        raise UnsafeURL(gettext("A webhook URL must start with https://."))
    if parts.username or parts.password:
        raise UnsafeURL(
            gettext("Put no user name or password in the URL; the signature authenticates us.")
        )
    return host, parts.port or (443 if parts.scheme == "https" else 80)


def _refuse_private(host: str, addresses: list[str]) -> None:
    refused = [a for a in addresses if not is_public(a)]
    if refused or not addresses:
        raise UnsafeURL(
            gettext(
                "The host “%(host)s” resolves to a private or reserved address "
                "(%(addresses)s); webhooks go to public addresses only."
            )
            % {"host": host, "addresses": ", ".join(refused)}
        )


def check_url(url: str) -> None:
    """At registration: ``UnsafeURL`` (a 400) unless ``url`` may receive webhooks. Where
    private addresses are allowed (development, tests) nothing is resolved, so an offline
    machine can register any address."""
    host, port = _parts(url)
    if not allow_private():
        _refuse_private(host, resolve(host, port))


def checked_addresses(url: str) -> list[str]:
    """At delivery: the addresses it may connect to, resolved now; ``UnsafeURL`` when none."""
    host, port = _parts(url)
    addresses = resolve(host, port)
    if not allow_private():
        _refuse_private(host, addresses)
    return addresses
