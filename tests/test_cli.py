"""The command line: `serve` in a real subprocess (first-line contract, port
file, SIGTERM, one-line errors with exit code 2), `demo`, and --help."""

from __future__ import annotations

import os
import re
import select
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, NoReturn

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
        _reap(proc)
    assert proc.returncode == 0, err
    assert "Aborted" not in err


def _reap(proc: subprocess.Popen[str]) -> None:
    """Kill a server a test could not stop, and wait for it (no zombie, and no
    ResourceWarning about a process still running in a later test)."""
    if proc.poll() is None:
        proc.kill()
    proc.communicate(timeout=TIMEOUT)


def test_serve_sigint_stops_it_in_a_background_job_of_a_script() -> None:
    """A non-interactive shell starts `cmd &` with SIGINT ignored, and Python
    then installs no KeyboardInterrupt handler: serve must install its own."""
    script = '"$@" & echo "pid=$!"; wait $!; echo "status=$?"'
    shell = subprocess.Popen(
        ["bash", "-c", script, "bash", *SERVE, "--port", "0", "--no-fixtures"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    pid = 0
    try:
        lines = [_first_line(shell.stdout), _first_line(shell.stdout)]  # type: ignore[arg-type]
        pid = int(next(line for line in lines if line.startswith("pid="))[4:])
        assert any(FIRST_LINE.match(line) for line in lines), lines
        os.kill(pid, signal.SIGINT)
        out, err = shell.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail("SIGINT did not stop the background server")
    finally:
        if shell.poll() is None and pid:
            os.kill(pid, signal.SIGKILL)
        _reap(shell)
    assert out.splitlines() == ["status=0"], err
    assert "Traceback" not in err


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


@pytest.fixture
def fails_before_serving(
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[..., str]:
    """Run the CLI in-process; it must fail before serving (a server that got
    as far as binding fails the test instead of serving in the test process):
    exit 2, nothing on stdout, exactly one line on stderr, which is returned."""

    def no_server(*args: object, **kw: object) -> NoReturn:
        raise AssertionError("serve went on to bind a port")

    monkeypatch.setattr("waitress.server.create_server", no_server)

    def run(args: list[str], **env: str) -> str:
        result = CliRunner().invoke(main, args, env=env)
        assert result.exit_code == 2, (result.output, result.exception)
        assert result.stdout == ""
        [line] = result.stderr.splitlines()
        assert line.startswith("fakegallery: error: ")
        return line.removeprefix("fakegallery: error: ")

    return run


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--config", "NOPE=1"], "unknown setting NOPE"),
        (
            ["--config", "ITEM_SORT_DEC=true"],
            "unknown setting ITEM_SORT_DEC; did you mean ITEM_SORT_DESC?",
        ),
        (
            ["--config", "ITEM_SORT_DESC=maybe"],
            "ITEM_SORT_DESC must be true or false (or 1/0, yes/no), not 'maybe'",
        ),
        (["--config", "SEED"], "--config wants KEY=JSON, got 'SEED'"),
        (
            ["--config", "FROZEN_TIME=yesterday"],
            "FROZEN_TIME: 'yesterday' is not an RFC3339 date-time such as "
            "2026-01-02T03:04:05Z",
        ),
    ],
)
def test_serve_bad_setting_one_line_exit_2(
    fails_before_serving: Callable[..., str], args: list[str], message: str
) -> None:
    assert fails_before_serving(["serve", "--port", "0", *args]) == message


def test_serve_typo_in_the_environment_one_line_exit_2(
    fails_before_serving: Callable[..., str],
) -> None:
    line = fails_before_serving(
        ["serve", "--port", "0", "--no-fixtures"], FAKEGALLERY_STRICT_MEDA="true"
    )
    assert line == "unknown setting STRICT_MEDA; did you mean STRICT_MEDIA?"


def test_serve_unwritable_wire_log_one_line_exit_2(
    fails_before_serving: Callable[..., str], tmp_path: Path
) -> None:
    target = tmp_path / "missing-dir" / "wire.jsonl"
    line = fails_before_serving(
        ["serve", "--port", "0", "--no-fixtures", "--config", f"WIRE_LOG={target}"]
    )
    assert line == f"WIRE_LOG: cannot append to {target}: No such file or directory"


def test_serve_port_file_in_a_missing_dir_exit_2_before_serving(
    tmp_path: Path,
) -> None:
    port_file = tmp_path / "missing-dir" / "port"
    proc = subprocess.run(
        [*SERVE, "--no-fixtures", "--port", "0", "--port-file", str(port_file)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""  # never said it was serving
    assert proc.stderr.splitlines() == [
        f"fakegallery: error: cannot write --port-file {port_file}: "
        "No such file or directory"
    ]


@pytest.mark.parametrize(
    "args",
    [["serve", "--port", "0", "--demo", "2"], ["demo", "--galleries", "1"]],
    ids=["serve", "demo"],
)
def test_demo_without_faker_one_line_naming_the_extra(
    fails_before_serving: Callable[..., str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
) -> None:
    monkeypatch.setitem(sys.modules, "faker", None)  # as if not installed
    line = fails_before_serving(args)
    assert line.endswith(
        "need Faker, which the [demo] extra installs: pip install 'fakegallery[demo]'"
    )


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


def _command(names: tuple[str, ...]) -> click.Command:
    """The command a command line names, loading lazy ones as `fakegallery` does."""
    command: click.Command = main
    ctx = click.Context(main)
    for name in names:
        assert isinstance(command, click.Group)
        found = command.get_command(ctx, name)
        assert found is not None, names
        command = found
    return command


def _commands() -> list[tuple[str, ...]]:
    """Every command line, the lazily loaded commands (`demo`, `export`, …) and
    subcommands of groups (`parity check`) included."""
    found: list[tuple[str, ...]] = []
    for name in main.list_commands(click.Context(main)):
        command = _command((name,))
        if isinstance(command, click.Group):
            found += [(name, sub) for sub in sorted(command.commands)]
        else:
            found.append((name,))
    return found


def test_every_command_is_listed() -> None:
    names = {line[0] for line in _commands()}
    assert names == {"demo", "export", "import", "parity", "serve"}


@pytest.mark.parametrize("names", _commands(), ids=" ".join)
def test_help_every_option_explained(names: tuple[str, ...]) -> None:
    command = _command(names)
    result = CliRunner().invoke(main, [*names, "--help"])
    assert result.exit_code == 0
    assert command.help, f"{names} has no help text"
    options = [p for p in command.params if isinstance(p, click.Option)]
    assert options
    for option in options:
        assert option.help, f"{names} {option.opts} has no help"
        assert option.opts[0] in result.stdout


@pytest.mark.parametrize(
    ("extra", "warned"),
    [((), True), (("--config", "CONTROL_TOKEN=s3cret"), False)],
    ids=["no-token", "token"],
)
def test_serve__beyond_loopback_warns_without_a_token(
    extra: tuple[str, ...], warned: bool
) -> None:
    # 192.0.2.1 (TEST-NET-1, RFC 5737) is on no interface: the bind fails right
    # after the warning, so nothing listens beyond loopback during the test.
    args = ["serve", "--no-fixtures", "--host", "192.0.2.1", "--port", "0", *extra]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[-1].startswith("fakegallery: error: cannot listen on 192.0.2.1:0")
    warning = [line for line in lines if "beyond loopback" in line]
    assert bool(warning) is warned
    if warned:
        assert "CONTROL_TOKEN" in warning[0]


def test_serve__server_options_become_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from fakegallery.app import get_fake
    from fakegallery.web import serving

    seen: dict[str, int] = {}

    def capture(app: object, sock: socket.socket, threads: int) -> object:
        settings = get_fake(app).settings  # type: ignore[arg-type]
        seen.update(
            limit=settings.server_connection_limit,
            timeout=settings.server_channel_timeout,
            threads=threads,
        )
        sock.close()
        raise SystemExit(0)

    monkeypatch.setattr(serving, "create_server", capture)
    args = ["serve", "--no-fixtures", "--port", "0", "--connection-limit", "7"]
    args += ["--channel-timeout", "3", "--threads", "2"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert seen == {"limit": 7, "timeout": 3, "threads": 2}
