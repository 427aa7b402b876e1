"""The parity harness (docs/parity.md): the fake against every snapshot, the
transformers and the comparison, the guards of a real run, and a self-test
against a second fakegallery playing real Wix with one planted difference."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner

from fakegallery import create_app
from fakegallery.cli import main
from fakegallery.parity import matrix, runner
from fakegallery.parity import snapshots as snaps
from fakegallery.parity.normalise import Normaliser, compare
from fakegallery.parity.scenarios import SCENARIOS
from fakegallery.parity.target import (
    ParityRefused,
    Target,
    fake_target,
    real_target_from_env,
    remote_target,
)
from fakegallery.testing.server import FakeGalleryServer

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = snaps.builtin_dir()
IMPOSTOR_SITE = "1b1b1b1b-2222-4333-8444-955566677788"
PLANTED_PATH = "$.create-item.body.item.video.videoInfo.resolutions[0].format"


# --- the fake against every shipped snapshot (offline, in CI) ----------------------


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_fake_matches_the_snapshot(name: str) -> None:
    target = fake_target()
    report = runner.check(target, runner.select([name]), SHIPPED)
    [outcome] = report.outcomes
    assert outcome.status == runner.MATCH, report.text()


def test_every_scenario_has_a_snapshot_with_provenance() -> None:
    names = {p.stem for p in SHIPPED.glob("*.json")}
    assert names == set(SCENARIOS)
    kinds = {snaps.load(SHIPPED, n).kind for n in names}  # type: ignore[union-attr]
    # seeded from the real captured data and Wix's own samples
    assert {"real-capture", "doc-sample", "inference"} <= kinds
    capture = snaps.load(SHIPPED, "editor-gallery")
    assert capture is not None
    assert capture.provenance["captured"] == "2026-09-29"


def test_matrix_in_docs_is_generated_from_the_markers() -> None:
    """docs/parity.md is exactly what `fakegallery parity matrix` writes."""
    assert (ROOT / "docs" / "parity.md").read_text() == matrix.render(SHIPPED)
    text = matrix.render(SHIPPED)
    for scenario in SCENARIOS.values():
        assert f"`{scenario.name}`" in text
    assert "| real capture (2026-09-29) | 2026-09-29 |" in text
    assert "## Divergences" in text


# --- transformers and comparison ---------------------------------------------------


def test_normaliser_masks_what_changes_and_keeps_what_was_sent() -> None:
    sent_media = "11062b_12703ed9a6574547bcaed22b1ce44eef~mv2.jpeg"
    made = "b20394_02c401e6b900a5f0002ab1d921380ad6~mv2.jpg"
    norm = Normaliser([sent_media, 5.0])
    body = {
        "id": "A1B2C3D4-1111-4222-8333-944455566677",
        "again": "a1b2c3d4-1111-4222-8333-944455566677",
        "createdDate": "2026-01-02T03:04:05Z",
        "eventTime": "2021-12-16T12:28:44.905701Z",
        "sortOrder": 1767323045.001,
        "items": [{"sortOrder": 5.0}, {"sortOrder": 1767323045.001}],
        "mine": sent_media,
        "poster": f"https://static.wixstatic.com/media/{made}",
        "count": 3,
    }
    assert norm(body) == {
        "id": "<uuid:1>",
        "again": "<uuid:1>",
        "createdDate": "<date>",
        "eventTime": "<date:fraction-6>",
        "sortOrder": "<sort-order:1>",
        "items": [{"sortOrder": 5.0}, {"sortOrder": "<sort-order:1>"}],
        "mine": sent_media,
        "poster": "https://static.wixstatic.com/media/<media-id:1>",
        "count": 3,
    }


def test_compare_reports_values_keys_lengths_types_and_order() -> None:
    expected = {"a": 1, "b": [1, 2], "c": {"x": 1, "y": 2}, "d": "s", "gone": 0}
    actual = {"b": [1], "a": 2, "c": {"y": 2, "x": 1}, "d": 4, "new": 1}
    found = {(d.path, d.kind) for d in compare(expected, actual)}
    assert found == {
        ("$.a", "value"),
        ("$.b", "length"),
        ("$.c", "order"),
        ("$.d", "type"),
        ("$.gone", "missing"),
        ("$.new", "unexpected"),
        ("$", "order"),
    }
    assert compare(expected, actual, ignore=["$.*", "$"]) == []
    assert compare({"n": 1}, {"n": 1.0}) == []


# --- guards of a real run ------------------------------------------------------------


def test_real_target_needs_credentials() -> None:
    with pytest.raises(ParityRefused, match="WIX_API_KEY and WIX_SITE_ID"):
        real_target_from_env({})


def test_never_the_network_in_ci() -> None:
    env = {"CI": "true", "WIX_API_KEY": "k", "WIX_SITE_ID": IMPOSTOR_SITE}
    with pytest.raises(ParityRefused, match="never run in CI"):
        real_target_from_env(env)
    # a stand-in on loopback is fine (this test file's own self-test)
    target = remote_target("http://127.0.0.1:9", "k", IMPOSTOR_SITE, environ=env)
    target.close()


# --- the self-test: a second fakegallery plays real Wix -----------------------


class Planted:
    """Real Wix, as the self-test imagines it: one difference from the fake —
    YouTube resolutions spelled `YouTube`."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        body = b"".join(self.app(environ, start_response))
        # same length: the Content-Length the app sent stays right
        return [body.replace(b'"format":"Youtube"', b'"format":"YouTube"')]


