"""Benchmark: what a webhook subscriber costs the API call that causes events.

Side by side, interleaved per round, through the in-process waitress server:
POST one item (createGalleryItem, one Item Created event) on a fake with no
subscription, and on fakes with one subscription in async and in sync mode.
The receiver answers 200 at once and runs in another process (as an app under
test would), or in this process with `--in-process-receiver`. Each figure is
the median over rounds of (variant's round median ÷ the no-subscriber round
median). "CPU" is the CPU time of this process (client, server, sender; not
the receiver or the sender's helper process) per call, which a machine busy
with other work disturbs much less than wall time. Afterwards every async
event must have been delivered.

    .venv/bin/python benchmarks/bench_webhooks.py [rounds] [requests-per-round]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import requests

from fakegallery import create_app, get_fake
from fakegallery.fake import FakeGallery
from fakegallery.testing.receiver import WebhookReceiver
from fakegallery.testing.server import FakeGalleryServer

SITE = "5a1e0c7d-9999-4222-8333-944455566677"
HEADERS = {"Authorization": "bench", "wix-site-id": SITE}
ITEM = {"item": {"title": "t", "text": {"html": "<p>benchmark</p>"}}}

RECEIVER = """
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass
server = ThreadingHTTPServer(("127.0.0.1", 0), H)
print(server.server_port, flush=True)
server.serve_forever()
"""


def timed(call: Callable[[], object], count: int) -> tuple[float, float]:
    """(median wall seconds per call, CPU seconds of this process per call)."""
    samples = []
    cpu = time.process_time()
    for _ in range(count):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), (time.process_time() - cpu) / count


def start(mode: str, url: str | None) -> tuple[FakeGalleryServer, FakeGallery, str]:
    app = create_app({"SEED": 1, "WEBHOOK_DELIVERY": mode})
    fake = get_fake(app)
    fake.webhooks.public_key()  # make the key before timing
    server = FakeGalleryServer(app).start()
    if url is not None:
        requests.post(f"{server.url}/_fake/webhooks", json={"url": url}, timeout=5)
    made = requests.post(
        f"{server.url}/pro-gallery/v2/galleries", json={}, headers=HEADERS, timeout=5
    )
    gallery_id = made.json()["gallery"]["id"]
    return server, fake, f"{server.url}/pro-gallery/v2/galleries/{gallery_id}/items"


def main(rounds: int = 7, count: int = 150, in_process: bool = False) -> None:
    proc: subprocess.Popen[str] | None = None
    receiver: WebhookReceiver | None = None
    if in_process:
        receiver = WebhookReceiver().start()
        url = receiver.url
    else:
        proc = subprocess.Popen(
            [sys.executable, "-c", RECEIVER], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None
        url = f"http://127.0.0.1:{proc.stdout.readline().strip()}/hook"
    fakes: dict[str, tuple[FakeGalleryServer, FakeGallery, str]] = {
        "no subscriber": start("async", None),
        "1 subscriber, async": start("async", url),
        "1 subscriber, sync": start("sync", url),
    }
    sessions: dict[str, requests.Session] = {}
    for name in fakes:
        session = requests.Session()
        session.trust_env = False
        session.headers.update(HEADERS)
        sessions[name] = session

    def post(name: str) -> Callable[[], Any]:
        session, items_url = sessions[name], fakes[name][2]

        def call() -> Any:
            response = session.post(items_url, json=ITEM)
            assert response.status_code == 200, response.text
            return response

        return call

    calls = {name: post(name) for name in fakes}
    for call in calls.values():
        timed(call, 20)  # warm up
    absolute: dict[str, list[float]] = {name: [] for name in fakes}
    ratios: dict[str, list[float]] = {name: [] for name in fakes}
    cpu: dict[str, list[float]] = {name: [] for name in fakes}
    cpu_ratios: dict[str, list[float]] = {name: [] for name in fakes}
    for _ in range(rounds):
        base, base_cpu = timed(calls["no subscriber"], count)
        for name in fakes:
            value, used = (
                (base, base_cpu)
                if name == "no subscriber"
                else timed(calls[name], count)
            )
            absolute[name].append(value)
            ratios[name].append(value / base)
            cpu[name].append(used)
            cpu_ratios[name].append(used / base_cpu)
    server, fake, _ = fakes["1 subscriber, async"]
    log = fake.webhooks.log
    expected = (20 + rounds * count) + 1
    started = time.perf_counter()
    done = log.wait_for(lambda: log.counts()["delivered"] == expected, 120)
    drained = time.perf_counter() - started
    where = "in this process" if in_process else "in another process"
    print(f"POST one item, receiver {where}; {rounds} rounds × {count} requests")
    print(f"{'variant':24} {'median µs':>10} {'× none':>7} {'CPU µs':>8} {'× none':>7}")
    median = statistics.median
    for name in fakes:
        micros, cpu_micros = median(absolute[name]) * 1e6, median(cpu[name]) * 1e6
        print(
            f"{name:24} {micros:10.0f} {median(ratios[name]):7.3f} "
            f"{cpu_micros:8.0f} {median(cpu_ratios[name]):7.3f}"
        )
    print(
        f"async: {log.counts()['delivered']}/{expected} delivered "
        f"({'all' if done else 'NOT all'}); {drained:.2f} s after the last call"
    )
    for server, _, _ in fakes.values():
        server.stop()
    if receiver is not None:
        receiver.close()
    if proc is not None:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    flags = [a for a in sys.argv[1:] if a.startswith("--")]
    numbers = [int(a) for a in sys.argv[1:] if not a.startswith("--")]
    main(*numbers[:2], in_process="--in-process-receiver" in flags)  # type: ignore[arg-type]
