"""Seeded demo data: Faker-made galleries and items in the fixture (wire) shape.

Everything random comes from one seed: GUIDs from `Ids(seed)` (clock.py) and text
and numbers from a Faker seeded with `Ids(seed).derive("demo")`; dates are offsets
from a fixed epoch, never the wall clock. Same seed (and Faker version) ⇒ same
bytes. The output is plain data: it enters the fake through fixtures.py and the
same schemas as API input.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from ..extras import DEMO, require
from ..state.clock import Ids, format_time

#: Generated dates lie in the 400 days after this instant.
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
#: Wix's stock-media owner prefix; user uploads use the site owner's prefix.
STOCK_OWNER = "11062b"
# (width, height) ratios seen on real uploads: 3:2, 4:3, 16:9, 1:1, 2:3, 3:4.
RATIOS = ((3, 2), (4, 3), (16, 9), (1, 1), (2, 3), (3, 4))
IMAGE_EXTENSIONS = ("jpg", "jpg", "jpeg", "png", "webp")
GALLERY_KINDS = ("Portfolio", "Trip", "Collection", "Highlights", "Archive", "Shoot")
# One in ten items of each kind below; the rest are images.
KIND_WEIGHTS = (
    ("image", 6),
    ("youtube", 1),
    ("vimeo", 1),
    ("wix_video", 1),
    ("text", 1),
)
SCENES = (
    "at dawn", "at dusk", "by night", "in the rain", "from above", "in spring",
    "in winter", "skyline", "street market", "harbour", "old town", "details",
)  # fmt: skip


def generate(
    galleries: int,
    items: int | Sequence[int],
    seed: int,
    site_id: str | None = None,
) -> dict[str, Any]:
    """A fixture dict: `galleries` galleries with `items` items each (or one
    count per gallery), explicit GUIDs, dates and ascending sortOrders."""
    counts = [items] * galleries if isinstance(items, int) else list(items)
    if len(counts) != galleries:
        raise ValueError(f"{len(counts)} item counts for {galleries} galleries")
    if galleries < 0 or any(n < 0 for n in counts):
        raise ValueError("gallery and item counts must not be negative")
    return _Generator(seed).site(counts, site_id)


def dumps(data: dict[str, Any]) -> bytes:
    """The canonical bytes of a fixture file: two-space indent, final newline."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"


