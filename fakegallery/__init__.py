"""fakegallery: a local, in-memory fake of the Wix Pro Gallery REST API."""

from __future__ import annotations

from .api import PREFIXES
from .app import create_app, get_fake
from .fake import FakeGallery

__all__ = ["PREFIXES", "FakeGallery", "create_app", "get_fake"]
__version__ = "0.1.0"
