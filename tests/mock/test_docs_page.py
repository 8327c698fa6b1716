"""The offline docs page: everything it loads is served by the mock, and its console targets the mock."""

from __future__ import annotations

import os
import re

import pytest
from starlette.testclient import TestClient

from mockserver import Settings
from mockserver.domain.spec import load_spec
from tests.helpers import client_for


@pytest.fixture(scope="module")
def client() -> TestClient:
    return client_for(Settings(customers=1, tenants=("acme",)))


def test_docs_page_loads_only_what_the_mock_serves(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert not re.search(r"(?:https?:)?//", page.text), "no CDN or other outside URL in the page"
    references = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert "/docs/assets/swagger-ui-bundle.js" in references and "/docs/assets/swagger-ui.css" in references
    for reference in references:
        assert client.get(reference).status_code == 200, reference


def test_docs_script_reads_the_mock_copy_of_the_contract_offline(client: TestClient) -> None:
    script = client.get("/docs/init.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert '"/docs/openapi.json"' in script.text
    assert "validatorUrl: null" in script.text, "Swagger UI must not call its online validator"


def test_docs_contract_is_the_spec_pointed_at_this_mock(client: TestClient) -> None:
    served = client.get("/docs/openapi.json").json()
    spec = load_spec()
    assert served["servers"] == [{"url": "/", "description": "this mock server"}]
    assert {key: value for key, value in served.items() if key != "servers"} == {
        key: value for key, value in spec.items() if key != "servers"
    }


def test_a_missing_asset_is_a_404_in_the_envelope(client: TestClient) -> None:
    response = client.get("/docs/assets/no-such-file.js")
    assert response.status_code == 404 and response.json()["error"]["code"] == "NOT_FOUND"


def test_health_endpoint_needs_no_auth_and_names_the_tenants(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "tenants": {"acme": 1}, "worker": os.getpid()}
