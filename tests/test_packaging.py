"""The package as a user gets it (slow: builds a wheel and a venv): the wheel
installs in a clean venv with the core dependencies only, its metadata is
complete, the dev server runs from it with the shipped fixtures, the missing
extras are named, and the pytest plugin works under the oldest supported pytest
and pluggy (pytest 7.4, pluggy 1.0; pyproject.toml, extra `pytest`).

No network: the wheel is built without build isolation (hatchling is in the
`dev` extra) and the clean venv installs from a wheelhouse that `.ci/run`
downloads before the tests (`WHEELHOUSE_COMMAND` below; run it yourself to run
these tests locally). Without the wheelhouse these tests skip, or fail in CI."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

import fakegallery

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
OLDEST = ("pytest==7.4.*", "pluggy==1.0.*")
WHEELHOUSE = Path(
    os.environ.get("FAKEGALLERY_WHEELHOUSE", ROOT / ".cache" / "wheelhouse")
)
WHEELHOUSE_COMMAND = (
    "python3 -m pip download -q -d .cache/wheelhouse . 'pytest==7.4.*' 'pluggy==1.0.*'"
)
TIMEOUT = 600

SUITE = """
import pytest

def test_fixture_and_marker(fakegallery):
    url = fakegallery.api_url + "/galleries"
    assert fakegallery.client.post(url, json={}).status_code == 200
    assert len(fakegallery.state()["galleries"]) == 1

@pytest.mark.fakegallery(fixtures=["basic"], settings={"ITEM_SORT_DESC": True})
def test_marker_fixtures_and_settings(fakegallery):
    assert len(fakegallery.state()["galleries"]) == 2
    assert fakegallery.fake.site_settings.switch(fakegallery.site_id, "item_sort_desc")

def test_server_error_fails_the_test(fakegallery, monkeypatch):
    from fakegallery.gallery.api import GalleryApi

    def explode(*args):
        raise ZeroDivisionError("kaboom")

    monkeypatch.setattr(GalleryApi, "list_galleries", explode)
    assert fakegallery.client.get(fakegallery.api_url + "/galleries").status_code == 500

def test_failing_by_itself_shows_the_server_side(fakegallery, monkeypatch):
    from fakegallery.gallery.api import GalleryApi

    def explode(*args):
        raise LookupError("deep inside")

    monkeypatch.setattr(GalleryApi, "list_galleries", explode)
    assert fakegallery.client.get(fakegallery.api_url + "/galleries").ok

def test_media_without_pillow_names_the_extra(fakegallery):
    from fakegallery.extras import MissingExtra

    with pytest.raises(MissingExtra, match=r"fakegallery\\[media\\]"):
        fakegallery.upload_media(b"not checked: Pillow is missing")
