"""`GalleryApi`: the 12 Pro Gallery operations over the fake's state.

One method per operation (galleries.py, items.py), with what they share in
rules.py and seeding/inspection in snapshot.py. The operations table
(operations.py) names which method serves which operation.
"""

from __future__ import annotations

from .galleries import GalleryOperations
from .items import ItemOperations
from .snapshot import Snapshots


class GalleryApi(GalleryOperations, ItemOperations, Snapshots):
    """The gallery API backend of one fake (built by `FakeGallery`)."""
