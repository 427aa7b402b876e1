"""The opt-in wire log (WIRE_LOG): one JSON line per request/response pair."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from flask import Flask

from fakegallery import create_app, get_fake
from fakegallery.web.capture import Capture
from fakegallery.web.wirelog import WireLog, mask

SITE = "5a1e0c7d-1111-4222-8333-944455566677"
HEADERS = {"Authorization": "secret-api-key", "wix-site-id": SITE}


def lines(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    return tmp_path / "wire.jsonl"


@pytest.fixture
def logged_app(log_path: Path) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SEED": 3,
            "FROZEN_TIME": "2026-01-02T03:04:05Z",
            "WIRE_LOG": str(log_path),
        }
    )


def sinks(app: Flask) -> list[object]:
    """The sinks of the app's capture layer (web/capture.py), inside out."""
    layer = app.wsgi_app
    while not isinstance(layer, Capture):
        layer = layer.app  # type: ignore[attr-defined]
    return layer.sinks


def test_off_by_default(tmp_path: Path) -> None:
    app = create_app({"TESTING": True})
    assert not any(isinstance(sink, WireLog) for sink in sinks(app))


def test_a_sink_of_the_journal_capture(logged_app: Flask, log_path: Path) -> None:
    """One capture feeds both: the wire log and the journal see the same
    exchange (same request id, status and body)."""
    assert [type(s).__name__ for s in sinks(logged_app)] == ["JournalSink", "WireLog"]
    client = logged_app.test_client()
    client.get("/pro-gallery/v2/galleries", headers=HEADERS)
    (line,) = lines(log_path)
    entry = get_fake(logged_app).journal.select()[-1].to_record()
    assert line["requestId"] == entry["requestId"]
    assert line["status"] == entry["status"] == 200
    assert line["responseBody"] == entry["responseBody"]
    assert line["time"] == entry["time"]


def test_without_the_journal(log_path: Path) -> None:
    app = create_app({"TESTING": True, "JOURNAL": False, "WIRE_LOG": str(log_path)})
    assert [type(s).__name__ for s in sinks(app)] == ["WireLog"]
    app.test_client().get("/_fake/health")
    assert len(lines(log_path)) == 1


def test_each_exchange_is_one_line(logged_app: Flask, log_path: Path) -> None:
    client = logged_app.test_client()
    created = client.post(
        "/progallery/v2/galleries?x=1",
        json={"gallery": {"name": "logged"}},
        headers=HEADERS,
    )
    assert created.status_code == 200
    missing = client.get(
        "/progallery/v2/galleries/5a1e0c7d-0000-4222-8333-944455566677",
        headers={**HEADERS, "x-wix-bi-gateway": "method-fqn=x.ProGallery.GetGallery"},
    )
    assert missing.status_code == 404
    first, second = lines(log_path)
    assert first["method"] == "POST"
    assert first["path"] == "/progallery/v2/galleries"
    assert first["query"] == "x=1"
    assert first["time"] == "2026-01-02T03:04:05.000Z"
    assert first["requestBody"] == {"gallery": {"name": "logged"}}
    assert first["status"] == 200
    assert first["responseBody"] == created.json
    assert first["requestId"] == created.headers["X-Wix-Request-Id"]
    assert first["responseHeaders"]["content-type"] == "application/json"
    assert first["requestHeaders"]["wix-site-id"] == SITE
    assert first["requestHeaders"]["authorization"] == "secr…(14 chars)"
    assert "secret-api-key" not in log_path.read_text()
    assert first["durationMs"] >= 0
    assert second["status"] == 404
    assert second["requestBody"] is None
    assert second["responseBody"]["details"]["applicationError"]["code"] == (
        "GALLERY_NOT_FOUND"
    )
    assert "ProGallery.GetGallery" in second["requestHeaders"]["x-wix-bi-gateway"]


def test_the_app_still_reads_the_body_and_bad_json_is_logged_as_text(
    logged_app: Flask, log_path: Path
) -> None:
    client = logged_app.test_client()
    response = client.post(
        "/pro-gallery/v2/galleries",
        data=b"{not json",
        headers={**HEADERS, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    (entry,) = lines(log_path)
    assert entry["requestBody"] == "{not json"
    assert (
        entry["responseBody"]["details"]["validationError"]["fieldViolations"][0][
            "field"
        ]
        == "body"
    )


def test_from_the_environment(monkeypatch: pytest.MonkeyPatch, log_path: Path) -> None:
    monkeypatch.setenv("FAKEGALLERY_WIRE_LOG", str(log_path))
    client = create_app({"TESTING": True}).test_client()
    assert client.get("/_fake/health").status_code == 200
    (entry,) = lines(log_path)
    assert entry["path"] == "/_fake/health"
    assert entry["responseBody"] == {"status": "ok"}


@pytest.mark.parametrize(
    ("secret", "shown"),
    [
        ("Bearer abcdefgh", "Bearer abcd…(8 chars)"),
        ("abc", "abc"),
        ("IST.eyJraWQiOi", "IST.…(14 chars)"),
    ],
)
def test_mask(secret: str, shown: str) -> None:
    assert mask(secret) == shown