@pytest.fixture(scope="module")
def impostor() -> Iterator[FakeGalleryServer]:
    app = create_app({"SEED": 99})
    app.wsgi_app = Planted(app.wsgi_app)  # type: ignore[method-assign]
    with FakeGalleryServer(app) as server:
        yield server


@pytest.fixture
def real(impostor: FakeGalleryServer) -> Iterator[Target]:
    """The impostor as the harness's "real" target, as the CLI builds it."""
    impostor.fake.drop_site(IMPOSTOR_SITE)
    env = {
        "WIX_API_KEY": "parity-self-test",
        "WIX_SITE_ID": IMPOSTOR_SITE,
        "WIX_API_BASE": impostor.url,
    }
    target = real_target_from_env(env)
    yield target
    target.close()


def test_diff_reports_exactly_the_planted_difference(real: Target) -> None:
    real.check_empty()
    report = runner.diff(fake_target(), real, runner.select())
    differing = {o.scenario: o for o in report.outcomes if o.status != runner.MATCH}
    skipped = {o.scenario for o in report.outcomes if o.status == runner.SKIPPED}
    assert skipped == {"editor-gallery", "item-created-event"}  # fake-only hooks
    assert set(differing) - skipped == {"youtube-item"}, report.text()
    [difference] = differing["youtube-item"].differences
    assert (difference.path, difference.kind) == (PLANTED_PATH, "value")
    assert (difference.expected, difference.actual) == ("Youtube", "YouTube")
    assert not report.ok
    assert real.gallery_count() == 0  # everything it made is gone again


def test_check_against_snapshots_catches_it_too(real: Target) -> None:
    report = runner.check(real, runner.select(), SHIPPED)
    statuses = {o.scenario: o.status for o in report.outcomes}
    assert statuses.pop("youtube-item") == runner.DIFFER
    assert statuses.pop("editor-gallery") == runner.SKIPPED
    assert statuses.pop("item-created-event") == runner.SKIPPED
    assert set(statuses.values()) == {runner.MATCH}, report.text()


def test_refuses_a_site_with_galleries_and_deletes_only_its_own(
    real: Target, impostor: FakeGalleryServer
) -> None:
    existing = real.call("POST", "/galleries", {"gallery": {"name": "the user's"}})
    real.created.clear()  # made by "the user", not by the harness
    with pytest.raises(ParityRefused, match="already has 1 galleries"):
        real.check_empty()
    real.check_empty(allow_existing=True)
    runner.check(real, runner.select(["create-gallery", "paging-items"]), SHIPPED)
    state = impostor.fake.gallery.site_state(IMPOSTOR_SITE)
    assert [g["id"] for g in state["galleries"]] == [existing.body["gallery"]["id"]]


