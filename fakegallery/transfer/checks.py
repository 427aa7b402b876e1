"""Checking an export document (or one site of it) before anything changes.

Every problem is collected as a Wix field violation whose `field` is the path
in the document (``sites[0].galleries[2].items[5].image.imageInfo.id``): the
sites go through the fixture schemas (the API's own rules), keys no schema
knows are UNKNOWN_FIELD, and ids or sortOrders given twice are DUPLICATE.
"""

from __future__ import annotations

import base64
import binascii
import math
import random
import struct
from collections.abc import Container
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import (
    DUPLICATE,
    FORMAT,
    MAX,
    MIN,
    REQUIRED_FIELD,
    UNKNOWN_FIELD,
    FieldViolation,
    InvalidArgument,
)
from ..gallery import schemas
from ..seeding.validation import SITE_SCHEMA, unknown_keys
from ..state.clock import parse_time
from .document import FORMAT as DOCUMENT_FORMAT
from .document import MT_STATE, VERSION, extra_parts

if TYPE_CHECKING:
    from ..fake import FakeGallery

Json = dict[str, Any]

MODES = ("all", "sites")
#: At most this many violations are reported for one document.
MAX_VIOLATIONS = 100


class Problems:
    """The violations found so far."""

    def __init__(self) -> None:
        self.found: list[FieldViolation] = []

    def add(self, where: str, text: str, rule: str, **data: Any) -> None:
        self.found.append(FieldViolation(where, text, rule, data))

    def unknown_keys(
        self, value: Json, known: Container[str], path: str, what: str
    ) -> None:
        """An UNKNOWN_FIELD for each key of `value` that is not `known`."""
        for key in value:
            if key not in known:
                self.add(at(path, key), f"is not a key of {what}", UNKNOWN_FIELD)

    def take(self, error: InvalidArgument) -> None:
        self.found.extend(error.violations)

    def raise_any(self) -> None:
        if self.found:
            raise InvalidArgument(self.found[:MAX_VIOLATIONS])


def at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


@dataclass
class Checked:
    """A document that passed every check, ready to apply."""

    mode: str
    clock: Json | None = None
    ids: Json | None = None
    sites: list[tuple[str, Json]] = field(default_factory=list)
    parts: dict[str, Any] = field(default_factory=dict)


def check_document(fake: FakeGallery, raw: Any, mode: str) -> Checked:
    """Validate a whole export document; InvalidArgument lists what is wrong."""
    problems = Problems()
    if mode not in MODES:
        problems.add("mode", "must be all or sites", FORMAT, values=list(MODES))
    if not isinstance(raw, dict):
        problems.add("", "must be a JSON object (an export document)", FORMAT)
        problems.raise_any()
    parts = {c.name: c for c in extra_parts(fake)}
    known = {"format", "version", "clock", "ids", "sites", *parts}
    problems.unknown_keys(raw, known, "", "an export document")
    if raw.get("format") != DOCUMENT_FORMAT:
        rule = FORMAT if "format" in raw else REQUIRED_FIELD
        problems.add("format", f'must be "{DOCUMENT_FORMAT}"', rule)
    _check_version(raw.get("version"), problems)
    checked = Checked(mode)
    if "clock" in raw:
        checked.clock = _clock(raw["clock"], problems)
    if "ids" in raw:
        checked.ids = _ids(raw["ids"], problems)
    sites = raw.get("sites")
    if not isinstance(sites, list):
        rule = FORMAT if "sites" in raw else REQUIRED_FIELD
        problems.add("sites", "must be an array of sites", rule, type="array")
        sites = []
    first: dict[str, int] = {}
    for index, entry in enumerate(sites):
        path = f"sites[{index}]"
        site_id = entry.get("siteId") if isinstance(entry, dict) else None
        if not isinstance(entry, dict):
            pass  # check_site says so
        elif not isinstance(site_id, str) or not site_id.strip():
            problems.add(
                at(path, "siteId"), "is required: a non-empty string", REQUIRED_FIELD
            )
        elif site_id in first:
            where = f"sites[{first[site_id]}]"
            problems.add(at(path, "siteId"), f"repeats the site of {where}", DUPLICATE)
        else:
            first[site_id] = index
        data = check_site(fake, entry, path, problems)
        if data is not None and isinstance(site_id, str):
            checked.sites.append((site_id, data))
    for name, component in parts.items():
        if name in raw:
            try:
                checked.parts[name] = component.check_part(raw[name], name)
            except InvalidArgument as exc:
                problems.take(exc)
    problems.raise_any()
    return checked


