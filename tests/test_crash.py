"""The crash test of durable mode (docs/persistence.md): 8 client threads make
mixed writes against `serve --data-dir`, the server is killed with SIGKILL at
a random moment (after a random number of answered writes, while every thread
has a request in flight), then restarted on the same data dir.

Each thread owns one site and keeps a ledger of the writes that got a 200.
After the restart, every site must be exactly its ledger, give or take the
one write that was unanswered when the server died (applied whole or not at
all, never half), and the export must hold the invariants of a fresh fake:
unique ids, unique sortOrders, counts that agree.

Scale it with CRASH_TEST_WRITES (answered writes before the kill, about
200 a second here; 4000 is the ~20 s run of the acceptance criteria) and
CRASH_TEST_RUNS.
"""

from __future__ import annotations

import os
import random
import re
import select
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson
import pytest
import requests

FIRST_LINE = re.compile(r"^fakegallery serving on (http://127\.0\.0\.1:\d+)$")
THREADS = 8
WRITES = int(os.environ.get("CRASH_TEST_WRITES", "600"))
RUNS = int(os.environ.get("CRASH_TEST_RUNS", "3"))
API = "/pro-gallery/v2"
TIMEOUT = 60.0


def start(data: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "fakegallery", "serve", "--port", "0"),
            *("--data-dir", str(data), "--no-fixtures", "--threads", str(THREADS)),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stream: IO[str] = proc.stdout  # type: ignore[assignment]
    readable, _, _ = select.select([stream], [], [], TIMEOUT)
    assert readable, "the server printed nothing"
    line = stream.readline().rstrip("\n")
    match = FIRST_LINE.match(line)
    if match is None:
        proc.kill()
        _, err = proc.communicate(timeout=TIMEOUT)
        pytest.fail(f"no first line ({line!r}): {err}")
    return proc, match.group(1)


Site = dict[str, dict[str, Any]]  # gallery id → {"name", "items": {id: title}}


def canon(site: Site) -> Counter[tuple[str | None, tuple[str, ...]]]:
    """A site without its ids: names are unique per write, so this tells
    every state a ledger and a pending write can lead to apart."""
    return Counter(
        (g["name"], tuple(sorted(g["items"].values()))) for g in site.values()
    )


@dataclass
class Worker:
    """One client thread: its site, its ledger and the write in flight."""

    index: int
    url: str
    answered: list[int]
    target: int
    reached: threading.Event
    site_id: str = ""
    ledger: Site = field(default_factory=dict)
    pending: Site | None = None  # the ledger if the unanswered write applied
    refused: int = 0

    def __post_init__(self) -> None:
        self.site_id = f"c0ffee00-0000-4000-8000-{self.index:012d}"
        self.rng = random.Random(self.index * 7919 + self.target)
        self.http = requests.Session()
        self.http.trust_env = False
        self.http.headers.update({"Authorization": "k", "wix-site-id": self.site_id})

    def run(self) -> None:
        count = 0
        while True:
            count += 1
            method, path, body, after = self.plan(count)
            self.pending = after(None)  # the state if this write applies
            try:
                response = self.http.request(
                    method, self.url + API + path, json=body, timeout=TIMEOUT
                )
            except requests.RequestException:
                return  # the server died with this write in flight
            if response.status_code != 200:
                self.refused += 1  # (never expected) the ledger stays
                self.pending = None
                continue
            self.ledger = after(response.json())
            self.pending = None
            with_lock = self.answered
            with_lock.append(1)
            if len(with_lock) >= self.target:
                self.reached.set()

    def plan(self, n: int) -> tuple[str, str, Any, Any]:
        """The next write and how it changes the ledger (given the answer, or
        None for "applied, answer unknown")."""
        tag = f"w{self.index}-{n}"
        galleries = list(self.ledger)
        roll = self.rng.random()
        if not galleries or roll < 0.15:
            count = self.rng.randrange(0, 4)
            titles = [f"{tag}-{k}" for k in range(count)]
            items = [{"title": t, "text": {"html": t}} for t in titles]

            def created(answer: Any) -> Site:
                site = _copy(self.ledger)
                if answer is None:
                    site["?"] = {"name": tag, "items": {f"?{t}": t for t in titles}}
                    return site
                g = answer["gallery"]
                site[g["id"]] = {
                    "name": tag,
                    "items": {i["id"]: i["title"] for i in g["items"]},
                }
                return site

            return (
                "POST",
                "/galleries",
                {"gallery": {"name": tag, "items": items}},
                created,
            )
        gid = self.rng.choice(galleries)
        item_ids = list(self.ledger[gid]["items"])
        if roll < 0.5 or not item_ids:

            def added(answer: Any) -> Site:
                site = _copy(self.ledger)
                key = "?" if answer is None else answer["item"]["id"]
                site[gid]["items"][key] = tag
                return site

            body = {"item": {"title": tag, "text": {"html": tag}}}
            return "POST", f"/galleries/{gid}/items", body, added
        iid = self.rng.choice(item_ids)
        if roll < 0.75:

            def patched(answer: Any) -> Site:
                site = _copy(self.ledger)
                site[gid]["items"][iid] = tag
                return site

            body = {"item": {"title": tag, "sortOrder": self.rng.random() * 1e6}}
            return "PATCH", f"/galleries/{gid}/items/{iid}", body, patched
        if roll < 0.88:

            def deleted(answer: Any) -> Site:
                site = _copy(self.ledger)
                del site[gid]["items"][iid]
                return site

            return "DELETE", f"/galleries/{gid}/items/{iid}", None, deleted
        if roll < 0.95:
            # one request, two changes: both or neither
            def updated(answer: Any) -> Site:
                site = _copy(self.ledger)
                site[gid]["name"] = tag
                new = [
                    i
                    for i in (answer or {}).get("gallery", {}).get("items", ())
                    if i["title"] == tag
                ]
                site[gid]["items"][new[0]["id"] if new else "?"] = tag
                return site

            body = {
                "gallery": {
                    "name": tag,
                    "items": [{"title": tag, "text": {"html": "u"}}],
                }
            }
            return "PATCH", f"/galleries/{gid}", body, updated

        def dropped(answer: Any) -> Site:
            site = _copy(self.ledger)
            del site[gid]
            return site

        return "DELETE", f"/galleries/{gid}", None, dropped


