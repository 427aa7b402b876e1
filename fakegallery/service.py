"""One function per Pro Gallery operation: the import surface of the routes.

api.py, control.py, site.py, fixtures.py and live.py call the operations as
``service.<name>`` (so tests can monkeypatch them here). They live in
service_galleries.py and service_items.py, with what both share in
service_common.py and service_events.py, and fixture import and export in
service_fixtures.py. Routes call these with validated input; the store holds
the data.

Every write checks everything first and only then writes, all under the store
lock, so a rejected request leaves the store exactly as it was (all-or-nothing).
"""

from __future__ import annotations

from .service_common import DEFAULT_ITEM_LIMIT, Body, gallery_wire
from .service_fixtures import import_gallery, site_state
from .service_galleries import (
    LIST_ITEM_LIMIT,
    create_gallery,
    delete_gallery,
    get_gallery,
    list_galleries,
    update_gallery,
)
from .service_items import (
    bulk_delete_gallery_items,
    create_gallery_item,
    delete_gallery_item,
    delete_gallery_items,
    get_gallery_item,
    list_gallery_items,
    update_gallery_item,
)

__all__ = [
    "DEFAULT_ITEM_LIMIT",
    "LIST_ITEM_LIMIT",
    "Body",
    "bulk_delete_gallery_items",
    "create_gallery",
    "create_gallery_item",
    "delete_gallery",
    "delete_gallery_item",
    "delete_gallery_items",
    "gallery_wire",
    "get_gallery",
    "get_gallery_item",
    "import_gallery",
    "list_galleries",
    "list_gallery_items",
    "site_state",
    "update_gallery",
    "update_gallery_item",
]
