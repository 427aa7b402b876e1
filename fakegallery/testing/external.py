"""The pytest plugin's external-server mode (`--fakegallery-url`): the tests talk
to a fakegallery started elsewhere (`fakegallery serve`, a container, another
machine's loopback tunnel) over HTTP only.

Isolation is the same as in-process: each test gets a fresh random site id and
its site is dropped at teardown with ``POST /_fake/reset?siteId=``. What needs
the fake in this process (the Flask app, the FakeGallery object, the
socket-free client, collecting server-side exceptions) raises InProcessOnly
(docs/testing.md, "Against a running server").
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import orjson
import requests

from ..config import SettingsError
from ..seeding import fixtures
from ..state.clock import Ids, format_precise, parse_time
from .server import READY_TIMEOUT, ServerError

#: Seconds one control-plane call may take.
CALL_TIMEOUT = 30.0


class RemoteError(ServerError):
    """The external server refused a control-plane call; `status`, `code` and
    `body` are its answer."""

    def __init__(self, message: str, status: int, code: str, body: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.body = body


def _in_process_only(what: str, url: str) -> NoReturn:
    from .control import InProcessOnly

    raise InProcessOnly(
        f"{what} needs the in-process server; with --fakegallery-url the tests "
        f"reach {url} over HTTP only (docs/testing.md, 'Against a running server')"
    )


class ExternalServer:
    """Stands where `FakeGalleryServer` stands, for a server started elsewhere."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ServerError(
                f"fakegallery: --fakegallery-url wants an origin such as "
                f"http://127.0.0.1:5000, not {url!r}"
            )
        self.url = f"{parts.scheme}://{parts.netloc}"

    def __repr__(self) -> str:
        return f"<ExternalServer {self.url}>"

    @property
    def running(self) -> bool:
        return True

    @property
    def app(self) -> Any:
        _in_process_only("the Flask app (.app)", self.url)

    @property
    def fake(self) -> Any:
        _in_process_only("the FakeGallery object (.fake)", self.url)

    def start(self, timeout: float = READY_TIMEOUT) -> ExternalServer:
        """Check that a fakegallery answers at the URL (it is not started here)."""
        try:
            with requests.Session() as http:
                http.trust_env = False
                response = http.get(self.url + "/_fake/health", timeout=timeout)
            healthy = response.status_code == 200 and response.json() == {
                "status": "ok"
            }
        except (OSError, ValueError) as exc:
            raise ServerError(
                f"fakegallery: no fakegallery answers at {self.url} ({exc}); start "
                "one with `fakegallery serve` or drop --fakegallery-url"
            ) from None
        if not healthy:
            raise ServerError(
                f"fakegallery: {self.url}/_fake/health answered "
                f"{response.status_code}: is this a fakegallery server?"
            )
        return self

    def stop(self) -> None:
        """Nothing to stop: the server belongs to whoever started it."""

    def take_errors(self) -> list[BaseException]:
        """Server-side exceptions stay in that server (its log shows them)."""
        return []

    def check_errors(self) -> None:
        pass

    def control(self) -> HttpControl:
        return HttpControl(self.url)


