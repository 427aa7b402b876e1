"""The command line: `serve` in a real subprocess (first-line contract, port
file, SIGTERM, one-line errors with exit code 2), `demo`, and --help."""

from __future__ import annotations

import re
import select
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import click
import orjson
import pytest
import requests
from click.testing import CliRunner

from fakegallery.cli import main
from fakegallery.config import DEFAULT_SITE_ID
from fakegallery.seeding import demo

FIRST_LINE = re.compile(r"^fakegallery serving on (http://127\.0\.0\.1:(\d+))$")
TIMEOUT = 30.0
SERVE = (sys.executable, "-m", "fakegallery", "serve")


def _serve(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*SERVE, "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _first_line(stream: IO[str]) -> str:
    # Wait for output with a deadline instead of sleeping.
    ready, _, _ = select.select([stream], [], [], TIMEOUT)
    assert ready, "the server printed nothing"
    return stream.readline().rstrip("\n")


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.trust_env = False
        yield session


def _stop(proc: subprocess.Popen[str]) -> tuple[int, str]:
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=TIMEOUT)
    return proc.returncode, err


def test_serve_first_line_request_and_sigterm(
    tmp_path: Path, http: requests.Session
) -> None:
    port_file = tmp_path / "port"
    proc = _serve("--fixtures", "basic", "--port-file", str(port_file))
    try:
        match = FIRST_LINE.match(_first_line(proc.stdout))  # type: ignore[arg-type]
        assert match, "unexpected first line"
        url, port = match.groups()
        assert port_file.read_text() == f"{port}\n"
        response = http.get(
            url + "/pro-gallery/v2/galleries", headers={"Authorization": "k"}
        )
        assert response.status_code == 200
        assert response.json()["totalGalleries"] == 2
    finally:
        code, err = _stop(proc)
    assert code == 0, err
    assert "Traceback" not in err


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_serve_signal_right_after_first_line_is_a_clean_stop(
    sig: signal.Signals,
) -> None:
    proc = _serve("--no-fixtures")
    try:
        assert FIRST_LINE.match(_first_line(proc.stdout))  # type: ignore[arg-type]
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=TIMEOUT)
    finally:
        proc.kill() if proc.poll() is None else None
    assert proc.returncode == 0, err
    assert "Aborted" not in err


def test_serve_demo_serves_generated_data(http: requests.Session) -> None:
    proc = _serve("--demo", "2", "--demo-items", "3", "--seed", "9")
    try:
        match = FIRST_LINE.match(_first_line(proc.stdout))  # type: ignore[arg-type]
        assert match
        state = http.get(f"{match.group(1)}/_fake/state").json()
    finally:
        code, err = _stop(proc)
    assert code == 0, err
    expected = demo.generate(2, 3, seed=9)["galleries"]
    assert state["siteId"] == DEFAULT_SITE_ID
    assert [g["id"] for g in state["galleries"]] == [g["id"] for g in expected]
    served = [i["title"] for g in state["galleries"] for i in g["items"]]
    assert served == [i["title"] for g in expected for i in g["items"]]


def test_serve_webhook_flag_delivers_async_and_stops_cleanly(
    tmp_path: Path, http: requests.Session
) -> None:
    from fakegallery.testing.receiver import WebhookReceiver

    key_file = tmp_path / "key.pem"
    with WebhookReceiver() as receiver:
        proc = _serve(
            "--no-fixtures",
            "--webhook",
            receiver.url,
            "--config",
            f"WEBHOOK_PRIVATE_KEY_FILE={key_file}",
        )
        try:
            match = FIRST_LINE.match(_first_line(proc.stdout))  # type: ignore[arg-type]
            assert match
            url = match.group(1)
            assert http.get(f"{url}/_fake/webhooks/mode").json() == {"mode": "async"}
            [hook] = http.get(f"{url}/_fake/webhooks").json()["webhooks"]
            assert hook["url"] == receiver.url
            assert hook["siteId"] is None
            made = http.post(
                url + "/pro-gallery/v2/galleries",
                json={},
                headers={"Authorization": "k"},
            )
            assert made.status_code == 200
            receiver.wait(1, timeout=TIMEOUT)
            public_key = http.get(f"{url}/_fake/webhooks/public-key").json()
        finally:
            code, err = _stop(proc)
        [event] = receiver.events(public_key["publicKey"])
    assert code == 0, err
    assert "Traceback" not in err
    assert event["event"]["entityId"] == made.json()["gallery"]["id"]
    assert key_file.read_text().startswith("-----BEGIN PRIVATE KEY-----")


def test_serve_taken_port_one_line_exit_2() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        proc = subprocess.run(
            [*SERVE, "--no-fixtures", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        f"fakegallery: error: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]


def test_serve_bad_fixture_one_line_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(orjson.dumps({"galleries": [{"items": [{"video": {}}]}]}))
    result = CliRunner().invoke(main, ["serve", "--port", "0", "--fixtures", str(bad)])
    assert result.exit_code == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"fakegallery: error: {bad}: ")
    assert "galleries[0].items[0].video.videoInfo: is required" in line


def test_demo_stdout_is_the_seeded_fixture() -> None:
    args = ["demo", "--galleries", "2", "--items", "3", "--seed", "9"]
    first = CliRunner().invoke(main, args)
    second = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert first.stdout_bytes == second.stdout_bytes
    assert first.stdout_bytes == demo.dumps(demo.generate(2, 3, seed=9))


def test_demo_out_file_large_gallery_and_site(tmp_path: Path) -> None:
    out = tmp_path / "demo.json"
    site = "5a1e0c7d-4444-4222-8333-944455566677"
    args = ["demo", "--galleries", "3", "--items", "2", "--large-gallery", "7"]
    result = CliRunner().invoke(
        main, [*args, "--seed", "4", "--site-id", site, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    data = orjson.loads(out.read_bytes())
    assert data["siteId"] == site
    assert [len(g["items"]) for g in data["galleries"]] == [7, 2, 2]


def test_demo_unwritable_out_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "missing-dir" / "x.json"
    result = CliRunner().invoke(main, ["demo", "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr.startswith("fakegallery: error: cannot write")


def _commands() -> list[tuple[str, ...]]:
    """Every command line, subcommands of groups (`parity check`) included."""
    found: list[tuple[str, ...]] = []
    for name, command in sorted(main.commands.items()):
        if isinstance(command, click.Group):
            found += [(name, sub) for sub in sorted(command.commands)]
        else:
            found.append((name,))
    return found


@pytest.mark.parametrize("names", _commands(), ids=" ".join)
def test_help_every_option_explained(names: tuple[str, ...]) -> None:
    command: click.Command = main
    for name in names:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    result = CliRunner().invoke(main, [*names, "--help"])
    assert result.exit_code == 0
    assert command.help, f"{names} has no help text"
    options = [p for p in command.params if isinstance(p, click.Option)]
    assert options
    for option in options:
        assert option.help, f"{names} {option.opts} has no help"
        assert option.opts[0] in result.stdout
