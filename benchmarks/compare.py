"""Side by side, one interleaved run: the floor F; fakegallery over its
in-process server (the `fakegallery` fixture's way) and socket-free; a bare
Flask view sending the same bytes (on the same server, and socket-free); and
the peers: moto's server (S3 GET of an object with the same bytes, through
`requests` and through boto3), moto's `mock_aws` (boto3, no socket),
pytest-httpserver and responses serving the same bytes. Every client is a
`requests.Session` with ``trust_env=False`` (as the fixture's), ``.json()``
included; F keeps the method's default Session.

Peers that are not installed are skipped (``pip install -e '.[bench]'``).

    python benchmarks/compare.py [--rounds 7] [--count 100]
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import socket
from collections.abc import Callable, Iterator
from typing import Any

import requests
from common import Run, Variant, interleave, repeat, say, timed
from data import API, BASE, HEADERS, ITEM, SITE, client, fill, new_fake
from flask import Flask, Response

from fakegallery.testing.server import FakeGalleryServer
from fakegallery.testing.transport import wsgi_session

#: name → (group, description) for the report
ROWS = {
    "fakegallery GET item, server": "the `fakegallery` fixture's client today",
    "fakegallery GET item, socket-free": "`wsgi_client()`",
    "bare Flask view, same bytes, server": "same waitress server, no fake logic",
    "bare Flask view, same bytes, socket-free": "",
    "fakegallery GET 100-item gallery, server": "",
    "fakegallery GET 100-item gallery, socket-free": "",
    "bare Flask view, same gallery bytes, server": "",
    "fakegallery POST item, server": "validated, stored, event recorded",
    "fakegallery POST item, socket-free": "",
    "moto server S3 GET, requests": "ThreadedMotoServer",
    "moto server S3 GET, boto3": "",
    "moto mock_aws S3 GET, boto3": "no socket",
    "pytest-httpserver GET, same bytes": "werkzeug server",
    "responses GET, same bytes": "mocked adapter, no socket",
}


#: Variants that time themselves (a mock active only while they run).
SELF_TIMED = ("responses GET, same bytes", "moto mock_aws S3 GET, boto3")


def _session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    return session


def _get_json(session: requests.Session, url: str) -> Callable[[], object]:
    def call() -> object:
        response = session.get(url)
        if response.status_code != 200:
            raise AssertionError(f"{url}: {response.status_code} {response.text[:200]}")
        return response.json()

    return call


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def fakegallery_variants(stack: contextlib.ExitStack) -> Iterator[dict[str, Any]]:
    app, fake = new_fake()
    (gid,) = fill(fake, SITE, 1, 100)
    item_id = "00000000-0000-4000-8000-000000000000"
    item_path = f"/pro-gallery/v2/galleries/{gid}/items/{item_id}"
    gallery_path = f"/pro-gallery/v2/galleries/{gid}?itemLimit=100"
    server = FakeGalleryServer(app).start()
    stack.callback(server.stop)
    over_http = _session()
    over_http.headers.update(HEADERS)
    direct = wsgi_session(app, server.url, HEADERS)
    item_bytes = over_http.get(server.url + item_path).content
    gallery_bytes = over_http.get(server.url + gallery_path).content

    bare = Flask("bare")
    bare.add_url_rule(
        "/item", "item", lambda: Response(item_bytes, mimetype="application/json")
    )
    bare.add_url_rule(
        "/gallery",
        "gallery",
        lambda: Response(gallery_bytes, mimetype="application/json"),
    )
    bare_server = _waitress(bare, stack)
    bare_direct = wsgi_session(bare, bare_server)

    created = client(app)
    post_url = f"{API}/galleries/{gid}/items"

    def post_direct() -> object:
        return created.post(post_url, json={"item": ITEM}).json()

    def post_server() -> object:
        return over_http.post(
            server.url + post_url[len(BASE) :], json={"item": ITEM}
        ).json()

    yield {
        "fakegallery GET item, server": _get_json(over_http, server.url + item_path),
        "fakegallery GET item, socket-free": _get_json(direct, server.url + item_path),
        "bare Flask view, same bytes, server": _get_json(
            _session(), bare_server + "/item"
        ),
        "bare Flask view, same bytes, socket-free": _get_json(
            bare_direct, bare_server + "/item"
        ),
        "fakegallery GET 100-item gallery, server": _get_json(
            over_http, server.url + gallery_path
        ),
        "fakegallery GET 100-item gallery, socket-free": _get_json(
            direct, server.url + gallery_path
        ),
        "bare Flask view, same gallery bytes, server": _get_json(
            _session(), bare_server + "/gallery"
        ),
        "fakegallery POST item, server": post_server,
        "fakegallery POST item, socket-free": post_direct,
        "_item_bytes": item_bytes,
    }


class _NoFake:
    """What the server needs of a fake (web/serving.py reads the settings and
    the request ids of its refusals), for a plain app that has none."""

    def __init__(self) -> None:
        from fakegallery.config import Settings
        from fakegallery.state.clock import Ids

        self.settings = Settings()
        self.ids = Ids(None)

    def close(self) -> None:
        """A plain app has no webhook sender to stop."""


class PlainServer(FakeGalleryServer):
    """The same in-process waitress server, for a plain Flask app."""

    def __init__(self, app: Flask) -> None:
        app.extensions["fakegallery"] = _NoFake()
        super().__init__(app)


def _waitress(app: Flask, stack: contextlib.ExitStack) -> str:
    """A plain Flask app on the same in-process waitress server class."""
    bare = PlainServer(app)
    app.add_url_rule("/_fake/health", "health", lambda: {"status": "ok"})
    bare.start()
    stack.callback(bare.stop)
    return bare.url


def moto_variants(stack: contextlib.ExitStack, body: bytes) -> dict[str, Any]:
    try:
        import boto3
        from moto import mock_aws
        from moto.server import ThreadedMotoServer
    except ImportError:
        say("moto/boto3 not installed: moto rows skipped")
        return {}
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    credentials = {
        "region_name": "us-east-1",
        "aws_access_key_id": "bench",
        "aws_secret_access_key": "bench",
    }
    # mock_aws patches botocore for every client while it is active, and the
    # in-process server shares its data: it is active only while its own
    # calls are timed, and never resets the data once both buckets exist.
    mock = mock_aws()
    mock.start()
    mocked = boto3.client("s3", **credentials)
    mocked.create_bucket(Bucket="mocked")
    mocked.put_object(Bucket="mocked", Key="item.json", Body=body)
    mock.stop(remove_data=False)

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    stack.callback(server.stop)
    url = f"http://127.0.0.1:{port}"
    s3 = boto3.client("s3", endpoint_url=url, **credentials)
    s3.create_bucket(Bucket="served")
    s3.put_object(Bucket="served", Key="item.json", Body=body)
    # moto refuses an anonymous GET of a private object: a presigned URL
    signed = s3.generate_presigned_url(
        "get_object", Params={"Bucket": "served", "Key": "item.json"}, ExpiresIn=86400
    )

    def boto_get(s3_client: Any, bucket: str) -> Callable[[], object]:
        def call() -> object:
            got = s3_client.get_object(Bucket=bucket, Key="item.json")
            return got["Body"].read()

        return call

    get_mocked = boto_get(mocked, "mocked")

    def in_mock(count: int) -> float:
        mock.start(reset=False)
        try:
            return timed(get_mocked, count)
        finally:
            mock.stop(remove_data=False)

    return {
        "moto server S3 GET, requests": _get_json(_session(), signed),
        "moto server S3 GET, boto3": boto_get(s3, "served"),
        "moto mock_aws S3 GET, boto3": in_mock,
    }


def httpserver_variants(stack: contextlib.ExitStack, body: bytes) -> dict[str, Any]:
    try:
        from pytest_httpserver import HTTPServer
    except ImportError:
        say("pytest-httpserver not installed: its row skipped")
        return {}
    server = HTTPServer(host="127.0.0.1", port=0)
    server.expect_request("/item").respond_with_data(
        body, content_type="application/json"
    )
    server.start()
    stack.callback(server.stop)
    return {
        "pytest-httpserver GET, same bytes": _get_json(
            _session(), server.url_for("/item")
        )
    }


def responses_variants(stack: contextlib.ExitStack, body: bytes) -> dict[str, Any]:
    try:
        import responses
    except ImportError:
        say("responses not installed: its row skipped")
        return {}
    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    call = _get_json(_session(), "http://responses.bench/item")

    def variant(count: int) -> float:
        # RequestsMock patches every requests adapter while it is active, so
        # it is active only while its own calls are timed.
        with mock:
            mock.add(
                responses.GET,
                "http://responses.bench/item",
                body=body,
                content_type="application/json",
            )
            return timed(call, count)

    return {"responses GET, same bytes": variant}


def measure(
    rounds: int, count: int, progress: Callable[[str], None] = say
) -> dict[str, Any]:
    with contextlib.ExitStack() as stack:
        calls = stack.enter_context(fakegallery_variants(stack))
        body = calls.pop("_item_bytes")
        calls.update(moto_variants(stack, body))
        calls.update(httpserver_variants(stack, body))
        calls.update(responses_variants(stack, body))
        variants: dict[str, Variant] = {
            name: call if name in SELF_TIMED else repeat(call)
            for name, call in calls.items()
        }
        run = interleave(variants, rounds, count, progress=progress)
    return report(run)


def report(run: Run) -> dict[str, Any]:
    rows = {}
    for name, figure in run.figures.items():
        low, high = figure.spread()
        rows[name] = {
            "us": round(figure.micros),
            "F": round(figure.ratio, 3),
            "F_range": [round(low, 3), round(high, 3)],
            "note": ROWS.get(name, ""),
        }
    derived = {}
    pairs = {
        "fake logic, GET item (server ÷ bare view)": (
            "fakegallery GET item, server",
            "bare Flask view, same bytes, server",
        ),
        "fake logic, GET item (socket-free ÷ bare view)": (
            "fakegallery GET item, socket-free",
            "bare Flask view, same bytes, socket-free",
        ),
        "fake logic, GET gallery (server ÷ bare view)": (
            "fakegallery GET 100-item gallery, server",
            "bare Flask view, same gallery bytes, server",
        ),
        "GET item vs moto server (requests)": (
            "fakegallery GET item, server",
            "moto server S3 GET, requests",
        ),
        "socket-free GET item vs mock_aws": (
            "fakegallery GET item, socket-free",
            "moto mock_aws S3 GET, boto3",
        ),
        "GET item vs pytest-httpserver": (
            "fakegallery GET item, server",
            "pytest-httpserver GET, same bytes",
        ),
        "socket-free GET item vs responses": (
            "fakegallery GET item, socket-free",
            "responses GET, same bytes",
        ),
    }
    for label, (a, b) in pairs.items():
        if a in run.figures and b in run.figures:
            derived[label] = round(run.between(a, b), 3)
    return {"F_us": round(run.floor_micros), "rows": rows, "side_by_side": derived}


def show(result: dict[str, Any]) -> str:
    lines = ["| variant | median | × F (range over rounds) |", "|---|---|---|"]
    for name, row in result["rows"].items():
        low, high = row["F_range"]
        lines.append(
            f"| {name} | {row['us']} µs | {row['F']:.2f} ({low:.2f}–{high:.2f}) |"
        )
    lines += ["", "| side by side | ratio |", "|---|---|"]
    lines += [f"| {k} | {v:.2f} |" for k, v in result["side_by_side"].items()]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--count", type=int, default=100)
    args = parser.parse_args()
    result = measure(args.rounds, args.count)
    print(f"F = {result['F_us']} µs")
    print(show(result))


if __name__ == "__main__":
    main()
