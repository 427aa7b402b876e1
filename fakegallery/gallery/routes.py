"""The Pro Gallery routes, built from the operations table: one URL rule per
operation, served under every API prefix (docs/behaviour.md §1). Each view:
authorize → path ids → query → body → one `GalleryApi` method → JSON."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, g, request
from werkzeug.routing import BaseConverter

from ..errors import FieldViolation
from ..fake import current_fake
from ..state.globs import find_prefix
from ..web.capture import OPERATION, RELAXED, SITE
from ..web.request import body, guid, guid_list, int_arg, ok
from .auth import addressed_site, api_token, authorize
from .faulting import apply_faults, check_rate
from .loose import HEADER, header_value
from .operations import OPERATIONS, GuidListQuery, IntQuery, Operation

if TYPE_CHECKING:
    from marshmallow import Schema

# docs/behaviour.md §1: the documented prefix, the SDK's, and the one a custom
# host gets.
PREFIXES = ("/pro-gallery/v2", "/progallery/v2", "/_api/pro-gallery-server/v2")


class PrefixConverter(BaseConverter):
    """Matches any of the API prefixes, so each endpoint is one URL rule rather
    than one per prefix (werkzeug compiles every rule: ~0.7 ms each at start)."""

    regex = "|".join(re.escape(p.lstrip("/")) for p in PREFIXES)
    part_isolating = False  # a prefix spans several path segments


bp = Blueprint("api", __name__, url_prefix="/<apiprefix:prefix>")


@bp.url_value_preprocessor
def _drop_prefix(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Every prefix serves the same store: views never see which one was used."""
    if values is not None:
        values.pop("prefix", None)


def _view(op: Operation) -> Callable[..., Response]:
    # The schema is built once (~0.4 F per build), on the first request that
    # needs it: reads never load marshmallow (docs/performance.md).
    schemas: list[Schema] = []

    def view(**path: str) -> Response:
        """Faults → authorize → rate limit → path ids, query, body → handler
        (docs/journal-and-faults.md: a faulted call never reaches the store)."""
        fake = current_fake()
        settings = fake.settings
        # The site, for the journal, even when the call is refused below.
        site = request.environ[SITE] = addressed_site(settings)
        if fake.faults.has_rules:
            prefix = find_prefix(request.path, PREFIXES)
            answer = apply_faults(fake, op, site, prefix)
            if answer is not None:
                return answer
        site_id = authorize(fake.site_settings, fake.live, op.permission).site_id
        settings = fake.site_settings.of(site_id)  # with the site's overrides
        if fake.rate_limit.enabled:
            check_rate(fake, site_id, api_token())
        relaxed: list[FieldViolation] | None = None
        if settings.loose:
            relaxed = g.relaxed = []
        args: list[Any] = [
            guid(field, path[name], relaxed) for name, field in op.path_ids
        ]
        for param in op.query:
            if isinstance(param, IntQuery):
                high = param.upper(settings)
                args.append(
                    int_arg(param.name, param.default, param.low, high, relaxed)
                )
            else:
                assert isinstance(param, GuidListQuery)
                args.append(guid_list(param.name, relaxed))
        if op.body_schema is not None:
            if not schemas:
                schema_class = op.body
                assert schema_class is not None
                schemas.append(schema_class())
            args.append(body(schemas[0], relaxed))
        return ok(getattr(fake.gallery, op.handler)(site_id, *args))

    view.__name__ = op.id
    view.__doc__ = f"{op.summary} (docs/behaviour.md {op.section})."
    return view


def operation() -> Operation | None:
    """The operation the current request was routed to, if any."""
    op: Operation | None = g.get("operation")
    return op


@bp.before_request
def _note_operation() -> None:
    endpoint = request.endpoint or ""
    op = g.operation = BY_ENDPOINT.get(endpoint)
    request.environ[OPERATION] = op.id if op is not None else None


@bp.after_request
def _report_relaxed(response: Response) -> Response:
    """Loose mode: the rules relaxed in this call, in the journal and a header
    (also on an error answer, e.g. the 404 of a non-GUID id)."""
    relaxed: list[FieldViolation] | None = g.get("relaxed")
    if relaxed:
        request.environ[RELAXED] = [v.to_body() for v in relaxed]
        response.headers[HEADER] = header_value(relaxed)
    return response


BY_ENDPOINT: dict[str, Operation] = {}
for _op in OPERATIONS:
    bp.add_url_rule(
        _op.rule, endpoint=_op.id, view_func=_view(_op), methods=[_op.method.upper()]
    )
    BY_ENDPOINT[f"{bp.name}.{_op.id}"] = _op
