"""Long runs (marked slow): a concurrency soak over a real socket with a ledger
of acknowledged writes, a memory test of `fakegallery serve` under tens of
thousands of requests, and a fuzzer over the /_fake/ JSON routes."""

from __future__ import annotations

import random
import re
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakegallery import create_app, get_fake
from fakegallery.testing.server import FakeGalleryServer

pytestmark = pytest.mark.slow

PREFIX = "/pro-gallery/v2"
SITES = ("5a1e0c7d-1111-4222-8333-944455566677", "6b2f1d8e-2222-4333-9444-a55566677788")
THREADS = 8
OPS_PER_THREAD = 120


def image(n: int, **extra: Any) -> dict[str, Any]:
    info = {"id": f"11062b_{n:x}~mv2.jpg", "width": 8, "height": 6}
    return {"image": {"imageInfo": info}, **extra}


def session(site: str) -> requests.Session:
    http = requests.Session()
    http.trust_env = False
    http.headers.update({"Authorization": "soak", "wix-site-id": site})
    return http


# --- the concurrency soak -----------------------------------------------------------


@dataclass
class Ledger:
    """What one worker was told succeeded: its galleries and items (by id →
    title), and the galleries it deleted."""

    site: str
    galleries: dict[str, str] = field(default_factory=dict)  # id → name
    items: dict[str, tuple[str, str]] = field(default_factory=dict)  # id → (gid, title)
    deleted_galleries: set[str] = field(default_factory=set)
    deleted_items: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)


def work(url: str, ledger: Ledger, shared: list[str], seed: int) -> None:
    rnd = random.Random(seed)
    http = session(ledger.site)

    def call(method: str, path: str, body: Any = None) -> Any:
        response = http.request(method, url + PREFIX + path, json=body, timeout=60)
        if response.status_code != 200:
            ledger.failures.append(
                f"{method} {path}: {response.status_code} {response.text}"
            )
            return None
        return response.json()

    for n in range(OPS_PER_THREAD):
        mine = [g for g in ledger.galleries if g not in ledger.deleted_galleries]
        live_items = [i for i in ledger.items if i not in ledger.deleted_items]
        op = rnd.random()
        if op < 0.15 or not mine:
            name = f"g{seed}-{n}"
            created = call(
                "POST",
                "/galleries",
                {"gallery": {"name": name, "items": [image(n, title="first")]}},
            )
            if created:
                gallery = created["gallery"]
                ledger.galleries[gallery["id"]] = name
                item = gallery["items"][0]
                ledger.items[item["id"]] = (gallery["id"], "first")
        elif op < 0.45:
            target = rnd.choice(mine + shared)  # items also go to shared galleries
            title = f"t{seed}-{n}"
            created = call(
                "POST", f"/galleries/{target}/items", {"item": image(n, title=title)}
            )
            if created:
                ledger.items[created["item"]["id"]] = (target, title)
        elif op < 0.70 and live_items:
            item_id = rnd.choice(live_items)
            gallery_id, _ = ledger.items[item_id]
            title = f"u{seed}-{n}"
            if call(
                "PATCH",
                f"/galleries/{gallery_id}/items/{item_id}",
                {"item": {"title": title}},
            ):
                ledger.items[item_id] = (gallery_id, title)
        elif op < 0.85 and live_items:
            item_id = rnd.choice(live_items)
            gallery_id, _ = ledger.items[item_id]
            if call("DELETE", f"/galleries/{gallery_id}/items/{item_id}") is not None:
                ledger.deleted_items.add(item_id)
        elif op < 0.93:
            gallery_id = rnd.choice(mine)
            name = f"r{seed}-{n}"
            patch = {"gallery": {"name": name, "items": [image(n, title="via-patch")]}}
            updated = call("PATCH", f"/galleries/{gallery_id}", patch)
            if updated:
                ledger.galleries[gallery_id] = name
                known = set(ledger.items)
                fresh = [i for i in updated["gallery"]["items"] if i["id"] not in known]
                for item in fresh:  # the one just added (the page holds them all)
                    ledger.items[item["id"]] = (gallery_id, "via-patch")
        else:
            gallery_id = rnd.choice(mine)
            if call("DELETE", f"/galleries/{gallery_id}") is not None:
                ledger.deleted_galleries.add(gallery_id)
                ledger.deleted_items.update(
                    i for i, (g, _) in ledger.items.items() if g == gallery_id
                )


