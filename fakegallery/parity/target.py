"""Where a parity scenario runs: the fake in-process, or a remote API — real
Wix when the user gives credentials (docs/parity.md).

A remote target is guarded: it refuses to start against a site that already
has galleries unless told to, it remembers every gallery it creates and
`cleanup()` deletes exactly those, and it never runs against a non-loopback
host while the `CI` environment variable is set.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import orjson
import requests

if TYPE_CHECKING:
    from ..fake import FakeGallery

#: The real gateway (docs/behaviour.md §1).
WIX_API = "https://www.wixapis.com"
PREFIX = "/pro-gallery/v2"
TIMEOUT = 30.0
LOOPBACK = {"127.0.0.1", "localhost", "::1"}

#: The environment a real run reads (never set by the project's CI).
ENV_KEY, ENV_SITE, ENV_BASE = "WIX_API_KEY", "WIX_SITE_ID", "WIX_API_BASE"


class ParityRefused(RuntimeError):
    """The harness will not run against this target; the message says why."""


@dataclass
class Exchange:
    """One call and its answer, as the scenario saw it."""

    method: str
    path: str
    status: int
    body: Any
    request_id: str | None = None
    sent: Any = None


@dataclass
class Target:
    """An API to run scenarios against. `fake` is set for the in-process fake
    (scenarios that seed fixtures or read events need it)."""

    name: str
    base_url: str
    session: requests.Session
    site_id: str
    fake: FakeGallery | None = None
    real: bool = False
    created: list[str] = field(default_factory=list)

    def call(
        self,
        method: str,
        path: str,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
    ) -> Exchange:
        """Call the API (`path` below the prefix, e.g. ``/galleries``) or,
        with a leading ``/_fake/``, the fake's control plane."""
        url = self.base_url + (path if path.startswith("/_fake/") else PREFIX + path)
        response = self.session.request(
            method, url, json=json, params=params, timeout=TIMEOUT
        )
        try:
            body = orjson.loads(response.content) if response.content else None
        except orjson.JSONDecodeError:
            body = {"nonJsonBody": response.text[:2000]}
        exchange = Exchange(
            method,
            path,
            response.status_code,
            body,
            response.headers.get("x-wix-request-id"),
            json,
        )
        self._track(exchange)
        return exchange

    def _track(self, exchange: Exchange) -> None:
        """Remember galleries this target created; forget deleted ones."""
        if exchange.status != 200 or not isinstance(exchange.body, dict):
            return
        if exchange.method == "POST" and exchange.path == "/galleries":
            gallery = exchange.body.get("gallery") or {}
            if isinstance(gallery, dict) and isinstance(gallery.get("id"), str):
                self.created.append(gallery["id"])
        elif exchange.method == "DELETE" and exchange.path.count("/") == 2:
            gallery_id = exchange.path.rsplit("/", 1)[-1]
            if gallery_id in self.created:
                self.created.remove(gallery_id)

    def gallery_count(self) -> int:
        listed = self.call("GET", "/galleries", params={"limit": 1})
        if listed.status != 200 or not isinstance(listed.body, dict):
            raise ParityRefused(
                f"{self.name}: cannot list the site's galleries "
                f"(HTTP {listed.status}): {listed.body!r:.300}"
            )
        return int(listed.body.get("totalGalleries", 0))

    def check_empty(self, allow_existing: bool = False) -> None:
        """Refuse a site that already has galleries, unless `allow_existing`."""
        count = self.gallery_count()
        if count and not allow_existing:
            raise ParityRefused(
                f"{self.name}: site {self.site_id} already has {count} "
                "galleries; run against an empty test site, or allow it "
                "(--allow-existing-galleries / WIX_ALLOW_EXISTING_GALLERIES=1): "
                "the harness deletes only galleries it created"
            )

    def cleanup(self) -> list[str]:
        """Delete the galleries this target created (only those); returns
        their ids. On the in-process fake the scenario's site is dropped."""
        deleted: list[str] = []
        for gallery_id in list(reversed(self.created)):
            answer = self.call("DELETE", f"/galleries/{gallery_id}")
            if answer.status in (200, 404):
                deleted.append(gallery_id)
                if gallery_id in self.created:
                    self.created.remove(gallery_id)
        if self.fake is not None:
            self.fake.drop_site(self.site_id)
        return deleted

    def close(self) -> None:
        self.session.close()


def _session(api_key: str, site_id: str, trust_env: bool) -> requests.Session:
    session = requests.Session()
    session.trust_env = trust_env
    session.headers.update(
        {
            "Authorization": api_key,
            "wix-site-id": site_id,
            "User-Agent": "fakegallery-parity",
        }
    )
    return session


def fake_target(config: Mapping[str, Any] | None = None) -> Target:
    """The fake itself, in-process (no socket), on a fresh site."""
    from ..app import create_app, get_fake
    from ..testing.transport import WSGIAdapter

    app = create_app({"SEED": 0, **(config or {})})
    site_id = str(uuid.UUID(int=0x9A41_7E57 << 96 | 1, version=4))
    base = "http://fakegallery.parity"
    session = _session("parity-key", site_id, trust_env=False)
    session.mount(base + "/", WSGIAdapter(app))
    return Target("fake", base, session, site_id, fake=get_fake(app))


def remote_target(
    base_url: str,
    api_key: str,
    site_id: str,
    *,
    real: bool = True,
    name: str = "real",
    environ: Mapping[str, str] | None = None,
) -> Target:
    """Another API over HTTP: real Wix, or any server playing it. While the
    `CI` variable is set, only loopback hosts are allowed (CI never calls the
    network)."""
    env = os.environ if environ is None else environ
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ParityRefused(f"{base_url!r} is not an http(s) URL")
    if env.get("CI") and parts.hostname not in LOOPBACK:
        raise ParityRefused(
            f"{base_url}: parity runs against the network never run in CI "
            "(the CI variable is set)"
        )
    if not api_key or not site_id:
        raise ParityRefused("an API key and a site id are needed")
    session = _session(api_key, site_id, trust_env=parts.hostname not in LOOPBACK)
    return Target(name, base_url.rstrip("/"), session, site_id, real=real)


def real_target_from_env(environ: Mapping[str, str] | None = None) -> Target:
    """Real Wix from WIX_API_KEY and WIX_SITE_ID (WIX_API_BASE overrides the
    gateway, e.g. to point the harness at a stand-in); refuses without them."""
    env = os.environ if environ is None else environ
    key, site = env.get(ENV_KEY, ""), env.get(ENV_SITE, "")
    if not key or not site:
        raise ParityRefused(
            f"set {ENV_KEY} and {ENV_SITE} (an API key with the Manage "
            "Galleries scope and an empty test site) to run against real Wix"
        )
    base = env.get(ENV_BASE) or WIX_API
    return remote_target(base, key, site, environ=env)