class _Generator:
    def __init__(self, seed: int) -> None:
        self.ids = Ids(seed)
        # Imported here: Faker is the `demo` extra, and a MissingExtra names it.
        self.faker = require("faker", DEMO).Faker("en_US")
        self.faker.seed_instance(self.ids.derive("demo"))
        self.rng = self.faker.random
        self.owner = self.faker.hexify("^^^^^^")
        self.kinds = [kind for kind, _ in KIND_WEIGHTS]
        self.weights = [weight for _, weight in KIND_WEIGHTS]

    def site(self, counts: list[int], site_id: str | None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if site_id is not None:
            out["siteId"] = site_id
        start = EPOCH + timedelta(seconds=self.rng.randrange(86_400))
        galleries = []
        for number, count in enumerate(counts):
            created = start + timedelta(days=number, seconds=self.rng.randrange(3600))
            galleries.append(self.gallery(created, count))
        out["galleries"] = galleries
        return out

    def gallery(self, created: datetime, count: int) -> dict[str, Any]:
        words = self.faker.words(2, unique=True)
        kind = self.rng.choice(GALLERY_KINDS)
        gallery: dict[str, Any] = {
            "id": self.ids.guid(),
            "name": f"{' '.join(words).title()} {kind}",
            # docs/behaviour.md §6.1: epoch seconds with a fractional part, 3 decimals.
            "sortOrder": round(created.timestamp() + self.rng.random(), 3),
            "createdDate": format_time(created),
            "items": [],
        }
        when = created
        for _ in range(count):
            when += timedelta(seconds=self.rng.randrange(5, 900))
            gallery["items"].append(self.item(when))
        return gallery

    def item(self, created: datetime) -> dict[str, Any]:
        kind = self.rng.choices(self.kinds, self.weights)[0]
        title = self.title()
        edited = self.rng.random() < 0.3
        updated = created + timedelta(hours=self.rng.randint(1, 72)) if edited else None
        item: dict[str, Any] = {
            "id": self.ids.guid(),
            "title": title,
            "description": self.faker.sentence(nb_words=self.rng.randint(6, 14)),
            "sortOrder": round(created.timestamp() + self.rng.random(), 3),
            "createdDate": format_time(created),
            "updatedDate": format_time(updated or created),
            "tags": {"values": self.faker.words(self.rng.randint(1, 4), unique=True)},
        }
        if self.rng.random() < 0.15:
            url = self.faker.url() + self.faker.slug()
            text = self.faker.word().title()
            # the key order the schemas give (LinkSchema), so a shipped file
            # made by `demo` loads byte for byte as validated (seeding/shipped.py)
            item["link"] = {
                "text": text,
                "url": url,
                "type": "EXTERNAL",
                "target": "_blank",
            }
        if kind == "image":
            item["image"] = self.image(title)
        elif kind == "text":
            item["text"] = self.text()
        else:
            item["video"] = self.video(kind)
        return item

    def title(self) -> str:
        pick = self.rng.randrange(3)
        if pick == 0:
            return f"{self.faker.city()} {self.rng.choice(SCENES)}"
        if pick == 1:
            return f"{self.faker.first_name()}'s {self.faker.word()}"
        return " ".join(self.faker.words(self.rng.randint(2, 4))).capitalize()

    def media_id(self, extension: str | None) -> str:
        owner = STOCK_OWNER if self.rng.random() < 0.3 else self.owner
        name = f"{owner}_{self.faker.hexify('^' * 32)}"
        return f"{name}~mv2.{extension}" if extension else name

    def dimensions(self) -> tuple[int, int]:
        ratio_w, ratio_h = self.rng.choice(RATIOS)
        long_side = self.rng.randrange(800, 6001, 2)
        if ratio_w >= ratio_h:
            return long_side, long_side * ratio_h // ratio_w
        return long_side * ratio_w // ratio_h, long_side

    def image(self, title: str) -> dict[str, Any]:
        extension = self.rng.choice(IMAGE_EXTENSIONS)
        width, height = self.dimensions()
        info: dict[str, Any] = {
            "id": self.media_id(extension),
            "width": width,
            "height": height,
            "altText": title,
            "filename": f"{self.faker.word()}-{self.rng.randint(1, 999)}.{extension}",
        }
        image: dict[str, Any] = {"imageInfo": info}
        if self.rng.random() < 0.25:
            image["focalPoint"] = {
                "x": round(self.rng.random(), 2),
                "y": round(self.rng.random(), 2),
            }
        return image

    def text(self) -> dict[str, Any]:
        paragraphs = self.faker.paragraphs(self.rng.randint(1, 2))
        html = "".join(f"<p>{p}</p>" for p in paragraphs)
        text: dict[str, Any] = {"html": html}
        if self.rng.random() < 0.3:
            text["css"] = {"backgroundColor": self.faker.hex_color()}
        return text

    def video(self, kind: str) -> dict[str, Any]:
        if kind == "youtube":
            alphabet = (
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
            )
            key = "".join(self.rng.choices(alphabet, k=11))
            return {"videoInfo": {"url": f"https://www.youtube.com/watch?v={key}"}}
        if kind == "vimeo":
            number = self.rng.randrange(100_000_000, 999_999_999)
            return {"videoInfo": {"url": f"https://vimeo.com/{number}"}}
        video_id = self.media_id(None)
        width, height = self.rng.choice(((1920, 1080), (1280, 720), (1080, 1920)))
        quality = f"{min(width, height)}p"
        base = f"https://video.wixstatic.com/video/{video_id}"
        return {
            "type": "WIX_MEDIA",
            "durationInMillis": self.rng.randrange(3_000, 180_000, 1000),
            "videoInfo": {
                "id": video_id,
                "filename": f"{self.faker.word()}.mp4",
                "resolutions": [
                    {
                        "url": f"{base}/{quality}/mp4/file.mp4",
                        "width": width,
                        "height": height,
                        "format": "mp4",
                        "quality": quality,
                    }
                ],
                "posters": [
                    {"id": f"{video_id}f000.jpg", "width": width, "height": height}
                ],
            },
        }
