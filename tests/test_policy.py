"""HTTP policy per area: the API and /_fake/ JSON routes answer JSON only, an
area that serves pages keeps its HTML, and each area renders its own errors."""

from __future__ import annotations

from flask import Blueprint, Response

from fakegallery import create_app
from fakegallery.errors import FakeGalleryError, NotFound
from fakegallery.web.policy import Area, FakeFlask


def html_app() -> FakeFlask:
    app = create_app({"SEED": 1})
    assert isinstance(app, FakeFlask)
    pages = Blueprint("pages", __name__, url_prefix="/_fake/pages")

    @pages.get("/hello")
    def hello() -> Response:
        return Response("<h1>hello</h1>", mimetype="text/html")

    @pages.get("/missing")
    def missing() -> Response:
        raise NotFound("no such page")

    def render(error: FakeGalleryError) -> Response:
        return Response(
            f"<p>{error.code}</p>", status=error.status, mimetype="text/html"
        )

    app.register_blueprint(pages)
    app.add_area(Area("pages", "/_fake/pages", render))
    return app


def test_a_page_area_keeps_its_html() -> None:
    response = html_app().test_client().get("/_fake/pages/hello")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.get_data(as_text=True) == "<h1>hello</h1>"


def test_a_page_area_renders_its_own_errors() -> None:
    client = html_app().test_client()
    raised = client.get("/_fake/pages/missing")
    assert (raised.status_code, raised.mimetype) == (404, "text/html")
    assert raised.get_data(as_text=True) == "<p>NOT_FOUND</p>"
    unrouted = client.get("/_fake/pages/nope")
    assert (unrouted.status_code, unrouted.mimetype) == (404, "text/html")


def test_json_areas_stay_json_next_to_a_page_area() -> None:
    client = html_app().test_client()
    for path in ("/pro-gallery/v2/nope", "/_fake/nope", "/nope"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.mimetype == "application/json"
        assert response.json["details"]["applicationError"]["code"] == "NOT_FOUND"  # type: ignore[index]


def test_options_and_redirects_are_json_with_their_headers() -> None:
    client = create_app().test_client()
    options = client.options("/pro-gallery/v2/galleries")
    assert (options.status_code, options.mimetype) == (200, "application/json")
    assert options.json == {}
    assert set(options.headers["Allow"].split(", ")) >= {"GET", "POST", "OPTIONS"}
    moved = client.get("/pro-gallery/v2//galleries")
    assert 300 <= moved.status_code < 400
    assert moved.mimetype == "application/json"
    error = moved.json["details"]["applicationError"]  # type: ignore[index]
    assert error["code"] == "PERMANENT_REDIRECT"
    assert error["data"]["location"] == moved.headers["Location"]


def test_a_failure_outside_flask_is_a_json_500() -> None:
    """The guard: a middleware that raises (here: wrapped inside the guard, as
    the journal's capture is) still gives a Wix-shaped JSON 500, and the
    exception is kept for the pytest plugin. Only the connection-fault layer
    sits outside it (docs/journal-and-faults.md#connection-faults)."""
    from fakegallery import get_fake
    from fakegallery.web.connection import ConnectionFaults
    from fakegallery.web.policy import Guard

    app = create_app()
    outer = app.wsgi_app
    assert isinstance(outer, ConnectionFaults)
    guard = outer.app
    assert isinstance(guard, Guard)

    def broken(environ: object, start_response: object) -> object:
        raise OSError("disk full")

    guard.app = broken  # type: ignore[attr-defined]
    response = app.test_client().get("/_fake/health")
    assert (response.status_code, response.mimetype) == (500, "application/json")
    assert response.json["details"]["applicationError"]["code"] == "INTERNAL"  # type: ignore[index]
    assert "OSError: disk full" in response.json["message"]  # type: ignore[index]
    [kept] = get_fake(app).take_errors()
    assert isinstance(kept, OSError)
