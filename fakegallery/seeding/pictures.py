"""Generated pictures: a small SVG landscape for any media id, so galleries show
pictures offline (docs/dashboard.md, "Pictures").

The drawing is a pure function of the media id and the size: the same id always
gives the same picture, in the item's own aspect ratio, with its size written in
a corner. No dependency and no randomness outside a hash of the id; the text in
the SVG is only digits and a fixed word, so no stored data ever reaches it.
"""

from __future__ import annotations

import hashlib

#: Largest side a picture may declare (Wix's own limit is far below).
MAX_SIDE = 100_000


class _Draw:
    """Numbers in [0, 1) taken one after another from a hash of the id."""

    def __init__(self, key: str) -> None:
        self.bytes = hashlib.sha256(key.encode()).digest()
        self.index = 0

    def unit(self) -> float:
        value = self.bytes[self.index % len(self.bytes)]
        self.index += 1
        return value / 256


def _hsl(hue: float, sat: int, light: int) -> str:
    return f"hsl({round(hue) % 360} {sat}% {light}%)"


def _ridge(draw: _Draw, width: int, height: int, base: float, rough: float) -> str:
    """A closed polygon: a mountain ridge around `base` (share of the height)."""
    steps = 7
    points = [f"0,{height}"]
    for step in range(steps + 1):
        x = width * step / steps
        y = height * (base - rough * draw.unit())
        points.append(f"{x:.0f},{y:.0f}")
    points.append(f"{width},{height}")
    return " ".join(points)


def landscape_svg(media_id: str, width: int, height: int, kind: str = "image") -> bytes:
    """An SVG picture `width` × `height` for `media_id`. `kind="video"` adds a
    play button (a video poster, or a video without one)."""
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        raise ValueError(f"size {width}x{height} outside 1..{MAX_SIDE}")
    draw = _Draw(media_id)
    hue = draw.unit() * 360
    night = draw.unit() < 0.2
    sky_top = _hsl(hue + 200, 45, 18 if night else 55)
    sky_low = _hsl(hue + 20, 70, 35 if night else 80)
    sun_x = width * (0.15 + 0.7 * draw.unit())
    sun_y = height * (0.18 + 0.25 * draw.unit())
    short = min(width, height)
    sun_r = short * (0.06 + 0.06 * draw.unit())
    sun = _hsl(45 + 20 * draw.unit(), 30 if night else 95, 90 if night else 72)
    ridges = [
        (0.55, 0.25, _hsl(hue + 180, 25, 45 if not night else 22)),
        (0.7, 0.2, _hsl(hue + 160, 30, 33 if not night else 15)),
        (0.85, 0.15, _hsl(hue + 140, 35, 22 if not night else 9)),
    ]
    shapes = [
        f'<polygon points="{_ridge(draw, width, height, base, rough)}" '
        f'fill="{colour}"/>'
        for base, rough, colour in ridges
    ]
    label = f"{width} × {height}"
    font = max(short / 14, 1)
    pad = font * 0.6
    box_w = font * 0.62 * len(label) + 2 * pad
    box_h = font + 2 * pad
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">',
        '<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">'
        f'<stop offset="0" stop-color="{sky_top}"/>'
        f'<stop offset="1" stop-color="{sky_low}"/></linearGradient></defs>',
        f'<rect width="{width}" height="{height}" fill="url(#sky)"/>',
        f'<circle cx="{sun_x:.0f}" cy="{sun_y:.0f}" r="{sun_r:.0f}" fill="{sun}"/>',
        *shapes,
    ]
    if kind == "video":
        r = short * 0.14
        cx, cy = width / 2, height / 2
        parts.append(
            f'<circle cx="{cx:.0f}" cy="{cy:.0f}" r="{r:.0f}" fill="#000" '
            'fill-opacity="0.55"/>'
            f'<polygon points="{cx - r * 0.35:.0f},{cy - r * 0.5:.0f} '
            f"{cx - r * 0.35:.0f},{cy + r * 0.5:.0f} "
            f'{cx + r * 0.55:.0f},{cy:.0f}" fill="#fff"/>'
        )
    parts.append(
        f'<rect x="{width - box_w - pad:.0f}" y="{height - box_h - pad:.0f}" '
        f'width="{box_w:.0f}" height="{box_h:.0f}" rx="{pad:.0f}" fill="#000" '
        'fill-opacity="0.5"/>'
        f'<text x="{width - pad - box_w / 2:.0f}" y="{height - pad - box_h / 2:.0f}" '
        f'font-family="sans-serif" font-size="{font:.0f}" fill="#fff" '
        f'text-anchor="middle" dominant-baseline="central">{label}</text>'
    )
    parts.append("</svg>")
    return "".join(parts).encode()
