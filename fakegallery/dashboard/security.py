"""The dashboard's safety rules (docs/dashboard.md, "Safety"): response headers
(a Content-Security-Policy that allows no inline script and nothing from another
origin), the Origin check of every control, and the HTML error page of the
dashboard's area."""

from __future__ import annotations

from flask import Response, render_template, request

from ..errors import CrossOriginRefused, FakeGalleryError, InvalidArgument

#: Scripts only from the fake's own files; styles may be inline because text
#: items carry their own `style` attributes (their frames inherit this policy).
#: Frames are only `srcdoc` text items, which `frame-src` does not govern.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",  # no-referrer would make Origin "null"
    "Cache-Control": "no-store",
}


def secure(response: Response) -> Response:
    """Add the dashboard's headers (static files keep their own caching)."""
    for name, value in HEADERS.items():
        if name == "Cache-Control" and request.endpoint == "dashboard.static":
            continue
        response.headers.setdefault(name, value)
    return response


def own_origin() -> str:
    """The origin this request was sent to: scheme://host[:port]."""
    return request.host_url.rstrip("/")


def check_origin() -> None:
    """A control must come from a page of this fake: browsers name the page's
    origin in `Origin` on every POST. A missing, `null` or foreign origin, or a
    `Sec-Fetch-Site` other than same-origin, is refused before anything changes."""
    origin = request.headers.get("Origin")
    site = request.headers.get("Sec-Fetch-Site")
    if origin != own_origin() or site not in (None, "same-origin"):
        raise CrossOriginRefused(
            f"dashboard controls only accept requests from {own_origin()} "
            f"(Origin: {origin or 'none'}); scripts and tests should use the "
            "/_fake/ JSON routes",
            {"origin": origin, "expected": own_origin()},
        )


def render_html(error: FakeGalleryError) -> Response:
    """The dashboard area's error page: the same facts as the JSON body."""
    violations = error.violations if isinstance(error, InvalidArgument) else []
    html = render_template("error.html", error=error, violations=violations)
    response = Response(html, status=error.status, mimetype="text/html")
    location = error.data.get("location")
    if location and 300 <= error.status < 400:
        response.headers["Location"] = location
    return secure(response)
