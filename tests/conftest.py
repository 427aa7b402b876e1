"""Shared fixtures for fakegallery's own tests: an app per test, a client that
sends the auth headers, and builders for request bodies."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from fakegallery import create_app, get_fake
from fakegallery.fake import FakeGallery

pytest_plugins = ["pytester"]

SITE = "5a1e0c7d-1111-4222-8333-944455566677"
HEADERS = {"Authorization": "test-key", "wix-site-id": SITE}
PREFIX = "/pro-gallery/v2"


@pytest.fixture
def config() -> dict[str, Any]:
    """Settings for the `app` fixture; override or update it in a test module."""
    return {"SEED": 1234, "FROZEN_TIME": "2026-01-02T03:04:05Z"}


@pytest.fixture(scope="session")
def webhook_key_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A signing key file shared by the webhook tests' apps (generating an
    RSA key per app would cost ~75 ms each)."""
    path = tmp_path_factory.mktemp("webhook-key") / "key.pem"
    create_app({"WEBHOOK_PRIVATE_KEY_FILE": str(path)})
    return str(path)


@pytest.fixture
def app(config: dict[str, Any]) -> Iterator[Flask]:
    app = create_app({"TESTING": True, **config})
    yield app
    errors = get_fake(app).take_errors()
    assert not errors, f"the fake raised: {errors!r}"


@pytest.fixture
def fake(app: Flask) -> FakeGallery:
    return get_fake(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class Api:
    """Calls the API under one prefix with the test site's headers."""

    def __init__(self, client: FlaskClient, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers

    def call(self, method: str, path: str, **kw: Any) -> TestResponse:
        headers = {**self.headers, **kw.pop("headers", {})}
        url = path if path.startswith("/") else f"{PREFIX}/{path}"
        return self.client.open(url, method=method, headers=headers, **kw)

    def get(self, path: str, **kw: Any) -> TestResponse:
        return self.call("GET", path, **kw)

    def post(self, path: str, json: Any = None, **kw: Any) -> TestResponse:
        return self.call("POST", path, json=json, **kw)

    def patch(self, path: str, json: Any = None, **kw: Any) -> TestResponse:
        return self.call("PATCH", path, json=json, **kw)

    def delete(self, path: str, **kw: Any) -> TestResponse:
        return self.call("DELETE", path, **kw)

    def create_gallery(self, **gallery: Any) -> dict[str, Any]:
        """Create a gallery through the API and return its wire shape."""
        response = self.post("galleries", {"gallery": gallery})
        assert response.status_code == 200, response.get_data(as_text=True)
        result: dict[str, Any] = response.json["gallery"]  # type: ignore[index]
        return result

    def create_item(self, gallery_id: str, item: dict[str, Any]) -> dict[str, Any]:
        response = self.post(f"galleries/{gallery_id}/items", {"item": item})
        assert response.status_code == 200, response.get_data(as_text=True)
        result: dict[str, Any] = response.json["item"]  # type: ignore[index]
        return result


@pytest.fixture
def api(client: FlaskClient) -> Api:
    return Api(client, dict(HEADERS))


def _image(media_id: str = "11062b_aaaa~mv2.jpg", **extra: Any) -> dict[str, Any]:
    info = {"id": media_id, "width": 800, "height": 600}
    return {"image": {"imageInfo": info}, **extra}


def _youtube(url: str = "https://www.youtube.com/watch?v=abc", **extra: Any) -> Any:
    return {"video": {"videoInfo": {"url": url}}, **extra}


def _text(html: str = "<p>hi</p>", **extra: Any) -> dict[str, Any]:
    return {"text": {"html": html}, **extra}


class Builders:
    image: Callable[..., dict[str, Any]] = staticmethod(_image)
    youtube: Callable[..., dict[str, Any]] = staticmethod(_youtube)
    text: Callable[..., dict[str, Any]] = staticmethod(_text)


@pytest.fixture
def make() -> Builders:
    """Item body builders: make.image(), make.youtube(), make.text()."""
    return Builders()


def violation(response: TestResponse) -> dict[str, Any]:
    """The first field violation of a 400 response."""
    body = response.json
    assert body is not None
    first: dict[str, Any] = body["details"]["validationError"]["fieldViolations"][0]
    return first


def app_error(response: TestResponse) -> dict[str, Any]:
    body = response.json
    assert body is not None
    error: dict[str, Any] = body["details"]["applicationError"]
    return error


@pytest.fixture
def check_violation() -> Callable[..., dict[str, Any]]:
    """Assert a 400 naming `field` with `rule`; returns the violation."""

    def check(response: TestResponse, field: str, rule: str) -> dict[str, Any]:
        assert response.status_code == 400, response.get_data(as_text=True)
        fields = response.json["details"]["validationError"]["fieldViolations"]  # type: ignore[index]
        match = [v for v in fields if v["field"] == field]
        assert match, f"no violation on {field!r}: {fields}"
        assert match[0]["violatedRule"] == rule, match[0]
        return match[0]

    return check


@pytest.fixture
def check_error() -> Callable[..., dict[str, Any]]:
    """Assert an applicationError with `status` and `code`; returns it."""

    def check(response: TestResponse, status: int, code: str) -> dict[str, Any]:
        assert response.status_code == status, response.get_data(as_text=True)
        error = response.json["details"]["applicationError"]  # type: ignore[index]
        assert error["code"] == code, error
        return error  # type: ignore[no-any-return]

    return check
