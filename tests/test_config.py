"""Settings are typed and checked at start-up (docs/configuration.md): booleans,
integers, RFC3339 times, GUID site ids, unknown keys with a hint, and each error
names the key, from create_app, the environment and `KEY=JSON` assignments."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from fakegallery import create_app, get_fake
from fakegallery.cli_options import parse_assignments
from fakegallery.config import Settings, SettingsError
from fakegallery.state.clock import parse_time


@pytest.fixture(autouse=True)
def _no_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("FAKEGALLERY_"):
            monkeypatch.delenv(name)


def settings(**config: Any) -> Settings:
    return Settings.from_mapping(config, config)


# --- booleans ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (True, True),
        (False, False),
        (1, True),
        (0, False),
        ("true", True),
        ("True", True),
        ("false", False),
        ("False", False),
        ("yes", True),
        ("no", False),
        ("1", True),
        ("0", False),
        (" YES ", True),
    ],
)
def test_bool_accepted_words(given: Any, expected: bool) -> None:
    assert settings(ITEM_SORT_DESC=given).item_sort_desc is expected


@pytest.mark.parametrize("given", ["maybe", "on", "off", "", "2", 2, -1, None, []])
def test_bool_anything_else_is_an_error_naming_the_key(given: Any) -> None:
    with pytest.raises(SettingsError, match=r"^STRICT_MEDIA must be true or false"):
        settings(STRICT_MEDIA=given)


def test_bool_environment_no_is_false(monkeypatch: pytest.MonkeyPatch) -> None:
    # `no` is not JSON, so Flask hands it over as a string: it must not be truthy.
    monkeypatch.setenv("FAKEGALLERY_ITEM_SORT_DESC", "no")
    monkeypatch.setenv("FAKEGALLERY_STRICT_MEDIA", "False")
    fake = get_fake(create_app())
    assert fake.settings.item_sort_desc is False
    assert fake.settings.strict_media is False


# --- integers, site ids, times ----------------------------------------------------


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("abc", "MAX_ITEM_LIMIT must be an integer, not 'abc'"),
        (True, "MAX_ITEM_LIMIT must be an integer, not True"),
        (2.5, "MAX_ITEM_LIMIT must be an integer, not 2.5"),
        (0, "MAX_ITEM_LIMIT must be at least 1, not 0"),
    ],
)
def test_int_bad_values(given: Any, message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        settings(MAX_ITEM_LIMIT=given)
    assert str(caught.value) == message


def test_int_digits_as_a_string_are_accepted() -> None:
    assert settings(MAX_ITEM_LIMIT="7").max_item_limit == 7
    assert settings(SEED="-3").seed == -3


@pytest.mark.parametrize("given", [42, "42", "site-1", "", "not a guid at all"])
def test_default_site_id_must_be_a_guid(given: Any) -> None:
    with pytest.raises(SettingsError, match=r"^DEFAULT_SITE_ID must be"):
        settings(DEFAULT_SITE_ID=given)


def test_default_site_id_null_means_no_default() -> None:
    assert settings(DEFAULT_SITE_ID=None).default_site_id is None


@pytest.mark.parametrize(
    "given", ["yesterday", "2026-01-02", "2026-01-02T03:04:05", "2026-W01-1", 5]
)
def test_frozen_time_rfc3339_only_and_named(given: Any) -> None:
    with pytest.raises(SettingsError) as caught:
        settings(FROZEN_TIME=given)
    assert str(caught.value).startswith("FROZEN_TIME")


@pytest.mark.parametrize(
    "text",
    [
        "2026-01-02",
        "2026-01-02T03:04:05",
        "2026-01-02T03:04Z",
        "20260102T030405Z",
        "2026-W01-1T00:00:00Z",
        "2026-01-02T03:04:05+0200",
        "2026-01-02T03:04:05Z junk",
        "0001-01-01T00:00:00+01:00",
    ],
)
def test_parse_time_refuses_non_rfc3339(text: str) -> None:
    with pytest.raises(ValueError, match=r"RFC3339|valid instant"):
        parse_time(text)


def test_parse_time_offsets_and_fractions_to_utc() -> None:
    assert parse_time("2026-01-02T03:04:05.5+02:00") == datetime(
        2026, 1, 2, 1, 4, 5, 500000, tzinfo=UTC
    )
    assert parse_time("2026-01-02t03:04:05z") == datetime(
        2026, 1, 2, 3, 4, 5, tzinfo=UTC
    )


# --- unknown keys --------------------------------------------------------------------


def test_unknown_key_did_you_mean() -> None:
    with pytest.raises(SettingsError) as caught:
        create_app({"ITEM_SORT_DEC": True})
    assert (
        str(caught.value)
        == "unknown setting ITEM_SORT_DEC; did you mean ITEM_SORT_DESC?"
    )


def test_unknown_key_no_hint_when_nothing_is_close() -> None:
    with pytest.raises(SettingsError) as caught:
        create_app({"NOPE": 1})
    assert str(caught.value) == "unknown setting NOPE"


def test_unknown_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKEGALLERY_STRICT_MEDA", "true")
    with pytest.raises(SettingsError, match="did you mean STRICT_MEDIA"):
        create_app()


def test_flask_keys_are_not_settings() -> None:
    app = create_app({"TESTING": True, "SEED": 1})
    assert app.testing


# --- KEY=JSON assignments (serve --config, --fakegallery-config) ---------------


def test_assignments_json_or_plain_string() -> None:
    parsed = parse_assignments(
        ["auth=strict", 'API_KEYS={"k": {}}', "SEED=4", "WIRE_LOG=/tmp/x.jsonl"], "-c"
    )
    assert parsed == {
        "AUTH": "strict",
        "API_KEYS": {"k": {}},
        "SEED": 4,
        "WIRE_LOG": "/tmp/x.jsonl",
    }


@pytest.mark.parametrize("pair", ["SEED", "=1", ""])
def test_assignments_malformed(pair: str) -> None:
    with pytest.raises(SettingsError, match=r"^--config wants KEY=JSON"):
        parse_assignments([pair], "--config")
