"""fakegallery: a local, in-memory fake of the Wix Pro Gallery REST API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app, get_fake
    from .fake import FakeGallery
    from .gallery.routes import PREFIXES
    from .live.wgallery import to_w_gallery_items
    from .testing.handle import GallerySite

__all__ = [
    "PREFIXES",
    "FakeGallery",
    "GallerySite",
    "create_app",
    "get_fake",
    "to_w_gallery_items",
]
__version__ = "0.1.0"

# Where each public name lives. They are imported on first use, so that the
# pytest plugin (loaded in every pytest run once the package is installed)
# does not pull in Flask and marshmallow for test runs that never use it.
_LAZY = {
    "PREFIXES": "gallery.routes",
    "create_app": "app",
    "get_fake": "app",
    "FakeGallery": "fake",
    "GallerySite": "testing.handle",
    "to_w_gallery_items": "live.wgallery",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'fakegallery' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
