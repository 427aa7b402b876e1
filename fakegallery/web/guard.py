"""Who may drive the fake: the checks that keep a web page in a browser from
changing its state (docs/control-plane.md, "Safety").

1. **Host** (DNS rebinding): a server bound to a loopback address answers only
   requests whose Host is a loopback name (``localhost``, ``*.localhost``,
   ``127.x.x.x``, ``[::1]``) or one of ALLOWED_HOSTS. A page on
   ``http://evil.example`` whose name is re-pointed at 127.0.0.1 still sends
   ``Host: evil.example``, and is refused.
2. **Origin** (cross-site requests): a request that can change state (any
   method but GET, HEAD, OPTIONS) is refused when a browser says it comes from
   another origin: ``Sec-Fetch-Site`` other than ``same-origin``/``none``, or an
   ``Origin`` that is not the server's own. Clients that send neither header
   (curl, requests, the Wix SDK in Node) are not browsers and pass. The fake
   never answers a CORS preflight with ``Access-Control-Allow-*`` headers, so a
   browser never lets another origin read an answer or send JSON.
3. **Control token**: with CONTROL_TOKEN set, every /_fake/ route but the
   health probe, the OpenAPI document and the pictures (media files and
   placeholders) needs the header ``X-Fake-Control-Token`` — the dashboard's
   pages too, which a browser cannot send: with a token, use the JSON routes.

Areas share these checks: `install` runs them before every request, the
dashboard's included (dashboard/security.py adds its own, stricter Origin rule
for its controls).
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable

from flask import Flask, request

from ..config import Settings
from ..errors import ControlTokenRequired, CrossOriginRefused, HostNotAllowed

#: The WSGI environ key the server layer sets when it listens on loopback only.
LOOPBACK = "fakegallery.loopback"
#: Methods that never change state.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: The browser's own judgement (Fetch Metadata) that is not cross-origin.
SAME_ORIGIN_FETCH = frozenset({"same-origin", "none"})
CONTROL_PREFIX = "/_fake/"
TOKEN_HEADER = "X-Fake-Control-Token"
#: /_fake/ routes a control token does not guard: a readiness probe, the API
#: description, and pictures that an <img> (which sends no headers) loads.
_OPEN = ("/_fake/health", "/_fake/openapi.json")
_OPEN_PREFIXES = ("/_fake/media/", "/_fake/placeholder/")


def install(app: Flask, settings: Settings) -> None:
    """Run the three checks before every request of `app`."""
    allowed = frozenset(settings.allowed_hosts)
    token = settings.control_token

    @app.before_request
    def _guard() -> None:
        host = request.headers.get("Host", "")
        if request.environ.get(LOOPBACK) and not host_allowed(host, allowed):
            raise HostNotAllowed(
                f"Host '{host}' is not a loopback name: this server listens on "
                "loopback only and refuses other names (DNS rebinding); add it to "
                "ALLOWED_HOSTS if you meant it",
                {"host": host},
            )
        if request.method not in SAFE_METHODS:
            origin = foreign_origin(
                request.headers.get("Origin"),
                request.headers.get("Sec-Fetch-Site"),
                request.host_url,
            )
            if origin is not None:
                raise CrossOriginRefused(
                    f"a browser request from {origin} may not change the fake's "
                    "state: only same-origin pages and non-browser clients may",
                    {"origin": origin},
                )
        if token is not None and needs_token(request.method, request.path):
            sent = request.headers.get(TOKEN_HEADER, "")
            if not hmac.compare_digest(sent.encode(), token.encode()):
                raise ControlTokenRequired(
                    f"this server has a CONTROL_TOKEN: send it in the {TOKEN_HEADER} "
                    "header",
                    {"header": TOKEN_HEADER},
                )


def host_allowed(host: str, allowed: Iterable[str] = ()) -> bool:
    """True when `host` (a Host header, maybe with a port) is a loopback name
    or in `allowed` ("*" allows any). An empty Host (HTTP/1.0) is allowed: a
    browser always sends one."""
    allowed = set(allowed)
    if "*" in allowed:
        return True
    name = host_name(host)
    if not name or name in allowed:
        return True
    if name == "localhost" or name.endswith(".localhost"):
        return True  # RFC 6761 §6.3: always the loopback interface
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


def host_name(host: str) -> str:
    """The lower-case name of a Host header value, without the port."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def foreign_origin(
    origin: str | None, fetch_site: str | None, own_url: str
) -> str | None:
    """The foreign origin a browser request comes from, or None when it is
    same-origin or not from a browser. `own_url` is the server's own base URL
    as the request named it (``http://127.0.0.1:5000/``)."""
    own = own_url.rstrip("/").lower()
    if origin is not None:
        sent = origin.strip().lower()
        if sent != own:
            return sent or "an unnamed origin"
        return None
    if fetch_site is not None and fetch_site.strip().lower() not in SAME_ORIGIN_FETCH:
        return f"a {fetch_site.strip().lower()} page"
    return None


def needs_token(method: str, path: str) -> bool:
    """True for the /_fake/ routes CONTROL_TOKEN guards."""
    if not path.startswith(CONTROL_PREFIX) or method == "OPTIONS":
        return False
    if method not in ("GET", "HEAD"):
        return True
    return path not in _OPEN and not path.startswith(_OPEN_PREFIXES)
