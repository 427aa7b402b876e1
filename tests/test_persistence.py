"""Durable mode in-process (docs/persistence.md): what survives a restart, that
ids and the clock continue, start-up data only for a new data dir, and every
way a data dir can be refused (in use, newer format, damaged) without being
changed. The real-process tests (kill -9, exit codes) are in test_durable_cli.py."""

from __future__ import annotations

import io
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from flask import Flask
from PIL import Image

from fakegallery import create_app, get_fake
from fakegallery.fake import FakeGallery
from fakegallery.persistence import DataDirError, migrations, rows
from fakegallery.state.clock import Ids

SITE = "5a1e0c7d-1111-4222-8333-944455566677"
OTHER = "d0d0d0d0-0000-4000-8000-00000000dead"
H = {"Authorization": "k", "wix-site-id": SITE}
API = "/pro-gallery/v2"
DATA = Path(__file__).parent / "data"

Open = Callable[..., Flask]


@pytest.fixture
def open_app(tmp_path: Path) -> Iterator[Open]:
    """create_app on `tmp_path/data` (or `dir=`); every app is closed after."""
    opened: list[FakeGallery] = []

    def make(directory: Path | None = None, **config: Any) -> Flask:
        settings = {"SEED": 3, "DATA_DIR": str(directory or tmp_path / "data")}
        app = create_app({**settings, **config})
        opened.append(get_fake(app))
        return app

    yield make
    for fake in opened:
        fake.close()


