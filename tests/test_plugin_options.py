"""The plugin's conventions (docs/testing.md): command-line and ini options,
the report header, per-test settings through the marker, the marker's api_key
checked against the server's auth, a clear error when two conftests ask for
different session configs, and the failure report of a test that failed by
itself while the fake raised."""

from __future__ import annotations

import pytest

import fakegallery

ORDER_TEST = """
def make(site):
    url = site.api_url + "/galleries"
    gallery = site.client.post(url, json={}).json()["gallery"]["id"]
    for order in (1, 3, 2):
        item = {"item": {"text": {"html": "x"}, "sortOrder": order}}
        site.client.post(f"{url}/{gallery}/items", json=item)
    listed = site.client.get(f"{url}/{gallery}/items").json()["items"]
    return [i["sortOrder"] for i in listed]
"""


# --- report header and options ------------------------------------------------------


def test_report_header_version_and_where(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing():\n    pass\n")
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(
        [f"fakegallery {fakegallery.__version__}: in-process server, started on *"]
    )
    with_settings = pytester.runpytest("--fakegallery-config", "ITEM_SORT_DESC=true")
    with_settings.stdout.fnmatch_lines(
        ["fakegallery *: in-process *ITEM_SORT_DESC=True"]
    )


def test_config_option_over_ini_over_fixture(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        """
        [pytest]
        fakegallery_config =
            MAX_ITEM_LIMIT=7
            STRICT_MEDIA=yes
        """
    )
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture(scope="session")
        def fakegallery_config():
            return {"SEED": 3, "MAX_ITEM_LIMIT": 5, "ITEM_SORT_DESC": False}
        """
    )
    pytester.makepyfile(
        """
        def test_settings(fakegallery):
            settings = fakegallery.fake.settings
            assert settings.seed == 3  # the fixture
            assert settings.max_item_limit == 7  # the ini option over the fixture
            assert settings.strict_media is True
            assert settings.item_sort_desc is True  # the command line over both
        """
    )
    result = pytester.runpytest("--fakegallery-config", "item_sort_desc=1")
    result.assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("args", "ini", "message"),
    [
        (
            ["--fakegallery-config", "ITEM_SORT_DEC=true"],
            "",
            "*fakegallery: unknown setting ITEM_SORT_DEC; did you mean ITEM_SORT_DESC?",
        ),
        (
            [],
            "fakegallery_config = STRICT_MEDIA=maybe",
            "*fakegallery: STRICT_MEDIA must be true or false*",
        ),
        (
            ["--fakegallery-config", "SEED"],
            "",
            "*fakegallery: --fakegallery-config wants KEY=JSON, got 'SEED'",
        ),
        (
            ["--fakegallery-config", "SEED=1", "--fakegallery-url", "http://x:1"],
            "",
            "*--fakegallery-config sets up the in-process server*",
        ),
    ],
)
def test_config_option_mistakes_are_usage_errors(
    pytester: pytest.Pytester, args: list[str], ini: str, message: str
) -> None:
    if ini:
        pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makepyfile("def test_x():\n    pass\n")
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_bad_session_config_one_clear_error(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture(scope="session")
        def fakegallery_config():
            return {"FROZEN_TIME": "yesterday"}
        """
    )
    pytester.makepyfile("def test_x(fakegallery):\n    pass\n")
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*fakegallery: bad session settings: FROZEN_TIME: 'yesterday' is not an"
            " RFC3339*"
        ]
    )


# --- two conftests, one server --------------------------------------------------------


def test_two_conftests_with_different_configs_clear_error(
    pytester: pytest.Pytester,
) -> None:
    for folder, limit in (("a", 3), ("b", 9)):
        pytester.mkpydir(folder)
        pytester.makepyfile(
            **{
                f"{folder}/conftest": f"""
                import pytest

                @pytest.fixture(scope="session")
                def fakegallery_config():
                    return {{"MAX_ITEM_LIMIT": {limit}}}
                """,
                f"{folder}/test_{folder}": f"""
                def test_limit(fakegallery):
                    assert fakegallery.fake.settings.max_item_limit == {limit}
                """,
            }
        )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*fakegallery: this test's fakegallery_config {'MAX_ITEM_LIMIT': 9} "
            "differs from {'MAX_ITEM_LIMIT': 3}, which the session's server was "
            "started with*"
        ]
    )


def test_same_config_in_two_conftests_is_fine(pytester: pytest.Pytester) -> None:
    for folder in ("a", "b"):
        pytester.mkpydir(folder)
        pytester.makepyfile(
            **{
                f"{folder}/conftest": """
                import pytest

                @pytest.fixture(scope="session")
                def fakegallery_config():
                    return {"SEED": 4}
                """,
                f"{folder}/test_{folder}": "def test_x(fakegallery):\n    pass\n",
            }
        )
    pytester.runpytest().assert_outcomes(passed=2)


