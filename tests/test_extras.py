"""The lean core: Faker (`demo`) and Pillow (`media`) are extras. The core
installs without them and never imports them; a feature that needs one fails
with a message that names the extra (a Wix-shaped 501 over HTTP)."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import requires

import pytest
from flask.testing import FlaskClient

from fakegallery import create_app
from fakegallery.extras import MissingExtra
from fakegallery.seeding import demo

CORE = {
    "flask",
    "werkzeug",
    "click",
    "marshmallow",
    "orjson",
    "waitress",
    "requests",
    "nh3",
    "urllib3",
}


def _name(requirement: str) -> str:
    for stop in "<>=!~;[ ":
        requirement = requirement.split(stop, 1)[0]
    return requirement.lower()


def test_metadata_core_is_lean_and_extras_are_named() -> None:
    declared = requires("fakegallery") or []
    core = {_name(r) for r in declared if "extra ==" not in r}
    assert core == CORE
    assert any(_name(r) == "faker" and "extra == 'demo'" in r for r in declared)
    assert any(_name(r) == "pillow" and "extra == 'media'" in r for r in declared)
    for name in ("pyjwt", "cryptography"):
        assert any(_name(r) == name and "extra == 'webhooks'" in r for r in declared)


def test_core_imports_neither_faker_nor_pillow() -> None:
    """A served app with fixtures, the CLI and the test handle: none of them
    imports an extra (checked in a fresh interpreter)."""
    script = """
import sys
from fakegallery import create_app, GallerySite
from fakegallery import cli
from fakegallery.testing.server import FakeGalleryServer
app = create_app({"FIXTURES": ["basic", "classic-slideshow"]})
client = app.test_client()
auth = {"Authorization": "k"}
assert client.get("/pro-gallery/v2/galleries", headers=auth).status_code == 200
assert client.get("/_fake/live").status_code == 200
print(sorted(m for m in sys.modules if m.split(".")[0] in ("faker", "PIL")))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_demo_without_faker_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "faker", None)  # what an absent package does
    with pytest.raises(MissingExtra) as caught:
        demo.generate(1, 1, seed=0)
    assert str(caught.value) == (
        "generated demo data (--demo, fakegallery demo) need Faker, which the "
        "[demo] extra installs: pip install 'fakegallery[demo]'"
    )


@pytest.fixture
def no_pillow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "PIL", None)
    monkeypatch.setitem(sys.modules, "PIL.Image", None)


@pytest.mark.usefixtures("no_pillow")
def test_upload_without_pillow_501_naming_the_extra(client: FlaskClient) -> None:
    response = client.post(
        "/_fake/media?filename=a.png", data=b"\x89PNG...", content_type="image/png"
    )
    assert response.status_code == 501
    assert response.mimetype == "application/json"
    error = response.json["details"]["applicationError"]  # type: ignore[index]
    assert error["code"] == "NOT_IMPLEMENTED"
    assert error["data"] == {"extra": "media", "package": "Pillow"}
    assert "pip install 'fakegallery[media]'" in error["description"]
    assert client.get("/_fake/media").json == {"media": []}  # nothing stored


@pytest.fixture
def no_crypto(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "jwt", None)


@pytest.mark.usefixtures("no_crypto")
def test_subscribe_without_the_webhooks_extra_501_naming_it(
    client: FlaskClient,
) -> None:
    response = client.post("/_fake/webhooks", json={"url": "http://127.0.0.1:9/hook"})
    assert response.status_code == 501
    error = response.json["details"]["applicationError"]  # type: ignore[index]
    assert error["code"] == "NOT_IMPLEMENTED"
    assert error["data"] == {"extra": "webhooks", "package": "PyJWT and cryptography"}
    assert "pip install 'fakegallery[webhooks]'" in error["description"]
    assert client.get("/_fake/webhooks").json["webhooks"] == []  # nothing added
    created = client.post(
        "/pro-gallery/v2/galleries", json={}, headers={"Authorization": "k"}
    )
    assert created.status_code == 200  # the API and its events work without it
    assert client.get("/_fake/events").json["events"]


@pytest.mark.usefixtures("no_crypto")
def test_webhooks_setting_without_the_extra_stops_the_app() -> None:
    with pytest.raises(MissingExtra, match=r"\[webhooks\] extra"):
        create_app({"WEBHOOKS": ["http://127.0.0.1:9/hook"]})
