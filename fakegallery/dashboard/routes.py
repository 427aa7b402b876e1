"""The dashboard's pages (docs/dashboard.md). Each page is a Jinja2 template
around one "live" part; the page's script asks for that part again
(`?fragment=1`, with its ETag) every second or two and swaps it in when it
changed, so a test or an app driving the fake shows up without a reload. The
Activity page's panels read the /_fake/ JSON routes themselves.

The page builders (views.py, tiles.py) load with the first page: a fake that
nobody looks at in a browser never needs them (docs/performance.md, cold
start)."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Blueprint, Response, render_template, request, url_for
from markupsafe import Markup
from werkzeug.http import generate_etag

from ..control.webhooks.entries import STATES
from ..errors import FORMAT, InvalidArgument
from ..fake import current_fake
from ..gallery.operations import BY_ID
from ..state.events import EVENT_TYPES
from ..state.faults import CONNECTION_FAULTS
from ..web.request import guid, int_arg
from .security import secure

bp = Blueprint(
    "dashboard",
    __name__,
    url_prefix="/_fake/ui",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
bp.after_request(secure)

SITES_PER_PAGE = 50
GALLERIES_PER_PAGE = 24
ITEMS_PER_PAGE = 100
MEDIA_PER_PAGE = 60


def unchanged(version: str) -> Response | None:
    """A 304 for a live-part request whose ETag is still `version` (the page
    then skips rendering), else None."""
    if request.args.get("fragment") == "1" and version in request.if_none_match:
        response = Response(status=304)
        response.set_etag(version)
        return response
    return None


def page(
    template: str, part: str, version: str | None = None, **context: Any
) -> Response:
    """The whole page, or only its live part when `?fragment=1` (answered 304
    when it has not changed since the ETag the script sent). The ETag is
    `version` when the caller knows one, else a hash of the part's HTML."""
    from . import views

    fake = current_fake()
    context.setdefault("clock", views.clock(fake))
    part_html = render_template(part, **context)
    etag = version or generate_etag(part_html.encode())
    if request.args.get("fragment") == "1":
        response = Response(part_html, mimetype="text/html")
        response.set_etag(etag)
        response.make_conditional(request)  # 304 when the ETag still matches
        return response
    args = {**(request.view_args or {}), **request.args.to_dict(), "fragment": "1"}
    html = render_template(
        template,
        part_html=Markup(part_html),  # rendered above by an autoescaping template
        live_url=url_for(str(request.endpoint), **args),
        live_etag=etag,
        **context,
    )
    return Response(html, mimetype="text/html")


def site_arg(site_id: str) -> str:
    if not site_id.strip() or len(site_id) > 200:
        raise InvalidArgument.one("siteId", "must be 1 to 200 characters", FORMAT)
    return site_id


@bp.get("/")
def home() -> Response:
    """Every site with data, and the clock."""
    from . import views

    fake = current_fake()
    listed = views.site_ids(fake)
    pager = views.Pager.of(len(listed), SITES_PER_PAGE, int_arg("page", 1, 1))
    shown = listed[pager.start : pager.stop]
    return page(
        "home.html",
        "parts/sites.html",
        sites=[views.site_summary(fake, site_id) for site_id in shown],
        pager=pager,
    )


@bp.get("/sites/<site_id>/")
def site(site_id: str) -> Response:
    """A site's galleries as cards."""
    from . import views

    fake = current_fake()
    site_arg(site_id)
    summary = views.site_summary(fake, site_id)
    pager = views.Pager.of(
        summary["galleries"], GALLERIES_PER_PAGE, int_arg("page", 1, 1)
    )
    cards = views.gallery_cards(fake, site_id, pager.start, pager.stop)
    return page(
        "site.html",
        "parts/galleries.html",
        site=summary,
        cards=cards,
        pager=pager,
        tab="galleries",
    )


@bp.get("/sites/<site_id>/galleries/<gallery_id>/")
def gallery(site_id: str, gallery_id: str) -> Response:
    """A gallery as an image grid in the API's order."""
    from . import views

    fake = current_fake()
    site_arg(site_id)
    guid("galleryId", gallery_id)
    shown = views.gallery_page(
        fake, site_id, gallery_id, ITEMS_PER_PAGE, int_arg("page", 1, 1)
    )
    version = shown.version
    cached = unchanged(version)
    if cached is not None:
        return cached
    return page(
        "gallery.html",
        "parts/items.html",
        version=version,
        site=views.site_summary(fake, site_id),
        gallery=shown.info,
        items=shown.views(),
        pager=shown.pager,
        tab="galleries",
    )


@bp.get("/sites/<site_id>/galleries/<gallery_id>/items/<item_id>")
def item(site_id: str, gallery_id: str, item_id: str) -> Response:
    """One item: its picture and its exact wire JSON (`?raw=1`: the JSON itself)."""
    from . import views

    fake = current_fake()
    site_arg(site_id)
    guid("galleryId", gallery_id)
    guid("itemId", item_id)
    info, view, body = views.item_page(fake, site_id, gallery_id, item_id)
    if request.args.get("raw") == "1":
        return Response(body, mimetype="application/json")
    pretty = orjson.dumps(orjson.loads(body), option=orjson.OPT_INDENT_2).decode()
    return page(
        "item.html",
        "parts/item.html",
        site=views.site_summary(fake, site_id),
        gallery=info,
        item=view,
        wire=pretty,
        tab="galleries",
    )


@bp.get("/sites/<site_id>/live")
def live(site_id: str) -> Response:
    """The live site as a visitor sees it (the data of /_fake/live)."""
    from . import views

    fake = current_fake()
    site_arg(site_id)
    return page(
        "live.html",
        "parts/live.html",
        site=views.site_summary(fake, site_id),
        live=views.live_site(fake, site_id),
        tab="live",
    )


@bp.get("/sites/<site_id>/media")
def media(site_id: str) -> Response:
    """The site's Media Manager, with an upload form."""
    from . import views

    fake = current_fake()
    site_arg(site_id)
    shown, pager = views.media_page(
        fake, site_id, MEDIA_PER_PAGE, int_arg("page", 1, 1)
    )
    return page(
        "media.html",
        "parts/media.html",
        site=views.site_summary(fake, site_id),
        media=shown,
        pager=pager,
        tab="media",
    )


@bp.get("/activity")
def activity() -> Response:
    """Requests, events, webhook deliveries and fault rules: panels that
    read the /_fake/ JSON routes in the browser, and the fault and journal
    controls."""
    from . import views

    fake = current_fake()
    site_id = request.args.get("siteId", "")
    html = render_template(
        "activity.html",
        clock=views.clock(fake),
        site_id=site_id,
        site_ids=fake.store.site_ids(),
        operations=tuple(BY_ID),
        connections=CONNECTION_FAULTS,
        event_types=EVENT_TYPES,
        delivery_states=STATES,
        here=request.full_path.rstrip("?"),
        tab="activity",
    )
    return Response(html, mimetype="text/html")
