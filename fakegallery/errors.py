"""Every error the fake can answer with, and the one place that renders them.

Hierarchy (docs/behaviour.md §7)::

    FakeGalleryError                    status  applicationError.code
    ├── InvalidArgument                 400     (validationError instead)
    ├── Unauthenticated                 401     UNAUTHENTICATED
    │   └── ControlTokenRequired        401     CONTROL_TOKEN_REQUIRED
    ├── PermissionDenied                403     PERMISSION_DENIED
    │   ├── CrossOriginRefused          403     CROSS_ORIGIN_REFUSED
    │   └── HostNotAllowed              403     HOST_NOT_ALLOWED
    ├── NotFound                        404     NOT_FOUND
    │   ├── GalleryNotFound             404     GALLERY_NOT_FOUND
    │   ├── ItemNotFound                404     ITEM_NOT_FOUND
    │   ├── WidgetNotFound              404     WIDGET_NOT_FOUND     (/_fake/ only)
    │   ├── MediaNotFound               404     MEDIA_NOT_FOUND      (/_fake/ only)
    │   └── FaultNotFound               404     FAULT_NOT_FOUND      (/_fake/ only)
    ├── MethodNotAllowed                405     METHOD_NOT_ALLOWED
    ├── DuplicateSortOrder              409     DUPLICATE_SORT_ORDER
    ├── PayloadTooLarge                 413     REQUEST_ENTITY_TOO_LARGE
    ├── QuotaExceeded                   413     QUOTA_EXCEEDED
    ├── SiteNotPublished                428     SITE_NOT_PUBLISHED
    ├── TooManyRequests                 429     TOO_MANY_REQUESTS    (RATE_LIMIT)
    ├── HttpRefusal                     3xx/4xx/5xx  the HTTP layer's own refusals
    │   └── InjectedFault               any     a fault rule's answer
    ├── StorageFailed                   500     STORAGE_FAILED       (durable mode)
    └── Internal                        500     INTERNAL

Every code the fake answers with lives here, and only here. The real Wix codes
for not-found and duplicates are undocumented (docs/behaviour.md §7.4, §12); the
fake's choices are easy to change in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar, NamedTuple

# Rules named in fieldViolations[].violatedRule (docs/behaviour.md §7.1; the
# names are our choice).
REQUIRED_FIELD = "REQUIRED_FIELD"
FORMAT = "FORMAT"
MIN = "MIN"
MAX = "MAX"
MIN_SIZE = "MIN_SIZE"
MAX_SIZE = "MAX_SIZE"
MAX_LENGTH = "MAX_LENGTH"
ONE_OF = "ONE_OF"
INVALID_ARGUMENT = "INVALID_ARGUMENT"
# Strict-media mode (docs/live-site.md rule 5): the image is not in the site's
# Media Manager.
NOT_IN_MEDIA_MANAGER = "NOT_IN_MEDIA_MANAGER"
# A fixture names an id, or an item sortOrder, twice; or has a key no schema knows.
DUPLICATE = "DUPLICATE"
UNKNOWN_FIELD = "UNKNOWN_FIELD"

#: Every violatedRule the fake can report.
RULES = (
    REQUIRED_FIELD,
    FORMAT,
    MIN,
    MAX,
    MIN_SIZE,
    MAX_SIZE,
    MAX_LENGTH,
    ONE_OF,
    INVALID_ARGUMENT,
    NOT_IN_MEDIA_MANAGER,
    DUPLICATE,
    UNKNOWN_FIELD,
)


NO_DATA: Mapping[str, Any] = MappingProxyType({})


class FieldViolation(NamedTuple):
    """One broken rule on one field, as Wix reports it in a validationError."""

    field: str
    description: str
    rule: str = INVALID_ARGUMENT
    data: Mapping[str, Any] = NO_DATA

    def to_body(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "description": self.description,
            "violatedRule": self.rule,
            "data": dict(self.data),
        }


class FakeGalleryError(Exception):
    """Base of every error that the fake turns into a Wix-shaped JSON response."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "INTERNAL"
    message: ClassVar[str] = "internal error"

    def __init__(self, description: str, data: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.description = description
        self.data = data or {}

    def to_body(self) -> dict[str, Any]:
        """The response body: ``{message, details: {applicationError}}``."""
        return {
            "message": self.description,
            "details": {
                "applicationError": {
                    "code": self.code,
                    "description": self.description,
                    "data": self.data,
                }
            },
        }


class InvalidArgument(FakeGalleryError):
    """400: the request breaks one or more field rules (a validationError body)."""

    status = 400
    code = "INVALID_ARGUMENT"

    def __init__(self, violations: list[FieldViolation]) -> None:
        self.violations = violations
        text = ", ".join(f'"{v.field}" {v.description}' for v in violations)
        super().__init__(f"INVALID_ARGUMENT: {text}")

    @classmethod
    def one(
        cls, field: str, description: str, rule: str, **data: Any
    ) -> InvalidArgument:
        return cls([FieldViolation(field, description, rule, data)])

    def to_body(self) -> dict[str, Any]:
        return {
            "message": self.description,
            "details": {
                "validationError": {
                    "fieldViolations": [v.to_body() for v in self.violations]
                }
            },
        }


class Unauthenticated(FakeGalleryError):
    status = 401
    code = "UNAUTHENTICATED"


class ControlTokenRequired(Unauthenticated):
    """401: a /_fake/ call without CONTROL_TOKEN (docs/control-plane.md)."""

    code = "CONTROL_TOKEN_REQUIRED"


class PermissionDenied(FakeGalleryError):
    status = 403
    code = "PERMISSION_DENIED"


class CrossOriginRefused(PermissionDenied):
    """403: a browser request from another origin tried to change state (the
    whole fake: docs/control-plane.md, "Safety"; the dashboard's controls, which
    also need an Origin: docs/dashboard.md, "Safety")."""

    code = "CROSS_ORIGIN_REFUSED"


class HostNotAllowed(PermissionDenied):
    """403: a foreign Host name on loopback (DNS rebinding; docs/control-plane.md)."""

    code = "HOST_NOT_ALLOWED"


class NotFound(FakeGalleryError):
    status = 404
    code = "NOT_FOUND"


class GalleryNotFound(NotFound):
    code = "GALLERY_NOT_FOUND"

    def __init__(self, gallery_id: str) -> None:
        super().__init__(f"gallery '{gallery_id}' not found", {"galleryId": gallery_id})


class ItemNotFound(NotFound):
    code = "ITEM_NOT_FOUND"

    def __init__(self, gallery_id: str, item_id: str) -> None:
        super().__init__(
            f"item '{item_id}' not found in gallery '{gallery_id}'",
            {"galleryId": gallery_id, "itemId": item_id},
        )


class WidgetNotFound(NotFound):
    """A live-site gallery widget the /_fake/ control plane does not know."""

    code = "WIDGET_NOT_FOUND"

    def __init__(self, widget_id: str) -> None:
        super().__init__(
            f"no gallery widget '{widget_id}' on the live site; add one with "
            "POST /_fake/editor/galleries",
            {"widgetId": widget_id},
        )


class MediaNotFound(NotFound):
    code = "MEDIA_NOT_FOUND"

    def __init__(
        self, media_id: str, reason: str = "is not in the Media Manager"
    ) -> None:
        super().__init__(f"media '{media_id}' {reason}", {"mediaId": media_id})


class SiteNotPublished(FakeGalleryError):
    """Seeds 000/001/002: the backend API works only for a published site.

    (a default) Wix does not document the answer; 428 (gRPC FAILED_PRECONDITION at
    Wix's gateway, docs/behaviour.md §7.2) and this code are our choice.
    """

    status = 428
    code = "SITE_NOT_PUBLISHED"

    def __init__(self, site_id: str) -> None:
        super().__init__(
            f"site '{site_id}' is not published: the Pro Gallery API works only "
            "for a published site (publish it with POST /_fake/site/publish)",
            {"siteId": site_id},
        )


class MethodNotAllowed(FakeGalleryError):
    status = 405
    code = "METHOD_NOT_ALLOWED"


class DuplicateSortOrder(FakeGalleryError):
    """409: two items of a gallery, or two galleries of a site, share a sortOrder.

    docs/behaviour.md §6.1: the status is undocumented; 409 is our choice.
    """

    status = 409
    code = "DUPLICATE_SORT_ORDER"


class PayloadTooLarge(FakeGalleryError):
    """413: the request body is over the documented limit (MAX_REQUEST_BYTES)."""

    status = 413
    code = "REQUEST_ENTITY_TOO_LARGE"


class StorageFailed(FakeGalleryError):
    """500: durable mode could not store a write in the data dir (disk full,
    data dir removed, ...). The write is in memory and is stored with the next
    write that succeeds (docs/persistence.md)."""

    status = 500
    code = "STORAGE_FAILED"


class QuotaExceeded(FakeGalleryError):
    """413: the write would take the server past one of its storage limits
    (MAX_SITES, MAX_GALLERIES_PER_SITE, MAX_STORED_BYTES; docs/configuration.md).
    Wix documents no such answer; retrying never helps, hence not 429."""

    status = 413
    code = "QUOTA_EXCEEDED"

    def __init__(self, setting: str, limit: int, description: str) -> None:
        super().__init__(
            f"{description}: the limit {setting} is {limit} (a setting of the fake; "
            "reset the fake or drop sites to make room)",
            {"setting": setting, "limit": limit},
        )


class Internal(FakeGalleryError):
    status = 500
    code = "INTERNAL"


class TooManyRequests(FakeGalleryError):
    """429 over RATE_LIMIT (docs/journal-and-faults.md); the code is our choice."""

    status = 429
    code = "TOO_MANY_REQUESTS"


class FaultNotFound(NotFound):
    code = "FAULT_NOT_FOUND"

    def __init__(self, rule_id: str) -> None:
        text = f"no fault rule '{rule_id}'; GET /_fake/faults lists them"
        super().__init__(text, {"faultId": rule_id})


# The HTTP layer's own answers (werkzeug's), by status: what reaches a client
# when a request cannot even be routed or read; and fault presets (gRPC names,
# docs/journal-and-faults.md#presets).
HTTP_CODES = {
    301: "MOVED_PERMANENTLY",
    302: "FOUND",
    307: "TEMPORARY_REDIRECT",
    308: "PERMANENT_REDIRECT",
    400: "BAD_REQUEST",
    408: "REQUEST_TIMEOUT",
    411: "LENGTH_REQUIRED",
    414: "URI_TOO_LONG",
    415: "UNSUPPORTED_MEDIA_TYPE",
    416: "RANGE_NOT_SATISFIABLE",
    429: TooManyRequests.code,
    431: "REQUEST_HEADER_FIELDS_TOO_LARGE",
    500: Internal.code,
    501: "NOT_IMPLEMENTED",
    502: "BAD_GATEWAY",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


class HttpRefusal(FakeGalleryError):
    """A refusal by the HTTP layer (redirect, malformed request, …) in the Wix
    shape; its status is the one werkzeug chose."""

    def __init__(
        self, status: int, description: str, data: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description, data)
        self.status = status  # type: ignore[misc]
        self.code = HTTP_CODES.get(status, "HTTP_ERROR")  # type: ignore[misc]


class InjectedFault(HttpRefusal):
    """A fault rule's answer: any status, its preset code or the rule's own."""

    def __init__(
        self, status: int, description: str, code: str | None, data: dict[str, Any]
    ) -> None:
        super().__init__(status, description, data)
        self.code = code or self.code  # type: ignore[misc]