class HttpControl:
    """`SiteControl` over the /_fake/ routes (docs/control-plane.md)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()
        self.http.trust_env = False
        #: Random, not seeded: tests of several processes share the server.
        self.ids = Ids(None)

    def _call(
        self, method: str, path: str, site_id: str | None = None, **kw: Any
    ) -> Any:
        headers = {"wix-site-id": site_id} if site_id else {}
        response = self.http.request(
            method, self.url + path, headers=headers, timeout=CALL_TIMEOUT, **kw
        )
        try:
            body = response.json()
        except ValueError:
            body = response.text
        if response.status_code >= 400:
            code, message = _error_of(body)
            raise RemoteError(
                f"fakegallery at {self.url}: {method} {path} answered "
                f"{response.status_code} {code}: {message}",
                response.status_code,
                code,
                body,
            )
        return body

    def new_site_id(self) -> str:
        return self.ids.guid()

    def load(self, site_id: str, fixture: str | Path) -> None:
        """Read the files here, load them there (POST /_fake/fixtures)."""
        paths = fixtures.resolve(fixture)
        documents = []
        for path in paths:
            try:
                documents.append(orjson.loads(path.read_bytes()))
            except (OSError, orjson.JSONDecodeError) as exc:
                raise fixtures.FixtureError(f"{path}: cannot read: {exc}") from None
        try:
            self._call("POST", "/_fake/fixtures", site_id, json=documents)
        except RemoteError as exc:
            message = _error_of(exc.body)[1]
            for number, path in enumerate(paths):  # the server's names → files
                message = message.replace(f"body[{number}]", str(path))
            raise fixtures.FixtureError(message) from None

    def state(self, site_id: str) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", f"/_fake/state?siteId={site_id}")
        return result

    def events(self, site_id: str) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._call(
            "GET", f"/_fake/events?siteId={site_id}"
        )["events"]
        return result

    def _clock(self, body: Mapping[str, Any] | None = None) -> tuple[datetime, bool]:
        if body is None:
            answer = self._call("GET", "/_fake/clock")
        else:
            answer = self._call("POST", "/_fake/clock", json=body)
        return parse_time(answer["now"]), bool(answer["frozen"])

    def clock(self) -> tuple[datetime, bool]:
        return self._clock()

    def freeze(self, at: datetime | None) -> datetime:
        return self._clock({"freeze": True if at is None else format_precise(at)})[0]

    def advance(self, seconds: float) -> datetime:
        return self._clock({"advance": seconds})[0]

    def unfreeze(self) -> None:
        self._clock({"unfreeze": True})

    def live(self, site_id: str) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "/_fake/live", site_id)
        return result

    def add_editor_gallery(
        self, site_id: str, gallery: Mapping[str, Any] | None, page: str
    ) -> dict[str, Any]:
        body = {"page": page, "gallery": dict(gallery) if gallery else None}
        result: dict[str, Any] = self._call(
            "POST", "/_fake/editor/galleries", site_id, json=body
        )
        return result

    def connect(
        self, site_id: str, widget_id: str, gallery_id: str | None
    ) -> dict[str, Any]:
        result: dict[str, Any] = self._call(
            "POST",
            f"/_fake/live/widgets/{widget_id}/connect",
            site_id,
            json={"galleryId": gallery_id},
        )
        return result

    def upload_media(
        self, site_id: str, data: bytes, filename: str | None
    ) -> dict[str, Any]:
        result: dict[str, Any] = self._call(
            "POST",
            "/_fake/media",
            site_id,
            files={"file": (filename or "upload", data)},
        )
        return result

    def publish(self, site_id: str, published: bool) -> None:
        action = "publish" if published else "unpublish"
        self._call("POST", f"/_fake/site/{action}", site_id)

    def update_settings(
        self, site_id: str, changes: Mapping[str, Any]
    ) -> dict[str, Any]:
        try:
            answer = self._call(
                "PATCH", "/_fake/site/settings", site_id, json=dict(changes)
            )
        except RemoteError as exc:
            raise SettingsError(_error_of(exc.body)[1]) from None
        result: dict[str, Any] = answer["overrides"]
        return result

    def drop_site(self, site_id: str) -> None:
        self._call("POST", f"/_fake/reset?siteId={site_id}")

    def take_errors(self) -> list[BaseException]:
        _in_process_only("take_errors()", self.url)

    def close(self) -> None:
        self.http.close()


def _error_of(body: Any) -> tuple[str, str]:
    """(code, message) of a Wix-shaped error body; a field violation's text
    when there is one (it names the field)."""
    if not isinstance(body, dict):
        return "HTTP_ERROR", str(body)[:200]
    details = body.get("details") or {}
    violations = (details.get("validationError") or {}).get("fieldViolations")
    if violations:
        text = "; ".join(str(v.get("description", "")) for v in violations)
        return "INVALID_ARGUMENT", text
    app_error = details.get("applicationError") or {}
    return str(app_error.get("code", "ERROR")), str(body.get("message", ""))
