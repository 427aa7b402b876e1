"""Fixture files: one site per JSON file, galleries and items in the wire shape,
loaded through the same schemas as API input (fixtures/README.md).

A bad file fails loudly, naming the file and the field path: anything the API
would refuse, a key no schema knows (read-only response keys such as `type` are
allowed), a gallery or item id given twice (within a file, across the files of
one load, or against data already in the site) and two items of a gallery with
the same sortOrder. Every file is checked before any is stored, so a bad one
leaves the fake untouched.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from . import shipped

if TYPE_CHECKING:
    from ..fake import FakeGallery


class FixtureError(ValueError):
    """A fixture file that cannot be loaded: the message names file and field."""


class FixtureWarning(UserWarning):
    """An unknown key in a fixture, reported instead of refused in loose mode."""


def builtin_dir() -> Path:
    """The shipped fixtures: inside the wheel, or `fixtures/` in a checkout."""
    packaged = Path(str(resources.files("fakegallery"))) / "fixtures"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "fixtures"


def builtin_names() -> list[str]:
    return sorted(p.stem for p in builtin_dir().glob("*.json"))


def resolve(ref: str | Path) -> list[Path]:
    """A fixture name (`basic`), a file, or a directory of `*.json` files."""
    path = Path(ref)
    if isinstance(ref, str) and path.suffix != ".json" and len(path.parts) == 1:
        named = builtin_dir() / f"{ref}.json"
        if named.is_file():
            return [named]
    if path.is_dir():
        return sorted(path.glob("*.json"))
    if path.is_file():
        return [path]
    names = ", ".join(builtin_names())
    raise FixtureError(f"{ref}: no such fixture file or name (shipped: {names})")


def parse(path: Path, loose: bool = False) -> dict[str, Any]:
    """Read and validate one fixture file. A shipped fixture, unchanged, is
    already checked (seeding/shipped.py) and is not validated again."""
    try:
        data = path.read_bytes()
        raw = orjson.loads(data)
    except OSError as exc:
        raise FixtureError(f"{path}: cannot read: {exc.strerror}") from None
    except orjson.JSONDecodeError as exc:
        raise FixtureError(f"{path}: not valid JSON: {exc}") from None
    if shipped.checked(path, data, builtin_dir()):
        checked: dict[str, Any] = raw
        return checked
    return validate(raw, str(path), loose)


def validate(raw: Any, source: str, loose: bool = False) -> dict[str, Any]:
    """Validate one fixture document. Unknown keys are errors, or warnings
    (FixtureWarning) when `loose`."""
    from .validation import validate_document  # marshmallow: on first use

    return validate_document(raw, source, loose)


class _Ids:
    """Where each id and item sortOrder of one load was first seen."""

    __slots__ = ("seen",)

    def __init__(self) -> None:
        self.seen: dict[tuple[str, str], tuple[int, str]] = {}

    def claim(self, site: str, entity_id: str, load: int, where: str) -> None:
        first = self.seen.setdefault((site, entity_id), (load, where))
        if first != (load, where):
            raise FixtureError(f"{where}: id '{entity_id}' is also {first[1]}")


def check_duplicates(
    fake: FakeGallery, loads: list[tuple[str, str, dict[str, Any]]]
) -> None:
    """Refuse an id given twice (in one file, across the files of one load, or
    against what the site already holds) and two items of one gallery with the
    same sortOrder. `loads` is (source, site, validated data)."""
    ids = _Ids()
    for load, (source, site, data) in enumerate(loads):
        for g_index, gallery in enumerate(data["galleries"]):
            g_where = f"{source}: galleries[{g_index}]"
            entries = [(f"{g_where}.id", gallery.get("id"))]
            orders: dict[float, str] = {}
            for i_index, item in enumerate(gallery.get("items", ())):
                i_where = f"{g_where}.items[{i_index}]"
                entries.append((f"{i_where}.id", item.get("id")))
                value = item.get("sortOrder")
                if value is not None:
                    unique = fake.site_settings.switch(
                        site, "reject_duplicate_sort_order"
                    )
                    if value in orders and unique:
                        raise FixtureError(
                            f"{i_where}.sortOrder: {value} is also "
                            f"{orders[value]}.sortOrder in the same gallery"
                        )
                    orders.setdefault(value, i_where)
            for where, entity_id in entries:
                if entity_id is None:
                    continue
                if fake.store.has_id(site, entity_id):
                    raise FixtureError(
                        f"{where}: id '{entity_id}' is already in site '{site}' "
                        "(loaded before, or created through the API)"
                    )
                ids.claim(site, entity_id, load, where)


def target_site(
    fake: FakeGallery, data: Mapping[str, Any], source: str, site_id: str | None
) -> str:
    target = site_id or data.get("siteId") or fake.settings.default_site_id
    if not target:
        raise FixtureError(f"{source}: no siteId and no DEFAULT_SITE_ID")
    return str(target)


def load_data(
    fake: FakeGallery, data: dict[str, Any], source: str, site_id: str | None = None
) -> str:
    """Store validated fixture data in `site_id` (default: the file's `siteId`,
    else the default site). Returns the site id."""
    target = target_site(fake, data, source, site_id)
    with fake.lock:
        check_duplicates(fake, [(source, target, data)])
        store_site(fake, target, data)
    return target


def store_site(
    fake: FakeGallery, site: str, data: dict[str, Any], exact: bool = False
) -> None:
    """Store validated, checked site data. `exact` is for imports of an export
    (transfer/importing.py): see `import_gallery` and `load_fixture`."""
    imported = [fake.gallery.import_gallery(site, g, exact) for g in data["galleries"]]
    # published, media, pages/widgets and gallery `origin` (docs/live-site.md)
    fake.site.load_fixture(site, data, [g.id for g in imported], exact)


def load(
    fake: FakeGallery, refs: Iterable[str | Path], site_id: str | None = None
) -> list[str]:
    """Load fixture names, files or directories; all are checked (schemas,
    unknown keys, duplicate ids and sortOrders) before any is stored."""
    loose = fake.settings.loose_fixtures or fake.settings.loose
    parsed = [(str(p), parse(p, loose)) for ref in refs for p in resolve(ref)]
    return _load_all(fake, parsed, site_id)


def load_documents(
    fake: FakeGallery, documents: Iterable[tuple[str, Any]], site_id: str | None = None
) -> list[str]:
    """Like `load`, for fixture documents already read: (source, raw JSON)
    pairs, e.g. sent to POST /_fake/fixtures. All or nothing."""
    loose = fake.settings.loose_fixtures
    parsed = [(src, validate(raw, src, loose)) for src, raw in documents]
    return _load_all(fake, parsed, site_id)


def _load_all(
    fake: FakeGallery, parsed: list[tuple[str, dict[str, Any]]], site_id: str | None
) -> list[str]:
    loads = [(src, target_site(fake, d, src, site_id), d) for src, d in parsed]
    with fake.lock:
        check_duplicates(fake, loads)
        for _source, site, data in loads:
            store_site(fake, site, data)
    return [site for _source, site, _data in loads]
