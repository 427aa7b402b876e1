"""`fakegallery export` and `fakegallery import` against a running server, and
the start-up side of `serve --data-dir` / `serve --import`."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import orjson

from ..cli_options import fail
from ..errors import InvalidArgument

if TYPE_CHECKING:
    from ..fake import FakeGallery

DEFAULT_URL = "http://127.0.0.1:5000"
TIMEOUT = 600.0  # seconds: a large import can take a while on a slow machine


def _said(error: InvalidArgument) -> str:
    """The violations of a refused document, on one line."""
    return _one_line([(v.field, v.description) for v in error.violations])


def _one_line(found: list[tuple[str, str]], limit: int = 5) -> str:
    shown = [f"{where or '(document)'}: {text}" for where, text in found]
    more = len(shown) - limit
    return "; ".join(shown[:limit]) + (f"; and {more} more" if more > 0 else "")


class ImportFileError(ValueError):
    """`serve --import FILE` with a file that cannot be imported."""


def import_at_start(path: Path) -> Callable[[FakeGallery], None]:
    """Read FILE now (so a missing or malformed file stops `serve` at once);
    the returned function checks and applies it to the new fake."""
    try:
        raw = orjson.loads(path.read_bytes())
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror or exc}")
    except orjson.JSONDecodeError as exc:
        fail(f"{path}: not valid JSON: {exc}")

    def apply(fake: FakeGallery) -> None:
        from . import checks, importing

        try:
            checked = checks.check_document(fake, raw, "all")
        except InvalidArgument as exc:
            raise ImportFileError(f"{path}: {_said(exc)}") from None
        importing.apply(fake, checked)

    return apply


def report_data_dir(fake: FakeGallery, start_data: bool) -> None:
    """One line on stderr: the data dir in use, and start-up data skipped."""
    durable = fake.durable
    assert durable is not None
    sites = fake.sites.site_ids()
    galleries = sum(len(fake.store.list_galleries(s)) for s in sites)
    if durable.fresh:
        line = f"new data dir {durable.root}"
    else:
        line = f"data dir {durable.root}: {len(sites)} sites, {galleries} galleries"
        if start_data:
            line += (
                "; start-up data (fixtures, --demo, --import) not loaded: it "
                "fills a new data dir only"
            )
    click.echo(f"fakegallery: {line}", err=True)


def _session() -> Any:
    import requests

    session = requests.Session()
    session.trust_env = False  # loopback: no proxy
    return session


def _answer(response: Any, url: str) -> bytes:
    if response.status_code == 200:
        body: bytes = response.content
        return body
    try:
        error = response.json()
        details = error.get("details") or {}
        violations = (details.get("validationError") or {}).get("fieldViolations")
    except (ValueError, AttributeError):
        fail(f"{url} answered {response.status_code}: {response.text[:200]}")
    if violations:
        found = [(str(v.get("field")), str(v.get("description"))) for v in violations]
        fail(f"{url} refused it: {_one_line(found)}")
    fail(f"{url} answered {response.status_code}: {error.get('message')}")


def _request(method: str, url: str, **kw: Any) -> bytes:
    import requests

    try:
        with _session() as session:
            response = session.request(method, url, timeout=TIMEOUT, **kw)
    except requests.RequestException as exc:
        fail(f"cannot reach {url}: {exc}")
    return _answer(response, url)


_URL = click.option(
    "--url",
    default=DEFAULT_URL,
    show_default=True,
    help="The running fakegallery server.",
)


@click.command("export")
@_URL
@click.option("--media", is_flag=True, help="Include the media files (base64).")
@click.option(
    "--site-id",
    "site_ids",
    multiple=True,
    metavar="SITE",
    help="Export only this site; repeatable. Default: every site.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="Write the document here (atomically) instead of to standard output.",
)
def export_command(
    url: str, media: bool, site_ids: tuple[str, ...], out: Path | None
) -> None:
    """Save a running server's whole state as one JSON document."""
    params: dict[str, Any] = {"media": "true" if media else "false"}
    if site_ids:
        params["siteId"] = list(site_ids)
    body = _request("GET", url.rstrip("/") + "/_fake/export", params=params)
    if out is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
        return
    _write_atomically(out, body)


def _write_atomically(path: Path, body: bytes) -> None:
    """A temporary file next to `path`, then a rename: a reader never sees
    half a document, and an old file is replaced only by a whole new one."""
    try:
        handle, temp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(body)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror or exc}")


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@_URL
@click.option(
    "--sites-only",
    is_flag=True,
    help="Replace only the sites in FILE; keep the others, the clock and ids.",
)
def import_command(file: Path, url: str, sites_only: bool) -> None:
    """Replace a running server's state with an export document (checked
    whole first: nothing changes if any part is refused)."""
    try:
        body = file.read_bytes()
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}")
    answer = _request(
        "POST",
        url.rstrip("/") + "/_fake/import",
        params={"mode": "sites" if sites_only else "all"},
        data=body,
        headers={"Content-Type": "application/json"},
    )
    summary = orjson.loads(answer)
    click.echo(
        f"imported {len(summary['siteIds'])} sites, {summary['galleries']} "
        f"galleries, {summary['items']} items, {summary['media']} media files"
    )