def test_concurrent_writes_match_the_ledger() -> None:
    app = create_app({"SEED": 11, "MAX_ITEM_LIMIT": 1000})
    fake = get_fake(app)
    with FakeGalleryServer(app, threads=8) as server:
        shared: dict[str, list[str]] = {}
        for site in SITES:
            http = session(site)
            shared[site] = [
                http.post(
                    server.url + PREFIX + "/galleries",
                    json={"gallery": {"name": f"shared-{k}"}},
                ).json()["gallery"]["id"]
                for k in range(2)
            ]
        ledgers = [Ledger(SITES[k % 2]) for k in range(THREADS)]
        workers = [
            threading.Thread(
                target=work, args=(server.url, ledger, shared[ledger.site], k)
            )
            for k, ledger in enumerate(ledgers)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(600)
        assert not any(w.is_alive() for w in workers)
        errors = server.take_errors()
    assert errors == []
    assert [f for ledger in ledgers for f in ledger.failures] == []
    for site in SITES:
        state = fake.gallery.site_state(site)
        stored_galleries = {g["id"]: g for g in state["galleries"]}
        stored_items = {
            i["id"]: (g["id"], i.get("title"))
            for g in state["galleries"]
            for i in g["items"]
        }
        expected_items: dict[str, tuple[str, str]] = {}
        expected_galleries = set(shared[site])
        for ledger in (ledger for ledger in ledgers if ledger.site == site):
            expected_galleries |= set(ledger.galleries) - ledger.deleted_galleries
            for gallery_id in set(ledger.galleries) - ledger.deleted_galleries:
                assert (
                    stored_galleries[gallery_id]["name"] == ledger.galleries[gallery_id]
                )
            expected_items.update(
                (i, v) for i, v in ledger.items.items() if i not in ledger.deleted_items
            )
        assert set(stored_galleries) == expected_galleries
        assert stored_items == expected_items
        for gallery in state["galleries"]:
            orders = [i["sortOrder"] for i in gallery["items"]]
            assert len(set(orders)) == len(orders)
            assert gallery["totalItems"] == len(gallery["items"])
        created = Counter(
            e.body["actionEvent"]["body"]["item"]["id"]
            for e in fake.events.list(site)
            if e.event_type.endswith("gallery_item_created")
        )
        assert all(count == 1 for count in created.values())
        assert set(expected_items) <= set(created)


# --- memory: RSS of `fakegallery serve` stays bounded ---------------------------------

FIRST_LINE = re.compile(r"^fakegallery serving on (http://127\.0\.0\.1:\d+)$")
REQUESTS = 24_000
CLIENTS = 4
LIMITS = {
    "MAX_STORED_BYTES": 24 * 1024 * 1024,
    "EVENT_LOG_MAX_BYTES": 8 * 1024 * 1024,
    "MAX_SITES": 300,
}


def rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    kib = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))  # type: ignore[union-attr]
    return kib / 1024


@pytest.fixture
def served() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    if not Path("/proc/self/status").exists():
        pytest.skip("reads RSS from /proc")
    config = [
        arg for key, value in LIMITS.items() for arg in ("--config", f"{key}={value}")
    ]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fakegallery",
            "serve",
            "--port",
            "0",
            "--no-fixtures",
            *config,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        match = FIRST_LINE.match(proc.stdout.readline().strip())
        assert match, proc.stderr.read() if proc.stderr else ""
        yield match.group(1), proc
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


def pound(url: str, count: int, seed: int, statuses: Counter[int]) -> None:
    """A mix that grew memory without bounds: large titles (events and stored
    items), new sites, bad requests; galleries are deleted as they go, so
    writes keep succeeding after the limits are reached."""
    rnd = random.Random(seed)
    http = session(SITES[0])
    api = url + PREFIX
    mine: list[str] = []
    for n in range(count):
        kind = n % 8
        big = f"{rnd.getrandbits(64):016x}" * 3000  # 48 KB, never the same
        if kind == 0:
            site = f"{rnd.getrandbits(32):08x}-0000-4000-8000-000000000000"
            gallery = {"gallery": {"items": [image(n)]}}
            r = http.post(
                api + "/galleries", json=gallery, headers={"wix-site-id": site}
            )
        elif kind == 1 or not mine:
            r = http.post(api + "/galleries", json={"gallery": {"name": f"{seed}"}})
            if r.status_code == 200:
                mine.append(r.json()["gallery"]["id"])
        elif kind in (2, 3):
            item = {"item": image(n, title=big)}
            r = http.post(api + f"/galleries/{rnd.choice(mine)}/items", json=item)
        elif kind == 4:
            patch = {"gallery": {"name": big[:60_000]}}
            r = http.patch(api + f"/galleries/{rnd.choice(mine)}", json=patch)
        elif kind == 5:
            r = http.delete(api + f"/galleries/{mine.pop(0)}")
        elif kind == 6:
            r = http.post(api + "/galleries", data=b"{not json")
        else:
            r = http.get(url + "/_fake/events?siteId=none")
        statuses[r.status_code] += 1