def _check_version(version: Any, problems: Problems) -> None:
    if isinstance(version, bool) or not isinstance(version, int):
        problems.add("version", "must be an integer", FORMAT, type="integer")
    elif version > VERSION:
        problems.add(
            "version",
            f"is {version}: the document was written by a newer fakegallery "
            f"(this one reads versions 1 to {VERSION})",
            MAX,
            max=VERSION,
        )
    elif version < 1:
        problems.add("version", "must be at least 1", MIN, min=1)


def check_site(
    fake: FakeGallery, raw: Any, path: str, problems: Problems
) -> Json | None:
    """One site (fixture shape): schema, unknown keys, duplicates."""
    if not isinstance(raw, dict):
        problems.add(path, "must be an object (a site)", FORMAT, type="object")
        return None
    for where in unknown_keys(SITE_SCHEMA, raw, path):
        problems.add(where, "is not a key of a site (a misspelling?)", UNKNOWN_FIELD)
    try:
        data = schemas.load(SITE_SCHEMA, raw, path)
    except InvalidArgument as exc:
        problems.take(exc)
        return None
    _duplicates(fake, data, path, problems)
    return data


def _duplicates(fake: FakeGallery, data: Json, path: str, problems: Problems) -> None:
    """Ids unique in the site (galleries and items together), media ids and
    widget ids unique, sortOrders unique where the API requires it."""
    reject = fake.settings.reject_duplicate_sort_order
    ids: dict[str, str] = {}

    def once(seen: dict[Any, str], value: Any, where: str, what: str) -> None:
        first = seen.setdefault(value, where)
        if first != where:
            text = f"{value} is also the {what} of {first}"
            problems.add(f"{where}.{what}", text, DUPLICATE, conflictsWith=first)

    gallery_orders: dict[float, str] = {}
    for g_index, gallery in enumerate(data["galleries"]):
        g_path = at(path, f"galleries[{g_index}]")
        if "id" in gallery:
            once(ids, gallery["id"], g_path, "id")
        if reject and gallery.get("sortOrder") is not None:
            once(gallery_orders, gallery["sortOrder"], g_path, "sortOrder")
        orders: dict[float, str] = {}
        for i_index, item in enumerate(gallery.get("items", ())):
            i_path = f"{g_path}.items[{i_index}]"
            if "id" in item:
                once(ids, item["id"], i_path, "id")
            if reject and item.get("sortOrder") is not None:
                once(orders, item["sortOrder"], i_path, "sortOrder")
    media: dict[str, str] = {}
    for m_index, entry in enumerate(data.get("media", ())):
        once(media, entry["id"], at(path, f"media[{m_index}]"), "id")
    widgets: dict[str, str] = {}
    for p_index, page in enumerate(data.get("pages", ())):
        for w_index, widget in enumerate(page["widgets"]):
            w_path = at(path, f"pages[{p_index}].widgets[{w_index}]")
            once(widgets, widget["id"], w_path, "id")


def _clock(value: Any, problems: Problems) -> Json | None:
    if not isinstance(value, dict):
        problems.add("clock", "must be an object", FORMAT, type="object")
        return None
    problems.unknown_keys(value, ("frozenAt", "lastSortOrder"), "clock", "the clock")
    frozen = value.get("frozenAt")
    if frozen is not None:
        try:
            parse_time(frozen)
        except ValueError as exc:
            problems.add(
                "clock.frozenAt", f"must be null or an RFC3339 date-time: {exc}", FORMAT
            )
    last = value.get("lastSortOrder", 0.0)
    if (
        isinstance(last, bool)
        or not isinstance(last, int | float)
        or not math.isfinite(last)
    ):
        problems.add(
            "clock.lastSortOrder", "must be a finite number", FORMAT, type="number"
        )
        return None
    return {"frozenAt": frozen, "lastSortOrder": float(last)}


def _ids(value: Any, problems: Problems) -> Json | None:
    """The generator's seed and entity stream; the request stream (not
    exported: it moves with every read) starts from a point derived from them."""
    if not isinstance(value, dict):
        problems.add("ids", "must be an object", FORMAT, type="object")
        return None
    problems.unknown_keys(value, ("seed", "entities"), "ids", "ids")
    seed = value.get("seed")
    if isinstance(seed, bool) or not isinstance(seed, int) or abs(seed) >= 2**63:
        problems.add("ids.seed", "must be a 64-bit integer", FORMAT, type="integer")
        return None
    text = value.get("entities")
    try:
        words = MT_STATE.unpack(base64.b64decode(str(text), validate=True))
        random.Random().setstate((3, words, None))
    except (binascii.Error, ValueError, struct.error):
        problems.add(
            "ids.entities",
            "must be the base64 generator state an export wrote",
            FORMAT,
            type="base64",
        )
        return None
    requests = random.Random(f"requests:{seed}:{text}").getstate()
    return {
        "seed": seed,
        "entities": [3, list(words), None],
        "requests": [requests[0], list(requests[1]), requests[2]],
    }