def png(width: int = 2, height: int = 3) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (10, 200, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def populate(app: Flask) -> dict[str, Any]:
    """One of everything a restart must keep; returns what was made."""
    c = app.test_client()
    site = {"wix-site-id": SITE}
    upload = c.post(
        "/_fake/media?filename=g.png",
        data=png(),
        content_type="image/png",
        headers=site,
    ).json
    assert upload is not None
    editor = c.post(
        "/_fake/editor/galleries",
        json={"gallery": {"items": [{"image": {"imageInfo": upload["imageInfo"]}}]}},
        headers=site,
    ).json
    assert editor is not None
    made = c.post(
        f"{API}/galleries",
        json={"gallery": {"name": "B", "items": [{"text": {"html": "1"}}] * 3}},
        headers=H,
    ).json
    assert made is not None
    gallery = made["gallery"]
    first, second, third = (i["id"] for i in gallery["items"])
    patched = c.patch(
        f"{API}/galleries/{gallery['id']}/items/{first}",
        json={"item": {"title": "edited", "sortOrder": None}},
        headers=H,
    )
    assert patched.status_code == 200
    c.delete(f"{API}/galleries/{gallery['id']}/items/{second}", headers=H)
    gone = c.post(f"{API}/galleries", json={}, headers=H).json
    assert gone is not None
    c.delete(f"{API}/galleries/{gone['gallery']['id']}", headers=H)
    c.post(
        f"/_fake/live/widgets/{editor['widget']['id']}/connect",
        json={"galleryId": gallery["id"]},
        headers=site,
    )
    c.post("/_fake/site/unpublish", headers={"wix-site-id": OTHER})
    c.post("/_fake/clock", json={"freeze": "2030-05-06T07:08:09.5Z"})
    return {
        "gallery": gallery["id"],
        "item": first,
        "third": third,
        "media": upload["id"],
        "widget": editor["widget"]["id"],
        "item_bytes": c.get(
            f"{API}/galleries/{gallery['id']}/items/{third}", headers=H
        ).data,
    }


def export(app: Flask) -> bytes:
    return app.test_client().get("/_fake/export?media=true").data


def test_restart_everything_comes_back(open_app: Open) -> None:
    app = open_app()
    made = populate(app)
    before, ids_before = export(app), get_fake(app).ids.dump()
    get_fake(app).close()

    again = open_app()
    c = again.test_client()
    assert get_fake(again).ids.dump() == ids_before  # both id streams
    assert export(again) == before  # sites, galleries, items, live, media, clock
    item = c.get(f"{API}/galleries/{made['gallery']}/items/{made['third']}", headers=H)
    assert item.data == made["item_bytes"]  # the exact wire bytes
    assert c.get(f"/_fake/media/{made['media']}").data == png()
    widget = c.get(
        f"/_fake/live/widgets/{made['widget']}", headers={"wix-site-id": SITE}
    )
    assert widget.json["source"] == "code"  # type: ignore[index]
    assert (
        c.get(f"{API}/galleries", headers={**H, "wix-site-id": OTHER}).status_code
        == 428
    )
    assert c.get("/_fake/clock").json == {
        "now": "2030-05-06T07:08:09.500000Z",
        "frozen": True,
    }
    cleared = c.get(
        f"{API}/galleries/{made['gallery']}/items/{made['item']}", headers=H
    )
    assert "sortOrder" not in cleared.json["item"]  # type: ignore[index]


def test_restart_ids_continue_instead_of_repeating(
    open_app: Open, tmp_path: Path
) -> None:
    """The next id after a restart is the one a server that never stopped
    would have drawn (same seed, same calls)."""
    twin = create_app({"SEED": 3})
    populate(twin)
    durable = open_app()
    populate(durable)
    get_fake(durable).close()
    again = open_app()
    ids = [
        app.test_client()
        .post(f"{API}/galleries", json={}, headers=H)
        .json["gallery"]["id"]  # type: ignore[index]
        for app in (twin, again)
    ]
    assert ids[0] == ids[1]


@pytest.mark.parametrize("rebase", [40, 20_000], ids=["new base", "same base"])
def test_restart_both_id_streams_continue(
    open_app: Open, monkeypatch: pytest.MonkeyPatch, rebase: int
) -> None:
    """Every write stores where the streams stand: a base state now and then,
    and the words drawn since, which a restart draws again."""
    monkeypatch.setattr(rows.IdsRows, "REBASE_WORDS", rebase)
    app = open_app()
    c = app.test_client()
    for _ in range(6):  # ids and event ids from both streams
        c.post(
            f"{API}/galleries",
            json={"gallery": {"items": [{"text": {"html": "x"}}]}},
            headers=H,
        )
    fake = get_fake(app)
    fake.ids.request_id()  # a read after the last write: lost by a crash only
    expected = fake.ids.dump()
    fake.close()
    again = get_fake(open_app())
    assert again.ids.dump() == expected


def test_skipping_words_is_drawing_them() -> None:
    drawn, skipped = Ids(5), Ids(5)
    for _ in range(3):
        drawn.guid(), drawn.hex(6), drawn.hex(32), drawn.request_id()
    skipped.skip(3 * (4 + 1 + 4), 3 * 4)
    assert drawn.dump() == skipped.dump()
    assert drawn.position()[1:] == skipped.position()[1:] == (27, 12)


def test_reset_and_site_drop_are_stored(open_app: Open) -> None:
    app = open_app(FIXTURES=["basic", "classic-slideshow"])
    c = app.test_client()
    c.post(f"{API}/galleries", json={}, headers=H)
    c.post("/_fake/reset?siteId=2f6b3c1e-5d1a-4c7e-9b61-0a2d3e4f5a6b")
    get_fake(app).close()
    again = open_app()
    assert get_fake(again).sites.site_ids() == [
        SITE,
        "c1a55c00-5111-4de5-b0a1-5e1d5e5110e5",
    ]
    again.test_client().post("/_fake/reset")
    get_fake(again).close()
    assert get_fake(open_app()).sites.site_ids() == []


def test_fixtures_fill_a_new_data_dir_only(open_app: Open) -> None:
    app = open_app(FIXTURES=["basic"])
    assert get_fake(app).durable.fresh is True  # type: ignore[union-attr]
    c = app.test_client()
    listed = c.get(f"{API}/galleries", headers={"Authorization": "k"}).json
    assert listed["totalGalleries"] == 2  # type: ignore[index]
    first = listed["galleries"][0]["id"]  # type: ignore[index]
    c.delete(f"{API}/galleries/{first}", headers={"Authorization": "k"})
    get_fake(app).close()
    again = open_app(FIXTURES=["basic"])
    assert get_fake(again).durable.fresh is False  # type: ignore[union-attr]
    listed = again.test_client().get(f"{API}/galleries", headers={"Authorization": "k"})
    assert listed.json["totalGalleries"] == 1  # type: ignore[index]  # not reloaded


def test_clock_moved_outside_a_write_is_stored(open_app: Open) -> None:
    app = open_app()
    get_fake(app).clock.freeze()  # no lock held: the change commits by itself
    frozen = get_fake(app).clock.dump()
    get_fake(app).close()
    assert get_fake(open_app()).clock.dump() == frozen


def test_memory_mode_has_no_data_dir() -> None:
    fake = get_fake(create_app({"SEED": 1}))
    assert fake.durable is None
    assert fake.commit_lock is None


# --- refusals: the files are never changed --------------------------------------------


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir() if p.is_file()}


