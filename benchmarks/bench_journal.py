"""Per-request cost of the request journal (docs/journal-and-faults.md): GET
one item and POST one item with the journal on (the default) and off
(JOURNAL=false), and optionally against another checkout (e.g. the commit
before the journal), measured side by side.

Over HTTP each variant is an in-process waitress server, as the pytest
plugin runs it (the `fakegallery.client` path); with --baseline, every variant
is a `fakegallery serve` process instead, the baseline served from another
checkout. Socket-free, two apps in this process run through the
`wsgi_client()` transport, which shows the journal's own cost without network
noise. Calls alternate between the variants one by one; a figure is the median
over rounds of (variant's round median ÷ the reference's round median).

    .venv/bin/python benchmarks/bench_journal.py [rounds] [requests] [--baseline PATH]

PATH is a checkout whose `fakegallery` package is served for the baseline
(PYTHONPATH=PATH), e.g. a `git worktree` of main.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import requests

from fakegallery import create_app
from fakegallery.testing.server import FakeGalleryServer
from fakegallery.testing.transport import wsgi_session

SITE = "5a1e0c7d-6666-4222-8333-944455566677"
HEADERS = {"Authorization": "bench", "wix-site-id": SITE}
ITEM = {
    "item": {
        "title": "t",
        "image": {"imageInfo": {"id": "a~mv2.jpg", "width": 4, "height": 3}},
    }
}
API = "/pro-gallery/v2"


@contextmanager
def served(config: list[str], pythonpath: str | None = None) -> Iterator[str]:
    """`fakegallery serve` in a subprocess; yields its URL."""
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    command = [sys.executable, "-m", "fakegallery", "serve", "--port", "0"]
    command += ["--no-fixtures", "--seed", "1", "--threads", "4"]
    for item in config:
        command += ["--config", item]
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"(http://\S+)", line)
    try:
        if match is None:
            raise RuntimeError(f"the server did not start: {line!r}")
        yield match.group(1)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


class Variant:
    """One server (or app) and the two calls measured on it."""

    def __init__(self, name: str, session: requests.Session, base: str) -> None:
        self.name = name
        self.session = session
        self.base = base + API
        self.item_url = ""
        self.items_url = ""

    def new_gallery(self) -> None:
        """A fresh gallery per round, so POSTs meet the same item count."""
        made = self.session.post(f"{self.base}/galleries", json={})
        gallery_id = made.json()["gallery"]["id"]
        self.items_url = f"{self.base}/galleries/{gallery_id}/items"
        item = self.session.post(self.items_url, json=ITEM).json()["item"]
        self.item_url = f"{self.items_url}/{item['id']}"

    def get_item(self) -> object:
        response = self.session.get(self.item_url)
        assert response.status_code == 200, response.text
        return response.json()

    def post_item(self) -> object:
        response = self.session.post(self.items_url, json=ITEM)
        assert response.status_code == 200, response.text
        return response.json()


def session_for(base: str) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.headers.update(HEADERS)
    return session


def measure(
    variants: list[Variant], rounds: int, count: int
) -> dict[str, dict[str, list[float]]]:
    """name → {"GET one item": [round medians], "POST one item": [...]}.

    Calls alternate between the variants one by one (A B C A B C …), so a
    burst of load on this shared machine hits every variant alike."""
    labels = ("GET one item", "POST one item")
    out: dict[str, dict[str, list[float]]] = {
        v.name: {label: [] for label in labels} for v in variants
    }
    for variant in variants:  # warm up
        variant.new_gallery()
        for _ in range(20):
            variant.get_item()
            variant.post_item()
    for index in range(rounds):
        order = variants[index % len(variants) :] + variants[: index % len(variants)]
        for variant in order:
            variant.new_gallery()
        for label in labels:
            samples: dict[str, list[float]] = {v.name: [] for v in variants}
            for _ in range(count):
                for variant in order:
                    call = variant.get_item if label == labels[0] else variant.post_item
                    start = time.perf_counter()
                    call()
                    samples[variant.name].append(time.perf_counter() - start)
            for name, values in samples.items():
                out[name][label].append(statistics.median(values))
    return out


def report(
    title: str, figures: dict[str, dict[str, list[float]]], reference: str
) -> None:
    print(f"\n{title} (median µs; ratio = median of per-round ratios to {reference!r})")
    print(f"{'variant':28} {'call':16} {'µs':>8} {'ratio':>7}")
    for name, calls in figures.items():
        for label, values in calls.items():
            ref = figures[reference][label]
            ratio = statistics.median(v / r for v, r in zip(values, ref, strict=True))
            micros = statistics.median(values) * 1e6
            print(f"{name:28} {label:16} {micros:8.0f} {ratio:7.3f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rounds", nargs="?", type=int, default=9)
    parser.add_argument("count", nargs="?", type=int, default=150)
    parser.add_argument("--baseline", help="a checkout served as the baseline")
    args = parser.parse_args()

    # Socket-free: the journal's own cost, in this process.
    apps = {
        "socket-free, journal off": create_app({"SEED": 1, "JOURNAL": False}),
        "socket-free, journal on": create_app({"SEED": 1}),
    }
    local = [
        Variant(
            name, wsgi_session(app, "http://fake.local", HEADERS), "http://fake.local"
        )
        for name, app in apps.items()
    ]
    report(
        "socket-free transport",
        measure(local, args.rounds, args.count),
        "socket-free, journal off",
    )

    if args.baseline:  # separate server processes, one from the baseline
        with (
            served(["JOURNAL=false"]) as off,
            served([]) as on,
            served([], args.baseline) as base,
        ):
            remote = [
                Variant("http, baseline", session_for(base), base),
                Variant("http, journal off", session_for(off), off),
                Variant("http, journal on", session_for(on), on),
            ]
            figures = measure(remote, args.rounds, args.count)
        reference = "http, baseline"
        title = "over HTTP (one `fakegallery serve` process per variant)"
    else:  # in-process waitress servers, as the pytest plugin runs them
        servers = {
            "http, journal off": FakeGalleryServer(apps["socket-free, journal off"]),
            "http, journal on": FakeGalleryServer(apps["socket-free, journal on"]),
        }
        remote = []
        for name, server in servers.items():
            server.start()
            remote.append(Variant(name, session_for(server.url), server.url))
        try:
            figures = measure(remote, args.rounds, args.count)
        finally:
            for server in servers.values():
                server.stop()
        reference = "http, journal off"
        title = "over HTTP (in-process waitress servers)"
    report(title, figures, reference)


if __name__ == "__main__":
    main()
