"""The pytest plugin: every test starts from the seeded data, the in-process variant, and the README's example."""

from __future__ import annotations

import re
import tomllib

import pytest

from tests.mock.plugin_projects import ROOT, SMALL, project, readme_section

pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True)
def _autoload(monkeypatch: pytest.MonkeyPatch) -> None:
    """Entry-point plugins are what is under test: make sure pytest loads them."""
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)


RESET_TESTS = r"""
import httpx

NEW_EMAIL = "new.customer@example.com"

def get(mock, customer_id):
    return httpx.get(mock.url(f"/v1/customers/{customer_id}"), headers=mock.headers).json()["customer"]

def by_email(mock, email):
    return httpx.get(mock.url("/v1/customers"), params={"email": email}, headers=mock.headers).json()["count"]

def test_a_writes(flexportal_mock):
    record = flexportal_mock.records()[0]
    url = flexportal_mock.url(f"/v1/customers/{record['customerId']}")
    assert httpx.patch(url, json={"firstName": "Changed"}, headers=flexportal_mock.headers).status_code == 200
    order = httpx.post(flexportal_mock.url("/_mock/orders"), json={"email": NEW_EMAIL}, headers=flexportal_mock.headers)
    assert order.status_code == 201
    assert get(flexportal_mock, record["customerId"])["firstName"] == "Changed"
    assert by_email(flexportal_mock, NEW_EMAIL) == 1

def test_b_starts_from_the_seed(flexportal_mock):
    record = flexportal_mock.records()[0]
    assert get(flexportal_mock, record["customerId"]) == record and by_email(flexportal_mock, NEW_EMAIL) == 0

def test_c_reset_within_a_test(flexportal_mock):
    record = flexportal_mock.records()[1]
    url = flexportal_mock.url(f"/v1/customers/{record['customerId']}")
    httpx.patch(url, json={"lastName": "Changed"}, headers=flexportal_mock.headers).raise_for_status()
    flexportal_mock.reset()
    assert get(flexportal_mock, record["customerId"]) == record

def test_d_writes_again(flexportal_mock):
    order = httpx.post(flexportal_mock.url("/_mock/orders"), json={"email": NEW_EMAIL}, headers=flexportal_mock.headers)
    assert order.status_code == 201

def test_e_the_app_starts_from_the_seed_too(flexportal_app, flexportal_mock):
    assert flexportal_app is flexportal_mock.app
    assert by_email(flexportal_mock, NEW_EMAIL) == 0
"""


def test_every_test_starts_from_the_seeded_data(pytester: pytest.Pytester) -> None:
    project(pytester, SMALL, test_reset=RESET_TESTS)
    pytester.runpytest().assert_outcomes(passed=5)


IN_PROCESS_TESTS = r"""
import asyncio
import threading
import httpx
import pytest

NEW_EMAIL = "new.customer@example.com"

@pytest.fixture
def anyio_backend():
    return "asyncio"

@pytest.mark.anyio
async def test_client_pages(flexportal_client, flexportal_dataset):
    params = {"sortBy": "email", "sortOrder": "desc", "limit": 10}
    response = await flexportal_client.get("/v1/customers", params=params)
    expected = sorted(flexportal_dataset.records(), key=lambda r: (r["email"], r["customerId"]), reverse=True)[:10]
    assert [customer["customerId"] for customer in response.json()["customers"]] == [r["customerId"] for r in expected]
    assert flexportal_client.headers["Tenant-ID"] == "acme"

@pytest.mark.anyio
async def test_client_writes(flexportal_client):
    async with flexportal_client:
        response = await flexportal_client.post("/_mock/orders", json={"email": NEW_EMAIL})
    assert response.status_code == 201

def test_app_with_a_transport_of_ones_own(flexportal_app):
    async def count():
        transport = httpx.ASGITransport(app=flexportal_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
            headers = {"Authorization": "Bearer test-key", "Tenant-ID": "acme"}
            response = await client.get("/v1/customers", params={"email": NEW_EMAIL}, headers=headers)
            return response.json()["count"]

    assert asyncio.run(count()) == 0
    assert flexportal_app.state.tenant_sizes == {"acme": 40, "globex": 40}

def servers():
    return {thread for thread in threading.enumerate() if thread.name.startswith("flexportal-mock")}

# pytester runs this session inside the suite's own process, where a test of another file may be
# serving through the plugin's session fixture: only a server started after collection counts.
SERVING_BEFORE = servers()

def test_no_server_was_started():
    assert not servers() - SERVING_BEFORE
"""


def test_the_in_process_variant_serves_without_a_socket(pytester: pytest.Pytester) -> None:
    project(pytester, SMALL, test_in_process=IN_PROCESS_TESTS)
    pytester.runpytest().assert_outcomes(passed=4)


def test_the_readme_installs_what_its_example_needs() -> None:
    (line,) = re.findall(r"^pip install .*$", readme_section(), re.MULTILINE)
    extra = re.search(r"\[(\w+)\]", line)
    assert extra is not None, line
    project_table = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    required = " ".join(project_table["optional-dependencies"][extra[1]])
    assert "pytest" in required and "httpx" in required


def test_the_readme_names_every_fixture_and_option() -> None:
    text = readme_section()
    for name in (
        "flexportal_mock",
        "flexportal_app",
        "flexportal_client",
        "flexportal_dataset",
        "@pytest.mark.flexportal",
    ):
        assert f"`{name}" in text, name
    for option in ("seed", "customers", "tenants", "fixtures", "api_key"):
        assert f"`flexportal_{option}`" in text, option
    for field in (
        "base_url",
        "api_key",
        "tenant",
        "other_tenants",
        "headers",
        "url(path)",
        "records(tenant)",
        "reset()",
    ):
        assert f"`{field}`" in text, field


def test_the_readme_example_passes(pytester: pytest.Pytester) -> None:
    (example,) = re.findall(r"```python\n(.*?)```", readme_section(), re.DOTALL)
    project(pytester, test_readme_example=example)
    result = pytester.runpytest_subprocess(timeout=180)
    result.assert_outcomes(passed=len(re.findall(r"^def test_", example, re.MULTILINE)))