def test_second_fake_on_a_data_dir_is_refused(open_app: Open, tmp_path: Path) -> None:
    first = open_app()
    with pytest.raises(
        DataDirError,
        match=rf"in use by another fakegallery server \(pid {os.getpid()}\)",
    ):
        open_app()
    get_fake(first).close()
    open_app()  # free again


def make_db(directory: Path, statements: list[str]) -> Path:
    directory.mkdir()
    db = directory / "fakegallery.db"
    with sqlite3.connect(db) as conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()
    return db


def written_dir(open_app: Open, tmp_path: Path) -> Path:
    app = open_app(FIXTURES=["basic"])
    get_fake(app).close()
    return tmp_path / "data"


def test_newer_format_is_refused_untouched(open_app: Open, tmp_path: Path) -> None:
    directory = written_dir(open_app, tmp_path)
    with sqlite3.connect(directory / "fakegallery.db") as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = snapshot(directory)
    with pytest.raises(
        DataDirError,
        match=r"newer fakegallery .data format 99; this one reads formats 1 to 1",
    ):
        open_app()
    assert snapshot(directory) == before


def truncate(directory: Path) -> None:
    db = directory / "fakegallery.db"
    db.write_bytes(db.read_bytes()[: 4096 + 100])


def garbage(directory: Path) -> None:
    (directory / "fakegallery.db").write_bytes(b"not a database at all\n" * 50)


def foreign(directory: Path) -> None:
    db = directory / "fakegallery.db"
    db.unlink()
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
    conn.close()


def bad_row(directory: Path) -> None:
    with sqlite3.connect(directory / "fakegallery.db") as conn:
        conn.execute("UPDATE rows SET meta = x'7b7b' WHERE component = 'store'")
    conn.close()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            garbage,
            "is damaged or not a database .no SQLite header.; it was left as it is",
        ),
        (truncate, "is damaged or not a database"),
        (foreign, "is an SQLite database but not a fakegallery data dir"),
        (bad_row, "the stored store cannot be read"),
    ],
)
def test_damaged_data_dir_is_refused_untouched(
    open_app: Open, tmp_path: Path, damage: Callable[[Path], None], message: str
) -> None:
    directory = written_dir(open_app, tmp_path)
    damage(directory)
    before = snapshot(directory)
    with pytest.raises(DataDirError, match=message) as raised:
        open_app()
    assert "\n" not in str(raised.value)
    assert snapshot(directory) == before


def test_directory_with_other_files_is_refused(open_app: Open, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "notes.txt").write_text("mine")
    with pytest.raises(
        DataDirError,
        match=r"not a fakegallery data dir: it holds other files \(notes.txt\)",
    ):
        open_app(home)
    assert sorted(p.name for p in home.iterdir()) == ["fakegallery.lock", "notes.txt"]
    (tmp_path / "file").write_text("x")
    with pytest.raises(DataDirError, match="is not a directory"):
        open_app(tmp_path / "file")
    (tmp_path / "odd" / "fakegallery.db").mkdir(parents=True)
    with pytest.raises(DataDirError, match=r"fakegallery\.db is a directory"):
        open_app(tmp_path / "odd")


def test_rows_of_unknown_components_are_kept(open_app: Open, tmp_path: Path) -> None:
    directory = written_dir(open_app, tmp_path)
    with sqlite3.connect(directory / "fakegallery.db") as conn:
        conn.execute("INSERT INTO rows VALUES ('later', '', '', x'7b7d', NULL)")
    conn.close()
    app = open_app()
    app.test_client().post("/_fake/reset")
    get_fake(app).close()
    with sqlite3.connect(directory / "fakegallery.db") as conn:
        kept = conn.execute(
            "SELECT count(*) FROM rows WHERE component = 'later'"
        ).fetchone()
    conn.close()
    assert kept == (1,)


# --- upgrades -------------------------------------------------------------------------


def build_v1(directory: Path) -> None:
    """The committed data dir of the first released format (tests/data)."""
    directory.mkdir()
    with sqlite3.connect(directory / "fakegallery.db", isolation_level=None) as conn:
        conn.executescript((DATA / "datadir-v1.sql").read_text())
    conn.close()


