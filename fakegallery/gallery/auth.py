"""Who is calling: the Authorization and wix-site-id headers → a Caller
(docs/behaviour.md §3)."""

from __future__ import annotations

from typing import NamedTuple

from flask import request

from ..config import MANAGE, PERMISSIONS, READ, Settings
from ..errors import PermissionDenied, SiteNotPublished, Unauthenticated
from ..state.live import LiveModel
from ..state.site_settings import SiteSettings

ALL = frozenset(PERMISSIONS)
#: `X-Fake-Elevate: true` lends one call the permission it needs (ALLOW_ELEVATE).
ELEVATE_HEADER = "X-Fake-Elevate"


class Caller(NamedTuple):
    site_id: str
    permissions: frozenset[str]
    key: str | None = None
    #: True when the call used a permission only through X-Fake-Elevate.
    elevated: bool = False


def _token() -> str:
    raw = request.headers.get("Authorization", "").strip()
    # The SDK sends the raw key or token; some clients add "Bearer " (§3.1, a default).
    # A bare "Bearer" (empty token, the header already stripped) is no token.
    if raw[:7].lower() == "bearer " or raw.lower() == "bearer":
        raw = raw[7:].strip()
    return raw


def api_token() -> str | None:
    """The key or token of the request, if any (the rate limit's bucket)."""
    return _token() or None


def addressed_site(settings: Settings) -> str | None:
    """The site a call addresses, as `authorize` finds it, without checking
    anything: the wix-site-id header, the key's own site, the default site."""
    site_header = request.headers.get("wix-site-id", "").strip()
    if site_header:
        return site_header
    declared = settings.api_keys.get(_token()) if settings.auth != "off" else None
    bound = declared.site_id if declared is not None else None
    return bound or settings.default_site_id


def authorize(site_settings: SiteSettings, live: LiveModel, permission: str) -> Caller:
    """Authenticate the request and check that it may use `permission`.

    401 without a key (or, in strict mode, with an undeclared one); 403 when the
    key lacks the permission, is bound to another site, or no site is known.
    `PRO_GALLERY.MANAGE` includes reading (§3.2: the Manage scope reads too).
    `X-Fake-Elevate: true` grants a missing permission for this call (unless
    ALLOW_ELEVATE is off, for the addressed site); then 428 SITE_NOT_PUBLISHED
    for an unpublished site.
    """
    settings = site_settings.settings
    site_header = request.headers.get("wix-site-id", "").strip() or None
    token = _token()
    key = None
    permissions = ALL
    bound_site = None
    if settings.auth != "off":
        if not token:
            raise Unauthenticated(
                "missing Authorization header: send an API key or access token"
            )
        declared = settings.api_keys.get(token)
        if declared is not None:
            key, permissions, bound_site = token, declared.permissions, declared.site_id
        elif settings.auth == "strict":
            raise Unauthenticated(
                "unknown API key: in strict auth mode only keys declared in "
                "API_KEYS are accepted"
            )
    if bound_site and site_header and site_header != bound_site:
        raise PermissionDenied(
            f"this API key belongs to site '{bound_site}', not '{site_header}'",
            {"siteId": site_header},
        )
    site_id = site_header or bound_site or settings.default_site_id
    if not site_id:
        raise PermissionDenied("missing wix-site-id header")
    granted = permissions | {READ} if MANAGE in permissions else permissions
    elevate = request.headers.get(ELEVATE_HEADER, "").strip().lower()
    elevated = False
    if permission not in granted:
        # docs/live-site.md rule 7: only 'pro-gallery.manage' may write, "You can
        # override the permissions with the wix-auth elevate() function".
        allowed = site_settings.switch(site_id, "allow_elevate")
        if elevate in ("true", "1", "yes") and allowed:
            elevated = True
        else:
            disabled = " (ALLOW_ELEVATE is off)" if elevate else ""
            raise PermissionDenied(
                f"this call needs the {permission} permission; the API key has "
                f"{', '.join(sorted(permissions)) or 'none'}{disabled}",
                {"permission": permission},
            )
    if not live.is_published(site_id):
        # docs/live-site.md rule 6: "To work with the Pro Gallery Backend API, publish
        # your site." The status and code are our choice (errors.SiteNotPublished).
        raise SiteNotPublished(site_id)
    return Caller(site_id=site_id, permissions=permissions, key=key, elevated=elevated)
