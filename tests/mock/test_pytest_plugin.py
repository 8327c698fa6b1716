"""The pytest plugin: how it is installed, what its served mock gives a test, and how it is configured."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import textwrap
from importlib.metadata import entry_points

import pytest

from tests.mock.plugin_projects import ROOT, project, servers_running

pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True)
def _autoload(monkeypatch: pytest.MonkeyPatch) -> None:
    """Entry-point plugins are what is under test: make sure pytest loads them."""
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)


def test_installing_the_package_registers_the_plugin() -> None:
    (entry,) = [entry for entry in entry_points(group="pytest11") if entry.value == "mockserver.pytest_plugin"]
    assert entry.name == "flexportal_mock"


def test_importing_the_plugin_imports_nothing_heavy() -> None:
    code = "import sys, mockserver.pytest_plugin; print(*sorted(sys.modules))"
    loaded = set(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    )
    heavy = {"starlette", "uvicorn", "faker", "httpx", "orjson", "jsonschema", "yaml", "sqlite3"}
    heavy |= {
        f"mockserver.{name}"
        for name in ("app", "dataset", "generation.generator", "settings", "server.background", "cli")
    }
    assert "mockserver.pytest_plugin" in loaded
    assert not heavy & loaded


def test_a_run_that_uses_no_fixture_of_the_plugin_starts_and_imports_nothing(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import sys, threading

        def pytest_sessionfinish(session):
            mock = {"mockserver.app", "mockserver.dataset", "mockserver.server.background", "uvicorn"}
            mock &= set(sys.modules)
            threads = [thread.name for thread in threading.enumerate() if thread is not threading.main_thread()]
            loaded = session.config.pluginmanager.has_plugin("flexportal_mock")
            print(f"REPORT loaded={loaded} mock={sorted(mock)} threads={threads}")
        """
    )
    project(pytester, test_plain="def test_plain():\n    assert 1 + 1 == 2\n")
    result = pytester.runpytest_subprocess("-s", timeout=120)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*REPORT loaded=True mock=[[][]] threads=[[][]]*"])