def test_data_dir_of_the_first_format_loads(open_app: Open, tmp_path: Path) -> None:
    build_v1(tmp_path / "data")
    app = open_app(FIXTURES=["basic"])
    assert export(app) == (DATA / "datadir-v1.export.json").read_bytes()
    assert get_fake(app).durable.fresh is False  # type: ignore[union-attr]


def test_older_format_is_upgraded_after_a_backup(
    open_app: Open, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_v1(tmp_path / "data")

    def step(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO meta VALUES ('upgradedFrom', '1')")

    monkeypatch.setattr(migrations, "FORMAT_VERSION", 2)
    monkeypatch.setattr(migrations, "MIGRATIONS", {1: step})
    app = open_app()
    assert export(app) == (DATA / "datadir-v1.export.json").read_bytes()
    get_fake(app).close()
    with sqlite3.connect(tmp_path / "data" / "fakegallery.db") as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (2,)
        assert conn.execute(
            "SELECT value FROM meta WHERE key = 'upgradedFrom'"
        ).fetchone() == ("1",)
    conn.close()
    with sqlite3.connect(tmp_path / "data" / "fakegallery-v1.db") as backup:
        assert backup.execute("PRAGMA user_version").fetchone() == (1,)
    backup.close()


def test_failed_upgrade_changes_nothing(
    open_app: Open, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_v1(tmp_path / "data")

    def step(conn: sqlite3.Connection) -> None:
        conn.execute("DELETE FROM rows")
        raise sqlite3.OperationalError("step failed half way")

    monkeypatch.setattr(migrations, "FORMAT_VERSION", 2)
    monkeypatch.setattr(migrations, "MIGRATIONS", {1: step})
    with pytest.raises(DataDirError, match=r"cannot prepare .*step failed half way"):
        open_app()
    monkeypatch.undo()
    assert export(open_app()) == (DATA / "datadir-v1.export.json").read_bytes()


# --- a failing disk -------------------------------------------------------------------


def test_failed_disk_write_answers_500_and_catches_up(
    open_app: Open, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_app()
    fake = get_fake(app)
    durable = fake.durable
    assert durable is not None
    real = durable.database.write
    calls = []

    def failing(writes: Any) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise sqlite3.OperationalError("database or disk is full")
        real(writes)

    monkeypatch.setattr(durable.database, "write", failing)
    c = app.test_client()
    refused = c.post(f"{API}/galleries", json={"gallery": {"name": "a"}}, headers=H)
    assert refused.status_code == 500
    error = refused.json["details"]["applicationError"]  # type: ignore[index]
    assert error["code"] == "STORAGE_FAILED"
    assert "database or disk is full" in error["description"]
    assert (
        c.post(
            f"{API}/galleries", json={"gallery": {"name": "b"}}, headers=H
        ).status_code
        == 200
    )
    ids = fake.ids.dump()
    fake.close()
    again = get_fake(open_app())
    names = [g.name for g in again.store.list_galleries(SITE)]
    assert names == ["a", "b"]  # the 500 write was stored with the next one
    assert again.ids.dump() == ids


def test_writes_after_close_are_refused(open_app: Open) -> None:
    app = open_app()
    get_fake(app).close()
    answer = app.test_client().post(f"{API}/galleries", json={}, headers=H)
    assert answer.status_code == 500
    assert (
        orjson.loads(answer.data)["details"]["applicationError"]["code"]
        == "STORAGE_FAILED"
    )


def test_webhook_subscriptions_survive_a_restart(open_app: Open) -> None:
    """Subscriptions are state a developer set up by hand: a restart keeps
    them (and their ids continue), a deletion is kept too."""
    first = open_app()
    client = first.test_client()
    made = client.post(
        "/_fake/webhooks", json={"url": "http://127.0.0.1:9/hook", "siteId": SITE}
    )
    assert made.status_code == 200, made.get_data(as_text=True)
    gone = client.post("/_fake/webhooks", json={"url": "http://127.0.0.1:9/other"})
    assert gone.status_code == 200
    gone_id = gone.json["id"]  # type: ignore[index]
    assert client.delete(f"/_fake/webhooks/{gone_id}").status_code == 200
    listed = client.get("/_fake/webhooks").json
    get_fake(first).close()
    again = open_app()
    assert again.test_client().get("/_fake/webhooks").json == listed
    third = again.test_client().post(
        "/_fake/webhooks", json={"url": "http://127.0.0.1:9/third"}
    )
    assert third.json["id"] not in {gone_id, made.json["id"]}  # type: ignore[index]