def test_second_server_factory_as_documented(pytester: pytest.Pytester) -> None:
    """docs/testing.md, 'A second server': FakeGalleryServer + GallerySite."""
    pytester.makeconftest(
        """
        import pytest
        from fakegallery import GallerySite, create_app
        from fakegallery.testing.server import FakeGalleryServer

        @pytest.fixture(scope="session")
        def strict_server():
            app = create_app({"AUTH": "strict", "API_KEYS": {"admin": {}}})
            with FakeGalleryServer(app) as server:
                yield server

        @pytest.fixture
        def strict_site(strict_server):
            site = GallerySite(strict_server, api_key="admin")
            yield site
            site.close()
        """
    )
    pytester.makepyfile(
        """
        def test_both(fakegallery, strict_site):
            assert fakegallery.url != strict_site.url
            assert strict_site.fake.settings.auth == "strict"
            url = strict_site.api_url + "/galleries"
            assert strict_site.client.get(url).status_code == 200
            refused = strict_site.client.get(url, headers={"Authorization": "x"})
            assert refused.status_code == 401
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


# --- per-test settings through the marker -------------------------------------------


def test_marker_settings_this_test_only(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        ORDER_TEST
        + """
import pytest

@pytest.mark.fakegallery(settings={"ITEM_SORT_DESC": True})
def test_a_descending(fakegallery):
    assert make(fakegallery) == [3, 2, 1]

def test_b_default_again(fakegallery):
    assert make(fakegallery) == [1, 2, 3]

@pytest.mark.fakegallery(settings={"STRICT_MEDIA": "yes", "MAX_ITEM_LIMIT": 2})
def test_c_strict_media(fakegallery):
    info = {"id": "11062b_a~mv2.jpg", "width": 1, "height": 1}
    image = {"image": {"imageInfo": info}}
    url = fakegallery.api_url + "/galleries"
    refused = fakegallery.client.post(url, json={"gallery": {"items": [image]}})
    assert refused.status_code == 400

@pytest.mark.fakegallery(settings={"AUTH": "strict"})
def test_d_app_wide_key(fakegallery):
    pass

@pytest.mark.fakegallery(settings={"ITEM_SORT_DSC": True})
def test_e_typo(fakegallery):
    pass
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=3, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*@pytest.mark.fakegallery: AUTH is app-wide, not per site*",
            "*@pytest.mark.fakegallery: unknown setting ITEM_SORT_DSC; did you mean "
            "ITEM_SORT_DESC?",
        ],
        consecutive=False,
    )


def test_marker_bad_fixture_one_line(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.fakegallery(fixtures=["no-such-fixture"])
        def test_x(fakegallery):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*@pytest.mark.fakegallery: no-such-fixture: no such fixture file or name*"]
    )
    assert "Traceback" not in result.stdout.str()


# --- the marker's api_key against the server's auth ---------------------------------

KEYS = {
    "reader": {"permissions": ["PRO_GALLERY.READ"]},
    "site-key": {"siteId": "5a1e0c7d-3333-4222-8333-944455566677"},
}


@pytest.mark.parametrize(
    ("auth", "keys", "outcome", "message"),
    [
        (
            "strict",
            KEYS,
            "error",
            "*api_key 'nobody' is not declared in API_KEYS, so strict*",
        ),
        (
            "open",
            KEYS,
            "error",
            "*api_key 'nobody' is not declared in API_KEYS (declared: reader, "
            "site-key); under open auth it would get full rights*",
        ),
        ("open", {}, "passed", ""),
        ("off", KEYS, "passed", ""),
    ],
)
def test_marker_api_key_undeclared(
    pytester: pytest.Pytester,
    auth: str,
    keys: dict[str, object],
    outcome: str,
    message: str,
) -> None:
    pytester.makeconftest(
        f"""
        import pytest

        @pytest.fixture(scope="session")
        def fakegallery_config():
            return {{"AUTH": "{auth}", "API_KEYS": {keys!r}}}
        """
    )
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.fakegallery(api_key="nobody")
        def test_x(fakegallery):
            assert fakegallery.headers["Authorization"] == "nobody"
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(**{"errors" if outcome == "error" else "passed": 1})
    if message:
        result.stdout.fnmatch_lines([message])


def test_marker_api_key_declared_keys_keep_their_rights_and_site(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(
        f"""
        import pytest

        @pytest.fixture(scope="session")
        def fakegallery_config():
            return {{"AUTH": "strict", "API_KEYS": {KEYS!r}}}
        """
    )
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.fakegallery(api_key="reader")
        def test_reader(fakegallery):
            url = fakegallery.api_url + "/galleries"
            assert fakegallery.client.get(url).status_code == 200
            assert fakegallery.client.post(url, json={}).status_code == 403

        @pytest.mark.fakegallery(api_key="site-key")
        def test_bound_key_uses_its_site(fakegallery):
            assert fakegallery.site_id == "5a1e0c7d-3333-4222-8333-944455566677"
            made = fakegallery.client.post(fakegallery.api_url + "/galleries", json={})
            assert made.status_code == 200

        OTHER = "5a1e0c7d-4444-4222-8333-944455566677"

        @pytest.mark.fakegallery(api_key="site-key", site_id=OTHER)
        def test_bound_key_other_site(fakegallery):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*api_key 'site-key' belongs to site *"])


# --- a test that failed by itself still shows what the fake raised -----------------


def test_failed_test_report_has_the_server_side_exception(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        from fakegallery.gallery.api import GalleryApi

        def explode(*args):
            raise LookupError("deep inside the fake")

        def test_fails_by_itself(fakegallery, monkeypatch):
            monkeypatch.setattr(GalleryApi, "list_galleries", explode)
            response = fakegallery.client.get(fakegallery.api_url + "/galleries")
            assert response.json()["galleries"] == []  # KeyError: a 500 body

        def test_next_is_clean(fakegallery):
            assert fakegallery.client.get(fakegallery.api_url + "/galleries").ok
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        [
            "*- fakegallery: server-side exceptions -*",
            "*LookupError: deep inside the fake",
        ],
        consecutive=False,
    )