def test_pytest_started_after_the_packages_were_imported_does_not_warn(pytester: pytest.Pytester) -> None:
    """As `python -m contract_tests` starts it, after a non-editable install.

    pytest marks for assert rewriting every package a plugin's distribution lists, and warns
    about those imported before it started. An editable install lists none, a wheel all; so the
    distribution is described here as a wheel would install it.
    """
    project(pytester, test_plain="def test_plain():\n    assert True\n")
    info = pytester.mkdir("site") / "flexportal_mock-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: flexportal-mock\nVersion: 0.1.0\n")
    (info / "entry_points.txt").write_text("[pytest11]\nflexportal_mock = mockserver.pytest_plugin\n")
    (info / "RECORD").write_text("mockserver/__init__.py,,\ncontract_tests/__init__.py,,\n")
    code = "import sys, mockserver, contract_tests, pytest; sys.exit(pytest.main(['-q', '-W', 'error']))"
    env = {**os.environ, "PYTHONPATH": str(pytester.path / "site")}
    result = subprocess.run([sys.executable, "-c", code], cwd=pytester.path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout + result.stderr


def test_fixtures_and_marker_are_documented_to_pytest(pytester: pytest.Pytester) -> None:
    project(pytester)
    fixtures = pytester.runpytest("--fixtures")
    for name in ("flexportal_mock", "flexportal_app", "flexportal_client", "flexportal_requests", "flexportal_dataset"):
        fixtures.stdout.fnmatch_lines([f"{name} -- *pytest_plugin.py*"])
    pytester.runpytest("--markers").stdout.fnmatch_lines(["@pytest.mark.flexportal(seed=, customers=, tenants=*"])
    help_text = pytester.runpytest("--help").stdout.str()
    for option in ("seed", "customers", "tenants", "fixtures", "api_key", "journal_size"):
        assert f"flexportal_{option} " in help_text


SERVED_TESTS = r"""
import re
import httpx

SERVED = []

def test_fields(flexportal_mock):
    mock = flexportal_mock
    SERVED.append(mock.base_url)
    print(f"SERVED {mock.base_url}")
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", mock.base_url)
    assert (mock.api_key, mock.tenant, mock.other_tenants) == ("test-key", "acme", ("globex",))
    assert mock.tenants == ("acme", "globex")
    assert mock.headers == {"Authorization": "Bearer test-key", "Tenant-ID": "acme"}
    assert mock.headers_for("globex")["Tenant-ID"] == "globex"
    assert mock.url("/healthz") == mock.url("healthz") == mock.base_url + "/healthz"
    assert mock.dataset.settings.seed == 7
    assert mock.dataset.tenants == mock.tenants
    assert httpx.get(mock.url("/healthz")).json()["tenants"] == {"acme": 300, "globex": 300}

def test_records_are_fresh_copies(flexportal_mock):
    records = flexportal_mock.records()
    assert len(records) == 300 and records == flexportal_mock.dataset.records("acme")
    records[0]["email"] = "changed@example.com"
    assert flexportal_mock.records()[0]["email"] != "changed@example.com"
    other = {record["customerId"] for record in flexportal_mock.records("globex")}
    assert other.isdisjoint(record["customerId"] for record in records)

def test_pages_hold_what_the_records_predict(flexportal_mock):
    active = [record for record in flexportal_mock.records() if record["status"] == "active"]
    expected = [record["customerId"] for record in sorted(active, key=lambda r: (r["email"], r["customerId"]))]
    seen, params = [], {"status": "active", "sortBy": "email", "sortOrder": "asc", "limit": 100}
    with httpx.Client(headers=flexportal_mock.headers) as client:
        while True:
            page = client.get(flexportal_mock.url("/v1/customers"), params=params).json()
            seen += [customer["customerId"] for customer in page["customers"]]
            if not page["hasMore"]:
                break
            params["startAfter"] = page["nextCursor"]
    assert len(expected) > 100 and seen == expected

def test_get_customer_answers_the_record(flexportal_mock):
    record = flexportal_mock.records("globex")[5]
    url = flexportal_mock.url(f"/v1/customers/{record['customerId']}")
    assert httpx.get(url, headers=flexportal_mock.headers_for("globex")).json() == {"customer": record}

def test_only_its_key_and_tenants_get_in(flexportal_mock):
    url = flexportal_mock.url("/v1/customers")
    assert httpx.get(url, headers={**flexportal_mock.headers, "Authorization": "Bearer nope"}).status_code == 401
    assert httpx.get(url, headers={**flexportal_mock.headers, "Tenant-ID": "initech"}).status_code == 403

def test_state_is_what_it_serves_and_reset_undoes_writes(flexportal_mock):
    import mockserver
    record = flexportal_mock.records()[0]
    url = flexportal_mock.url(f"/v1/customers/{record['customerId']}")
    httpx.patch(url, json={"lastName": "Renamed"}, headers=flexportal_mock.headers).raise_for_status()
    state = flexportal_mock.state()
    assert state is mockserver.served_state(flexportal_mock.app)
    assert state[flexportal_mock.tenant].record(record["customerId"])["lastName"] == "Renamed"
    flexportal_mock.reset()
    assert state[flexportal_mock.tenant].record(record["customerId"])["lastName"] == record["lastName"]
    assert isinstance(flexportal_mock.dataset, mockserver.Dataset)

def test_one_server_serves_the_whole_session(flexportal_mock):
    assert SERVED == [flexportal_mock.base_url]
"""


def test_the_served_mock_says_where_and_as_whom_and_answers_as_its_records_predict(pytester: pytest.Pytester) -> None:
    project(pytester, test_served=SERVED_TESTS)
    result = pytester.runpytest("-s")
    result.assert_outcomes(passed=7)
    (base_url,) = re.findall(r"SERVED (\S+)", result.stdout.str())
    assert not servers_running(), "the session's end stops its servers"
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", int(base_url.rsplit(":", 1)[1])), timeout=5).close()


CONFIGURED_TESTS = r"""
from pathlib import Path

import pytest
from mockserver import Settings
from mockserver.dataset import dataset_records
from mockserver.storage.fixturefile import load_fixtures

SERVED = {}

def test_ini_options(flexportal_mock):
    SERVED["ini"] = flexportal_mock.base_url
    assert (flexportal_mock.tenant, flexportal_mock.other_tenants) == ("north", ("south",))
    assert flexportal_mock.api_key == "ini-key" and flexportal_mock.headers["Authorization"] == "Bearer ini-key"
    expected = dataset_records(Settings(seed=3, customers=40, tenants=("north", "south")))
    assert flexportal_mock.records("south") == expected["south"]

@pytest.mark.flexportal(customers=10, tenants=["solo"])
def test_marker_overrides_what_it_names(flexportal_mock):
    SERVED["solo"] = flexportal_mock.base_url
    assert flexportal_mock.tenants == ("solo",) and len(flexportal_mock.records()) == 10
    assert flexportal_mock.dataset.settings.seed == 3 and flexportal_mock.api_key == "ini-key"

@pytest.mark.flexportal(seed=5, api_key="class-key")
class TestClassMarker:
    @pytest.mark.flexportal(customers=12)
    def test_closest_marker_wins_key_by_key(self, flexportal_mock):
        assert flexportal_mock.tenants == ("north", "south") and len(flexportal_mock.records("north")) == 12
        assert flexportal_mock.dataset.settings.seed == 5 and flexportal_mock.api_key == "class-key"

    @pytest.mark.flexportal(fixtures="data/edge-cases.json")
    def test_fixture_file_relative_to_the_test_file(self, flexportal_mock):
        assert flexportal_mock.tenants == ("edge",)
        assert flexportal_mock.records() == load_fixtures(Path(__file__).parent / "data" / "edge-cases.json")["edge"]

def test_same_configuration_same_server(flexportal_mock):
    assert flexportal_mock.base_url == SERVED["ini"] != SERVED["solo"]

@pytest.mark.flexportal(seed=3, customers=40)
def test_marker_naming_the_ini_values_is_the_same_configuration(flexportal_mock):
    assert flexportal_mock.base_url == SERVED["ini"]

def test_dataset_alone_starts_no_server(flexportal_dataset):
    assert flexportal_dataset.tenants == ("north", "south") and len(flexportal_dataset.records()) == 40
"""


def test_ini_options_and_markers_choose_what_is_served(pytester: pytest.Pytester) -> None:
    ini = "flexportal_seed = 3\nflexportal_customers = 40\nflexportal_tenants = north south\n"
    ini += "flexportal_api_key = ini-key\n"
    project(pytester, ini, test_configured=CONFIGURED_TESTS)
    (pytester.path / "data").mkdir()
    (pytester.path / "data" / "edge-cases.json").write_bytes((ROOT / "fixtures" / "edge-cases.json").read_bytes())
    pytester.runpytest().assert_outcomes(passed=7)


def test_the_ini_fixture_file_is_relative_to_the_ini_file(pytester: pytest.Pytester) -> None:
    project(pytester, "flexportal_fixtures = data/edge.json\n")
    (pytester.path / "data").mkdir()
    (pytester.path / "data" / "edge.json").write_bytes((ROOT / "fixtures" / "edge-cases.json").read_bytes())
    tests = pytester.mkdir("tests")
    (tests / "test_file.py").write_text(
        textwrap.dedent(
            """
            import pytest

            def test_the_ini_file(flexportal_dataset):
                assert flexportal_dataset.tenants == ("edge",)

            @pytest.mark.flexportal(tenants=["gen"], customers=5)
            def test_a_marker_that_generates_drops_the_ini_file(flexportal_dataset):
                assert flexportal_dataset.tenants == ("gen",) and len(flexportal_dataset.records()) == 5
            """
        )
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tests)
        pytester.runpytest().assert_outcomes(passed=2)


def test_a_wrong_configuration_fails_the_test_saying_what_is_wrong(pytester: pytest.Pytester) -> None:
    project(
        pytester,
        test_wrong="""
        import pytest

        @pytest.mark.flexportal(sed=3)
        def test_typo(flexportal_mock): pass

        @pytest.mark.flexportal(3)
        def test_positional(flexportal_mock): pass

        @pytest.mark.flexportal(tenants="acme")
        def test_tenants_not_a_list(flexportal_mock): pass

        @pytest.mark.flexportal(tenants=["no spaces"])
        def test_bad_tenant(flexportal_mock): pass

        @pytest.mark.flexportal(fixtures="x.json", tenants=["acme"])
        def test_file_and_tenants(flexportal_mock): pass

        @pytest.mark.flexportal(fixtures="missing.json")
        def test_missing_file(flexportal_dataset): pass

        @pytest.mark.flexportal(customers=-1)
        def test_negative(flexportal_app): pass
        """,
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=7)
    result.stdout.fnmatch_lines_random(
        [
            "*flexportal does not take sed; it takes seed, customers, tenants, fixtures, api_key, journal_size",
            "*@pytest.mark.flexportal takes keyword arguments only*",
            "*tenants takes a list of tenant ids*",
            "*the flexportal mock cannot be made: 'no spaces' is not a tenant identifier*",
            "*a fixture file brings its own tenants and customers; drop tenants",
            "*the flexportal fixture file */missing.json does not exist",
            "*the flexportal mock cannot be made: customers must be from 0 to*",
        ]
    )
    bad_ini = pytester.runpytest("-o", "flexportal_seed=abc", "-k", "test_missing_file")
    bad_ini.assert_outcomes(errors=1)
    bad_ini.stdout.fnmatch_lines(["*flexportal_seed*abc*"])