def test_rss_stays_bounded(served: tuple[str, subprocess.Popen[str]]) -> None:
    url, proc = served
    statuses: Counter[int] = Counter()
    readings = []
    rounds = 4
    per_client = REQUESTS // rounds // CLIENTS
    for round_ in range(rounds):
        clients = [
            threading.Thread(
                target=pound, args=(url, per_client, round_ * CLIENTS + k, statuses)
            )
            for k in range(CLIENTS)
        ]
        for client in clients:
            client.start()
        for client in clients:
            client.join(900)
        readings.append(rss_mib(proc.pid))
    assert sum(statuses.values()) == REQUESTS
    assert set(statuses) <= {200, 400, 413}, statuses
    assert statuses[413] > 0  # the limits were reached, and answered
    warm = readings[0]
    assert max(readings) - warm < 64, readings
    assert max(readings) < 400, readings


# --- fuzzing the /_fake/ JSON routes --------------------------------------------------

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
KEYS = (
    "freeze",
    "advance",
    "unfreeze",
    "gallery",
    "page",
    "galleryId",
    "name",
    "items",
)
BODIES = st.one_of(
    JSON,
    st.dictionaries(st.sampled_from(KEYS), JSON, max_size=4),
    st.binary(max_size=60),
)
ROUTES = [
    ("POST", "/_fake/clock"),
    ("GET", "/_fake/clock"),
    ("POST", "/_fake/reset"),
    ("GET", "/_fake/state"),
    ("GET", "/_fake/events"),
    ("GET", "/_fake/sites"),
    ("POST", "/_fake/editor/galleries"),
    ("GET", "/_fake/live"),
    ("GET", "/_fake/live/widgets/{id}"),
    ("POST", "/_fake/live/widgets/{id}/connect"),
    ("POST", "/_fake/media"),
    ("GET", "/_fake/media"),
    ("GET", "/_fake/media/{id}"),
    ("POST", "/_fake/site/publish"),
    ("POST", "/_fake/site/unpublish"),
]
APP = create_app({"TESTING": True, "SEED": 4})
CLIENT = APP.test_client()


@settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(
    route=st.sampled_from(ROUTES),
    body=BODIES,
    query=st.dictionaries(
        st.sampled_from(["siteId", "filename", "x"]), st.text(max_size=20), max_size=2
    ),
    path_id=st.text(max_size=40),
    site=st.one_of(st.none(), st.text(max_size=40)),
    content_type=st.sampled_from(["application/json", "text/plain", "image/png", None]),
)
def test_control_plane_answers_json_to_anything(
    route: tuple[str, str],
    body: Any,
    query: dict[str, str],
    path_id: str,
    site: str | None,
    content_type: str | None,
) -> None:
    method, path = route
    path = path.replace("{id}", requests.utils.quote(path_id, safe="") or "x")
    raw = body if isinstance(body, bytes) else orjson.dumps(body)
    headers = (
        {"wix-site-id": site} if site and site.isprintable() and site.isascii() else {}
    )
    if content_type:
        headers["Content-Type"] = content_type
    response = CLIENT.open(
        path, method=method, data=raw, query_string=query, headers=headers
    )
    assert response.status_code < 500, response.get_data(as_text=True)
    assert response.headers["X-Wix-Request-Id"]
    if response.mimetype != "application/json":
        assert path.startswith("/_fake/media/")
        assert response.status_code == 200
        return
    answer = orjson.loads(response.get_data())
    if response.status_code >= 400:
        assert isinstance(answer["message"], str)
        assert set(answer["details"]) <= {"applicationError", "validationError"}
    assert get_fake(APP).take_errors() == []
