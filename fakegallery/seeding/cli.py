"""`fakegallery demo`: write a generated fixture file (seeding/demo.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli_options import fail
from ..errors import FakeGalleryError
from . import demo, fixtures
from .fixtures import FixtureError


@click.command("demo")
@click.option(
    "--galleries",
    type=click.IntRange(0),
    default=3,
    show_default=True,
    metavar="N",
    help="Number of galleries to generate.",
)
@click.option(
    "--items",
    type=click.IntRange(0),
    default=12,
    show_default=True,
    metavar="M",
    help="Items per gallery: a mix of images, YouTube/Vimeo/Wix videos and text.",
)
@click.option(
    "--large-gallery",
    type=click.IntRange(0),
    default=None,
    metavar="K",
    help="Give the first gallery K items instead of M (a paging target).",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Seed of ids, dates and text: the same seed writes the same bytes.",
)
@click.option(
    "--site-id",
    default=None,
    metavar="GUID",
    help="siteId to write into the file (default: none, so it loads into the "
    "default site or the site a test chooses).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    metavar="FILE",
    help="Write the fixture file here instead of to standard output.",
)
def demo_command(
    galleries: int,
    items: int,
    large_gallery: int | None,
    seed: int,
    site_id: str | None,
    out: Path | None,
) -> None:
    """Write a generated fixture file (valid input for --fixtures and load())."""

    counts = [items] * galleries
    if large_gallery is not None and counts:
        counts[0] = large_gallery
    try:
        data = demo.generate(galleries, counts, seed=seed, site_id=site_id)
        fixtures.validate(data, "generated data")
    except (FixtureError, FakeGalleryError) as exc:
        fail(str(exc))
    payload = demo.dumps(data)
    if out is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()
        return
    try:
        out.write_bytes(payload)
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror or exc}")
