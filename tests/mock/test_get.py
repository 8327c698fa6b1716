"""Get Customer agrees with List Customers and stays within its tenant."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver import Settings
from mockserver.dataset import dataset_records
from tests.helpers import HEADERS, traverse
from tests.listmodel import PROFITABILITY, as_list_item


@pytest.fixture(scope="module")
def records(small_settings: Settings) -> list[dict[str, Any]]:
    return dataset_records(small_settings)["acme"]


def test_every_customer_agrees_with_its_list_item(client: TestClient, records: list[dict[str, Any]]) -> None:
    listed = {c["customerId"]: c for page in traverse(client, {"limit": 100}) for c in page["customers"]}
    assert len(listed) == len(records)
    for customer_id, item in listed.items():
        response = client.get(f"/v1/customers/{customer_id}", headers=HEADERS)
        assert response.status_code == 200
        detail = response.json()["customer"]
        assert as_list_item(detail) == item
        assert (
            {
                "lifetimeCollected",
                "totalAcquisitionCost",
                "customerMargin",
                "customerMarginPercent",
                "subscriptionsTracked",
            }
            <= set(detail)
            <= set(item) | PROFITABILITY
        )


def test_profitability_figures_are_consistent(client: TestClient, records: list[dict[str, Any]]) -> None:
    for record in records[:100]:
        detail = client.get(f"/v1/customers/{record['customerId']}", headers=HEADERS).json()["customer"]
        assert detail["customerMargin"] == pytest.approx(detail["lifetimeCollected"] - detail["totalAcquisitionCost"])
        if detail["lifetimeCollected"]:
            assert detail["customerMarginPercent"] == pytest.approx(
                detail["customerMargin"] / detail["lifetimeCollected"] * 100, abs=0.01
            )
        else:
            assert detail["customerMarginPercent"] is None
        assert detail["activeDevices"] == detail["totalDevicesRented"]
        assert detail["subscriptionsTracked"] == detail["devicesEver"] == len(detail["rentalIds"])


def test_another_tenants_customer_is_not_found(client: TestClient) -> None:
    globex_id = client.get("/v1/customers", headers={**HEADERS, "Tenant-ID": "globex"}).json()["customers"][0][
        "customerId"
    ]
    assert client.get(f"/v1/customers/{globex_id}", headers={**HEADERS, "Tenant-ID": "globex"}).status_code == 200
    response = client.get(f"/v1/customers/{globex_id}", headers=HEADERS)
    assert response.status_code == 404 and response.json()["error"]["code"] == "CUSTOMER_NOT_FOUND"