"""


def _run(*command: str | Path, **kw: object) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    result = subprocess.run(
        [str(c) for c in command],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=env,
        **kw,  # type: ignore[call-overload]
    )
    return result  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    built = _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "-q",
        "--no-deps",
        "--no-build-isolation",
        "-w",
        out,
        ROOT,
    )
    assert built.returncode == 0, built.stderr
    [path] = out.glob("fakegallery-*.whl")
    return path


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    """A clean venv with the wheel (no extras) and the oldest pytest/pluggy,
    installed from the wheelhouse only."""
    if not any(WHEELHOUSE.glob("pytest-7.4.*.whl")):
        message = f"no wheelhouse at {WHEELHOUSE}: run {WHEELHOUSE_COMMAND}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    home = tmp_path_factory.mktemp("venv")
    made = _run(sys.executable, "-m", "venv", home)
    assert made.returncode == 0, made.stderr
    installed = _run(
        home / "bin" / "pip",
        "install",
        "-q",
        "--no-index",
        "--find-links",
        WHEELHOUSE,
        wheel,
        *OLDEST,
    )
    assert installed.returncode == 0, installed.stderr
    return home


def test_wheel_name_version_and_files(wheel: Path) -> None:
    assert wheel.name == f"fakegallery-{fakegallery.__version__}-py3-none-any.whl"
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    for shipped in ("basic", "large", "classic-slideshow"):
        assert f"fakegallery/fixtures/{shipped}.json" in names
    assert "fakegallery/py.typed" in names
    info = f"fakegallery-{fakegallery.__version__}.dist-info"
    assert f"{info}/licenses/LICENSE" in names
    metadata = zipfile.ZipFile(wheel).read(f"{info}/METADATA").decode()
    assert "License-Expression: MIT" in metadata
    assert "Classifier: Framework :: Pytest" in metadata
    assert "Provides-Extra: demo" in metadata
    assert "Provides-Extra: media" in metadata


def test_clean_venv_core_only_and_consistent(venv: Path) -> None:
    python = venv / "bin" / "python"
    check = _run(venv / "bin" / "pip", "check")
    assert check.returncode == 0, check.stdout
    probe = _run(
        python,
        "-c",
        "import importlib.util as u, fakegallery, pytest, pluggy;"
        "print(fakegallery.__version__, pytest.__version__, pluggy.__version__,"
        " u.find_spec('faker') is None, u.find_spec('PIL') is None)",
    )
    assert probe.returncode == 0, probe.stderr
    version, pytest_version, pluggy_version, no_faker, no_pillow = probe.stdout.split()
    assert version == fakegallery.__version__
    assert pytest_version.startswith("7.4.")
    assert pluggy_version.startswith("1.0.")
    assert (no_faker, no_pillow) == ("True", "True")


def test_clean_venv_plugin_under_oldest_pytest_and_pluggy(
    venv: Path, tmp_path: Path
) -> None:
    (tmp_path / "test_suite.py").write_text(SUITE)
    result = _run(
        venv / "bin" / "python", "-m", "pytest", "-p", "no:cacheprovider", cwd=tmp_path
    )
    output = result.stdout + result.stderr
    assert "TypeError" not in output
    assert re.search(r"fakegallery \S+: in-process server", output), output
    assert re.search(r"\b2 failed, 3 passed\b", output), output
    assert "FAILED test_suite.py::test_server_error_fails_the_test" in output
    assert "ZeroDivisionError: kaboom" in output
    assert "fakegallery: server-side exceptions" in output
    assert "LookupError: deep inside" in output
    disabled = _run(
        venv / "bin" / "python",
        "-m",
        "pytest",
        "-p",
        "no:fakegallery",
        "--co",
        cwd=tmp_path,
    )
    assert "fakegallery" not in disabled.stdout.split("collected")[0]


@pytest.fixture
def served(venv: Path, tmp_path: Path) -> Iterator[str]:
    port_file = tmp_path / "port"
    proc = subprocess.Popen(
        [
            venv / "bin" / "fakegallery",
            "serve",
            "--port",
            "0",
            "--port-file",
            port_file,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        assert ready, "the server printed nothing"
        line = proc.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith("fakegallery serving on http://127.0.0.1:"), line
        yield line.split()[-1]
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err


def test_clean_venv_dev_server_with_shipped_fixtures(served: str) -> None:
    with requests.Session() as http:
        http.trust_env = False
        listed = http.get(
            f"{served}/pro-gallery/v2/galleries", headers={"Authorization": "k"}
        )
        assert listed.status_code == 200
        assert listed.json()["totalGalleries"] == 2  # the basic fixture's site
        upload = http.post(f"{served}/_fake/media", files={"file": ("a.png", b"x")})
    assert upload.status_code == 501
    assert upload.json()["details"]["applicationError"]["data"] == {
        "extra": "media",
        "package": "Pillow",
    }


def test_clean_venv_demo_names_the_missing_extra(venv: Path) -> None:
    result = _run(venv / "bin" / "fakegallery", "serve", "--port", "0", "--demo", "2")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "fakegallery: error: generated demo data (--demo, fakegallery demo) need "
        "Faker, which the [demo] extra installs: pip install 'fakegallery[demo]'"
    ]
