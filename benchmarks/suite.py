"""Per-test cost: a generated downstream suite of 200 tests, each making six
calls, run by pytest in its own process, against:

- the `fakegallery` fixture's `client` (socket-free, the default),
- the same tests over the fixture's in-process server (`http_client()`),
- a session-scoped moto server (`ThreadedMotoServer`, reset per test, boto3),
- moto's `mock_aws` around each test (boto3, no socket).

A plugin in the generated conftest times each test (setup + call + teardown)
and writes the median; the suites run in interleaved rounds and the figure is
the median over rounds of (suite's median ÷ the fakegallery suite's median in
the same round). moto rows need the bench extra (``pip install -e '.[bench]'``).

    python benchmarks/suite.py [--rounds 3] [--tests 200]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import say

CONFTEST = """
import json, os, time
import pytest

_times = []

@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    start = time.perf_counter()
    try:
        return (yield)
    finally:
        _times.append(time.perf_counter() - start)

def pytest_sessionfinish(session):
    _times.sort()
    with open(os.environ["SUITE_RESULT"], "w") as out:
        json.dump({"median": _times[len(_times) // 2], "count": len(_times)}, out)
"""

FAKEGALLERY = """
import pytest

ITEM = {"title": "t", "image": {"imageInfo": {"id": "a.jpg", "width": 4, "height": 3}}}

@pytest.mark.parametrize("n", range({tests}))
def test_gallery(fakegallery, n):
    http = {client}
    api = fakegallery.api_url
    gallery = http.post(f"{api}/galleries", json={"gallery": {"name": "g"}}).json()
    gid = gallery["gallery"]["id"]
    first = http.post(f"{api}/galleries/{gid}/items", json={"item": ITEM}).json()
    http.post(f"{api}/galleries/{gid}/items", json={"item": ITEM}).raise_for_status()
    got = http.get(f"{api}/galleries/{gid}").json()
    assert got["gallery"]["totalItems"] == 2
    item_id = first["item"]["id"]
    patched = http.patch(
        f"{api}/galleries/{gid}/items/{item_id}", json={"item": {"title": "u"}}
    ).json()
    assert patched["item"]["title"] == "u"
    http.delete(f"{api}/galleries/{gid}/items/{item_id}").raise_for_status()
"""

MOTO_SERVER = """
import boto3, pytest, requests, socket
from moto.server import ThreadedMotoServer

@pytest.fixture(scope="session")
def moto_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()

@pytest.fixture
def s3(moto_url):
    client = boto3.client(
        "s3", endpoint_url=moto_url, region_name="us-east-1",
        aws_access_key_id="t", aws_secret_access_key="t",
    )
    yield client
    requests.post(f"{moto_url}/moto-api/reset")

@pytest.mark.parametrize("n", range({tests}))
def test_bucket(s3, n):
{body}"""

MOCK_AWS = """
import boto3, pytest
from moto import mock_aws

@pytest.fixture
def s3():
    with mock_aws():
        yield boto3.client(
            "s3", region_name="us-east-1",
            aws_access_key_id="t", aws_secret_access_key="t",
        )

@pytest.mark.parametrize("n", range({tests}))
def test_bucket(s3, n):
{body}"""

S3_BODY = """    s3.create_bucket(Bucket="downstream")
    s3.put_object(Bucket="downstream", Key="one", Body=b"{}")
    s3.put_object(Bucket="downstream", Key="two", Body=b"{}")
    listed = s3.list_objects_v2(Bucket="downstream")
    assert listed["KeyCount"] == 2
    assert s3.get_object(Bucket="downstream", Key="one")["Body"].read() == b"{}"
    s3.delete_object(Bucket="downstream", Key="one")
"""


def _fill(template: str, tests: int, **parts: str) -> str:
    text = template.replace("{tests}", str(tests))
    for key, value in parts.items():
        text = text.replace("{" + key + "}", value)
    return text


SUITES: dict[str, tuple[str, Callable[[int], str]]] = {
    "fakegallery, client (socket-free)": (
        "fakegallery",
        lambda n: _fill(FAKEGALLERY, n, client="fakegallery.client"),
    ),
    "fakegallery, http_client() (in-process server)": (
        "fakegallery",
        lambda n: _fill(FAKEGALLERY, n, client="fakegallery.http_client()"),
    ),
    "moto server (session), boto3": (
        "moto",
        lambda n: _fill(MOTO_SERVER, n, body=S3_BODY),
    ),
    "moto mock_aws per test, boto3": (
        "moto",
        lambda n: _fill(MOCK_AWS, n, body=S3_BODY),
    ),
}


#: short names for --only
KEYS = dict(zip(SUITES, ("client", "http", "moto-server", "mock-aws"), strict=True))


def run_suite(
    folder: Path, name: str, extra_env: dict[str, str] | None = None
) -> tuple[float, float]:
    """(median seconds per test, wall seconds of the whole pytest process)."""
    result = folder / "result.json"
    env = {**os.environ, **(extra_env or {}), "SUITE_RESULT": str(result)}
    start = time_now()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder)],
        env=env,
        capture_output=True,
        text=True,
        cwd=folder,  # not a checkout: `-m` puts it first on sys.path
    )
    wall = time_now() - start
    if done.returncode != 0:
        raise RuntimeError(f"{name}: pytest failed\n{done.stdout[-3000:]}")
    data = json.loads(result.read_text())
    return float(data["median"]), wall


def time_now() -> float:
    import time

    return time.perf_counter()


def measure(
    tests: int,
    rounds: int,
    progress: Callable[[str], None] = say,
    only: list[str] | None = None,
    baseline: str | None = None,
) -> dict[str, Any]:
    has_moto = importlib.util.find_spec("moto") is not None
    if not has_moto:
        progress("moto not installed: moto suites skipped")
    chosen = {
        name: make
        for name, (needs, make) in SUITES.items()
        if (needs == "fakegallery" or has_moto) and (only is None or KEYS[name] in only)
    }
    envs: dict[str, dict[str, str]] = {}
    if baseline:
        # the client suite again, with another checkout's fakegallery
        name = f"baseline: {next(iter(SUITES))}"
        chosen[name] = SUITES[next(iter(SUITES))][1]
        envs[name] = {"PYTHONPATH": baseline}
    medians: dict[str, list[float]] = {name: [] for name in chosen}
    walls: dict[str, list[float]] = {name: [] for name in chosen}
    with tempfile.TemporaryDirectory() as tmp:
        folders = {}
        for index, (name, make) in enumerate(chosen.items()):
            folder = Path(tmp) / f"suite{index}"
            folder.mkdir()
            (folder / "conftest.py").write_text(CONFTEST)
            (folder / "test_downstream.py").write_text(make(tests))
            folders[name] = folder
        names = list(chosen)
        for index in range(rounds):
            shift = index % len(names)
            for name in names[shift:] + names[:shift]:
                median, wall = run_suite(folders[name], name, envs.get(name))
                medians[name].append(median)
                walls[name].append(wall)
            progress(f"suite round {index + 1}/{rounds}")
    base = names[0]
    rows = {}
    for name in names:
        ratios = [a / b for a, b in zip(medians[name], medians[base], strict=True)]
        rows[name] = {
            "ms_per_test": round(statistics.median(medians[name]) * 1e3, 2),
            "vs_fakegallery": round(statistics.median(ratios), 2),
            "suite_wall_s": round(statistics.median(walls[name]), 2),
        }
    return {"tests": tests, "rows": rows}


def show(result: dict[str, Any]) -> str:
    lines = [
        f"| suite ({result['tests']} tests × 6 calls) | per test (median) | "
        "÷ fakegallery client | whole run |",
        "|---|---|---|---|",
    ]
    for name, row in result["rows"].items():
        lines.append(
            f"| {name} | {row['ms_per_test']:.1f} ms | "
            f"{row['vs_fakegallery']:.2f}× | {row['suite_wall_s']:.1f} s |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tests", type=int, default=200)
    parser.add_argument("--only", default=None, help="e.g. client,moto-server")
    parser.add_argument(
        "--baseline", default=None, help="a checkout of another version, side by side"
    )
    args = parser.parse_args()
    only = args.only.split(",") if args.only else None
    print(show(measure(args.tests, args.rounds, only=only, baseline=args.baseline)))


if __name__ == "__main__":
    main()
