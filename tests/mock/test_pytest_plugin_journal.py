"""The request journal through the pytest plugin: the tests page's example, the near-miss report, per-test emptying."""

from __future__ import annotations

import re

import pytest

from tests.docs.pages import section
from tests.mock.plugin_projects import SMALL, project

pytest_plugins = ["pytester"]

WRONG = '"limit": 50}, times=1)'


@pytest.fixture(autouse=True)
def _autoload(monkeypatch: pytest.MonkeyPatch) -> None:
    """Entry-point plugins are what is under test: make sure pytest loads them."""
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)


def journal_section() -> str:
    return section("docs/tests.md", "Check which requests your code made")


def readme_example() -> str:
    (example,) = re.findall(r"```python\n(.*?)```", journal_section(), re.DOTALL)
    return str(example)


def test_the_readme_example_passes(pytester: pytest.Pytester) -> None:
    example = readme_example()
    assert "flexportal_mock.assert_requested(" in example
    project(pytester, test_readme_journal=example)
    pytester.runpytest().assert_outcomes(passed=len(re.findall(r"^def test_", example, re.MULTILINE)))


def test_a_wrong_expectation_fails_with_the_near_miss_report_the_readme_shows(pytester: pytest.Pytester) -> None:
    example = readme_example()
    assert '"limit": 100}, times=1)' in example
    project(pytester, test_readme_journal=example.replace('"limit": 100}, times=1)', WRONG))
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    (report,) = re.findall(r"```text\n(.*?)```", journal_section(), re.DOTALL)
    lines = report.strip().splitlines()
    assert "limit: expected 50, got 100" in report
    result.stdout.fnmatch_lines([f"E*{line.strip()}" for line in lines], consecutive=True)


JOURNAL_TESTS = r"""
import asyncio
import datetime
import httpx
import pytest

def test_a_asks(flexportal_mock):
    httpx.get(flexportal_mock.url("/v1/customers"), params={"limit": 5}, headers=flexportal_mock.headers)
    flexportal_mock.reset()
    (request,) = flexportal_mock.requests()
    assert request.param("limit") == "5" and request.tenant == "acme"
    assert flexportal_mock.requests(since=request.time, until=request.time) == [request]
    assert flexportal_mock.requests(since=request.time + datetime.timedelta(microseconds=1)) == []

def test_b_starts_empty(flexportal_mock):
    assert flexportal_mock.requests() == []
    httpx.get(flexportal_mock.url("/v1/customers/nope"), headers=flexportal_mock.headers)
    flexportal_mock.assert_requested("GET", "/v1/customers/*", times=1)
    flexportal_mock.clear_requests()
    flexportal_mock.assert_requested(times=0)

def test_c_in_process(flexportal_client, flexportal_requests):
    assert flexportal_requests.requests() == []

    async def ask():
        async with flexportal_client as client:
            await client.get("/v1/customers", params={"status": "active", "limit": 2})

    asyncio.run(ask())
    (request,) = flexportal_requests.assert_requested(params={"status": "active"})
    assert request.status == 200
    with pytest.raises(AssertionError, match="missing param sortBy"):
        flexportal_requests.assert_requested(params={"status": "active", "sortBy": "email"})

def test_d_in_process_starts_empty(flexportal_app, flexportal_requests):
    flexportal_requests.assert_requested(times=0)

def test_e_writes_are_journaled_with_their_body(flexportal_mock):
    record = flexportal_mock.records()[0]
    url = flexportal_mock.url(f"/v1/customers/{record['customerId']}")
    httpx.patch(url, json={"lastName": "Renamed"}, headers=flexportal_mock.headers).raise_for_status()
    (write,) = flexportal_mock.assert_requested("PATCH", times=1)
    assert write.body == b'{"lastName":"Renamed"}' and write.status == 200

@pytest.mark.flexportal(journal_size=0)
def test_f_off(flexportal_mock):
    with pytest.raises(RuntimeError, match="keeps no request journal"):
        flexportal_mock.requests()

@pytest.mark.flexportal(journal_size=2)
def test_g_dropped(flexportal_mock):
    for limit in (1, 2, 3):
        httpx.get(flexportal_mock.url("/v1/customers"), params={"limit": limit}, headers=flexportal_mock.headers)
    with pytest.raises(AssertionError, match="1 older requests were dropped"):
        flexportal_mock.assert_requested(params={"limit": 1})
"""


def test_the_journal_starts_empty_in_each_test_served_or_in_process(pytester: pytest.Pytester) -> None:
    project(pytester, SMALL, test_journal=JOURNAL_TESTS)
    pytester.runpytest().assert_outcomes(passed=7)


def test_the_journal_size_is_an_ini_option(pytester: pytest.Pytester) -> None:
    tests = r"""
import httpx

def test_size(flexportal_mock):
    for limit in (1, 2):
        httpx.get(flexportal_mock.url("/v1/customers"), params={"limit": limit}, headers=flexportal_mock.headers)
    assert [request.param("limit") for request in flexportal_mock.requests()] == ["2"]
"""
    project(pytester, SMALL + "flexportal_journal_size = 1\n", test_size=tests)
    pytester.runpytest().assert_outcomes(passed=1)