def _copy(site: Site) -> Site:
    return {
        gid: {"name": g["name"], "items": dict(g["items"])} for gid, g in site.items()
    }


def served(http: requests.Session, url: str, site_id: str) -> Site:
    state = http.get(f"{url}/_fake/state", params={"siteId": site_id}).json()
    site: Site = {}
    for g in state["galleries"]:
        assert g["totalItems"] == len(g["items"])
        site[g["id"]] = {
            "name": g.get("name"),
            "items": {i["id"]: i["title"] for i in g["items"]},
        }
    return site


def check_invariants(document: dict[str, Any]) -> None:
    for entry in document["sites"]:
        ids = [g["id"] for g in entry["galleries"]]
        ids += [i["id"] for g in entry["galleries"] for i in g["items"]]
        assert len(ids) == len(set(ids)), f"ids repeat in {entry['siteId']}"
        orders = [g["sortOrder"] for g in entry["galleries"] if "sortOrder" in g]
        assert len(orders) == len(set(orders)), "gallery sortOrders repeat"
        for g in entry["galleries"]:
            item_orders = [
                i["sortOrder"] for i in g["items"] if i.get("sortOrder") is not None
            ]
            assert len(item_orders) == len(set(item_orders)), "item sortOrders repeat"


@pytest.mark.slow
@pytest.mark.parametrize("run", range(RUNS))
def test_kill_9_under_load(tmp_path: Path, run: int) -> None:
    data = tmp_path / "data"
    target = random.Random(run).randrange(WRITES // 2, WRITES + 1)
    proc, url = start(data)
    answered: list[int] = []
    reached = threading.Event()
    workers = [Worker(i, url, answered, target, reached) for i in range(THREADS)]
    threads = [threading.Thread(target=w.run, daemon=True) for w in workers]
    try:
        for thread in threads:
            thread.start()
        began = time.perf_counter()
        assert reached.wait(timeout=600), f"only {len(answered)} answered writes"
        proc.kill()  # SIGKILL, mid-flight
        seconds = time.perf_counter() - began
        proc.communicate(timeout=TIMEOUT)
        for thread in threads:
            thread.join(timeout=TIMEOUT)
            assert not thread.is_alive()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=TIMEOUT)

    again, url = start(data)
    try:
        with requests.Session() as http:
            http.trust_env = False
            for worker in workers:
                assert worker.refused == 0
                actual = canon(served(http, url, worker.site_id))
                allowed = [canon(worker.ledger)]
                if worker.pending is not None:
                    allowed.append(canon(worker.pending))
                assert actual in allowed, f"site of thread {worker.index} differs"
            document = orjson.loads(http.get(f"{url}/_fake/export").content)
            check_invariants(document)
            # and the restarted server goes on: new ids do not collide
            made = http.post(
                f"{url}{API}/galleries",
                json={"gallery": {"items": [{"text": {"html": "x"}}]}},
                headers={"Authorization": "k", "wix-site-id": workers[0].site_id},
            )
            assert made.status_code == 200
        in_flight = sum(w.pending is not None for w in workers)
        print(  # shown with pytest -s: the figures of the run
            f"run {run}: killed after {seconds:.1f} s and {len(answered)} answered "
            f"writes, {in_flight} in flight; every site matched its ledger"
        )
    finally:
        again.terminate()
        _, err = again.communicate(timeout=TIMEOUT)
    assert again.returncode == 0, err
