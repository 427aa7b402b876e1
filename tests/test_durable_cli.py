"""`serve --data-dir` as a real process: acknowledged writes survive kill -9,
a second server on the data dir or a data dir it must not touch is a one-line
error with exit code 2, start-up data only fills a new data dir; and the
`export`/`import` commands and `serve --import`. Readiness is polled through
the first line the server prints, never by sleeping."""

from __future__ import annotations

import io
import re
import select
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import orjson
import pytest
import requests
from click.testing import CliRunner
from PIL import Image

from fakegallery import create_app, get_fake
from fakegallery.cli import main
from fakegallery.testing.server import FakeGalleryServer
from fakegallery.transfer import commands, document

FIRST_LINE = re.compile(r"^fakegallery serving on (http://127\.0\.0\.1:\d+)$")
TIMEOUT = 60.0
SITE = "5a1e0c7d-1111-4222-8333-944455566677"
H = {"Authorization": "k", "wix-site-id": SITE}
API = "/pro-gallery/v2"


def serve(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "fakegallery", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def ready(proc: subprocess.Popen[str]) -> str:
    """The server's URL, from its first line (waits for it, no sleeping)."""
    stream: IO[str] = proc.stdout  # type: ignore[assignment]
    readable, _, _ = select.select([stream], [], [], TIMEOUT)
    assert readable, "the server printed nothing"
    line = stream.readline().rstrip("\n")
    match = FIRST_LINE.match(line)
    assert match, f"{line!r}; stderr: {proc.stderr.read() if proc.poll() else ''}"  # type: ignore[union-attr]
    return match.group(1)


def ours(err: str) -> list[str]:
    """The fake's own stderr lines (waitress may add a queue warning on a
    busy machine)."""
    return [line for line in err.splitlines() if line.startswith("fakegallery:")]


def refused(*args: str) -> list[str]:
    """Run `serve` expecting it to stop before serving, with exit code 2 (in
    this process: it fails before it would block); its stderr lines."""
    result = CliRunner().invoke(main, ["serve", "--port", "0", *args])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    return result.stderr.splitlines()


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.trust_env = False
        yield session


@pytest.fixture
def procs() -> Iterator[list[subprocess.Popen[str]]]:
    """Servers started by a test; killed at the end if still running."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=TIMEOUT)


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (9, 9, 9)).save(buffer, "PNG")
    return buffer.getvalue()


def test_kill_9_every_answered_write_is_back(
    tmp_path: Path, http: requests.Session, procs: list[subprocess.Popen[str]]
) -> None:
    data = str(tmp_path / "data")
    procs.append(first := serve("--data-dir", data, "--seed", "4"))
    url = ready(first)
    made = http.post(
        f"{url}{API}/galleries",
        json={"gallery": {"name": "kept", "items": [{"text": {"html": "a"}}] * 2}},
        headers=H,
    ).json()["gallery"]
    item = made["items"][0]["id"]
    assert (
        http.patch(
            f"{url}{API}/galleries/{made['id']}/items/{item}",
            json={"item": {"title": "patched"}},
            headers=H,
        ).status_code
        == 200
    )
    media = http.post(
        f"{url}/_fake/media?filename=x.png",
        data=png(),
        headers={"Content-Type": "image/png", "wix-site-id": SITE},
    ).json()
    http.post(f"{url}/_fake/site/unpublish", headers={"wix-site-id": "other"})
    http.post(f"{url}/_fake/clock", json={"freeze": "2031-01-01T00:00:00Z"})
    before = http.get(f"{url}/_fake/export?media=true").content
    first.kill()  # SIGKILL: no clean shutdown

    _, err = first.communicate(timeout=TIMEOUT)
    assert ours(err) == [f"fakegallery: new data dir {data}"]

    procs.append(second := serve("--data-dir", data, "--seed", "4"))
    url = ready(second)
    assert http.get(f"{url}/_fake/export?media=true").content == before
    got = http.get(f"{url}{API}/galleries/{made['id']}/items/{item}", headers=H)
    assert got.json()["item"]["title"] == "patched"
    assert http.get(f"{url}/_fake/media/{media['id']}").content == png()
    # a second server on the data dir, while this one holds it
    assert refused("--data-dir", data) == [
        f"fakegallery: error: {data} is in use by another fakegallery server "
        f"(pid {second.pid}): stop it, or give this one another --data-dir"
    ]
    second.terminate()
    _, err = second.communicate(timeout=TIMEOUT)
    assert second.returncode == 0, err
    # the shipped fixtures' 3 sites and 28 galleries, this test's gallery, the
    # unpublished site
    assert ours(err) == [
        f"fakegallery: data dir {data}: 5 sites, 29 galleries; start-up "
        "data (fixtures, --demo, --import) not loaded: it fills a new data dir only"
    ]


def written(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    app = create_app({"DATA_DIR": str(data), "FIXTURES": ["basic"]})
    get_fake(app).close()
    return data


def files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir()}


def test_newer_format_one_line_exit_2_untouched(tmp_path: Path) -> None:
    data = written(tmp_path)
    with sqlite3.connect(data / "fakegallery.db") as conn:
        conn.execute("PRAGMA user_version = 5")
    conn.close()
    before = files(data)
    [line] = refused("--data-dir", str(data))
    assert line.startswith(f"fakegallery: error: {data}/fakegallery.db was written")
    assert "newer fakegallery (data format 5; this one reads formats 1 to 1)" in line
    before.pop("fakegallery.lock")
    after = files(data)
    assert after.pop("fakegallery.lock").strip().isdigit()  # only the pid changes
    assert after == before


def test_damaged_data_dir_one_line_exit_2_untouched(tmp_path: Path) -> None:
    data = written(tmp_path)
    db = data / "fakegallery.db"
    db.write_bytes(db.read_bytes()[:5000])
    before = db.read_bytes()
    [line] = refused("--data-dir", str(data))
    assert line.startswith(f"fakegallery: error: {db} is damaged or not a database")
    assert db.read_bytes() == before


# --- export / import commands -----------------------------------------------------


@pytest.fixture
def server() -> Iterator[FakeGalleryServer]:
    app = create_app({"SEED": 8, "FIXTURES": ["basic", "classic-slideshow"]})
    with FakeGalleryServer(app) as running:
        yield running


def test_export_then_import_commands(tmp_path: Path, server: FakeGalleryServer) -> None:
    out = tmp_path / "backup.json"
    runner = CliRunner()
    done = runner.invoke(
        main, ["export", "--url", server.url, "--media", "--out", str(out)]
    )
    assert done.exit_code == 0, done.output
    document = out.read_bytes()
    assert [s["siteId"] for s in orjson.loads(document)["sites"]] == [
        "2f6b3c1e-5d1a-4c7e-9b61-0a2d3e4f5a6b",
        "c1a55c00-5111-4de5-b0a1-5e1d5e5110e5",
    ]
    with FakeGalleryServer(create_app({"SEED": 1})) as target:
        done = runner.invoke(main, ["import", str(out), "--url", target.url])
        assert done.exit_code == 0, done.output
        assert done.output == (
            "imported 2 sites, 3 galleries, 11 items, 8 media files\n"
        )
        with requests.Session() as http:
            http.trust_env = False
            copied = http.get(f"{target.url}/_fake/export?media=true").content
    assert copied == document
    listed = runner.invoke(main, ["export", "--url", server.url, "--site-id", "x"])
    assert orjson.loads(listed.stdout_bytes)["sites"][0]["siteId"] == "x"


def test_import_command_refused_document_one_line(
    tmp_path: Path, server: FakeGalleryServer
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(
        orjson.dumps({"format": "fakegallery-export", "version": 9, "sites": [1]})
    )
    done = CliRunner().invoke(main, ["import", str(bad), "--url", server.url])
    assert done.exit_code == 2
    assert done.output.splitlines() == [
        f"fakegallery: error: {server.url}/_fake/import refused it: version: is 9: "
        "the document was written by a newer fakegallery (this one reads versions "
        "1 to 1); sites[0]: must be an object (a site)"
    ]
    down = CliRunner().invoke(main, ["export", "--url", "http://127.0.0.1:9"])
    assert down.exit_code == 2
    assert down.output.startswith("fakegallery: error: cannot reach http://127.0.0.1:9")


@pytest.mark.slow
def test_serve_import_starts_from_an_export(
    tmp_path: Path,
    server: FakeGalleryServer,
    http: requests.Session,
    procs: list[subprocess.Popen[str]],
) -> None:
    http_doc = http.get(f"{server.url}/_fake/export").content
    doc = tmp_path / "doc.json"
    doc.write_bytes(http_doc)
    procs.append(proc := serve("--import", str(doc), "--data-dir", str(tmp_path / "d")))
    url = ready(proc)
    assert http.get(f"{url}/_fake/export").content == http_doc


def test_serve_import_refusals(tmp_path: Path) -> None:
    doc = tmp_path / "doc.json"
    doc.write_bytes(b"{}")
    [line] = refused("--import", str(doc), "--fixtures", "basic")
    assert line == (
        "fakegallery: error: --import starts from an export: leave out --fixtures "
        "and --demo"
    )
    broken = tmp_path / "broken.json"
    broken.write_bytes(orjson.dumps({"format": "nope", "version": 1, "sites": []}))
    [line] = refused("--import", str(broken))
    assert line == f'fakegallery: error: {broken}: format: must be "fakegallery-export"'


def test_import_at_start_fills_a_new_data_dir(
    tmp_path: Path, server: FakeGalleryServer
) -> None:
    doc = tmp_path / "doc.json"
    doc.write_bytes(document.export(server.fake, media=True))
    settings = {"DATA_DIR": str(tmp_path / "d")}
    app = create_app(settings, populate=commands.import_at_start(doc))
    assert document.export(get_fake(app), media=True) == doc.read_bytes()
    get_fake(app).close()
    again = create_app(settings, populate=commands.import_at_start(doc))
    fake = get_fake(again)
    try:
        assert fake.durable is not None
        assert fake.durable.fresh is False
        assert document.export(fake, media=True) == doc.read_bytes()
    finally:
        fake.close()