def test_record_writes_dated_real_captures(real: Target, tmp_path: Path) -> None:
    shutil.copytree(SHIPPED, tmp_path, dirs_exist_ok=True)
    runner.record(real, runner.select(["youtube-item", "editor-gallery"]), tmp_path)
    written = snaps.load(tmp_path, "youtube-item")
    assert written is not None
    assert written.kind == "real-capture"
    assert written.provenance["captured"] == snaps.today()
    assert written.ignore == {}
    item = written.recorded["create-item"]["body"]["item"]
    assert item["video"]["videoInfo"]["resolutions"][0]["format"] == "YouTube"
    # the fake now differs from this "real capture" at the planted path only
    report = runner.check(fake_target(), runner.select(["youtube-item"]), tmp_path)
    assert [d.path for d in report.outcomes[0].differences] == [PLANTED_PATH]
    # a fake-only scenario is not recorded from "real"; its capture stays
    assert snaps.load(tmp_path, "editor-gallery") == snaps.load(
        SHIPPED, "editor-gallery"
    )


def test_recording_from_the_fake_never_replaces_evidence(tmp_path: Path) -> None:
    shutil.copytree(SHIPPED, tmp_path, dirs_exist_ok=True)
    written = runner.record(fake_target(), runner.select(), tmp_path)
    kept = {"editor-gallery", "image-item", "youtube-item", "item-created-event"}
    assert {p.stem for p in written} == set(SCENARIOS) - kept
    assert snaps.load(tmp_path, "youtube-item") == snaps.load(SHIPPED, "youtube-item")


def test_cli_diff_and_check_against_the_stand_in(
    real: Target, impostor: FakeGalleryServer, tmp_path: Path
) -> None:
    env = {
        "WIX_API_KEY": "parity-self-test",
        "WIX_SITE_ID": IMPOSTOR_SITE,
        "WIX_API_BASE": impostor.url,
        "CI": os.environ.get("CI", ""),
    }
    cli = CliRunner()
    result = cli.invoke(main, ["parity", "diff", "--scenario", "youtube-item"], env=env)
    assert result.exit_code == 1, result.output
    assert PLANTED_PATH in result.output
    result = cli.invoke(
        main, ["parity", "check", "--target", "real", "--json"], env=env
    )
    assert result.exit_code == 1, result.output
    assert '"youtube-item"' in result.output
    # --mark-verified dates the snapshots real Wix matched (in a copy)
    shutil.copytree(SHIPPED, tmp_path, dirs_exist_ok=True)
    args = ["parity", "check", "--target", "real", "--mark-verified"]
    args += ["--snapshots", str(tmp_path), "--scenario", "image-item"]
    assert cli.invoke(main, args, env=env).exit_code == 0
    marked = snaps.load(tmp_path, "image-item")
    assert marked is not None
    assert marked.provenance["verified"] == snaps.today()
    # a site with galleries is refused with exit code 2
    real.call("POST", "/galleries", {"gallery": {}})
    result = cli.invoke(main, ["parity", "check", "--target", "real"], env=env)
    assert result.exit_code == 2
    assert "already has 1 galleries" in result.output


# --- against real Wix: only when a user asks, never in CI --------------------


def _real_or_skip() -> dict[str, Any]:
    if os.environ.get("FAKEGALLERY_PARITY") != "real":
        pytest.skip("set FAKEGALLERY_PARITY=real, WIX_API_KEY and WIX_SITE_ID")
    if os.environ.get("CI"):
        pytest.skip("never against the network in CI")
    return dict(os.environ)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_real_wix_matches_the_snapshot(name: str) -> None:
    env = _real_or_skip()
    target = real_target_from_env(env)
    try:
        target.check_empty(env.get("WIX_ALLOW_EXISTING_GALLERIES") in ("1", "true"))
        report = runner.check(target, runner.select([name]), SHIPPED)
    finally:
        target.close()
    assert report.ok, report.text()


def test_cli_unreachable_target_is_exit_2() -> None:
    import socket

    with socket.socket() as sock:  # a port nothing listens on any more
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        "WIX_API_KEY": "k",
        "WIX_SITE_ID": IMPOSTOR_SITE,
        "WIX_API_BASE": f"http://127.0.0.1:{port}",
    }
    result = CliRunner().invoke(main, ["parity", "check", "--target", "real"], env=env)
    assert result.exit_code == 2
    assert result.output.startswith("fakegallery parity: ")
