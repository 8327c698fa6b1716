"""Keyset cursors keep a traversal correct when the data changes between two pages."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from mockserver import Settings
from mockserver.dataset import dataset_records
from mockserver.storage.fixturefile import dump_fixtures
from tests.helpers import HEADERS, client_for, traverse
from tests.listmodel import expected_ids

PARAMS = {"sortBy": "lastName", "sortOrder": "asc", "limit": "20"}

SECRET = b"one key for both servers"


def changed_copy(records: list[dict[str, Any]], first_page: set[str]) -> list[dict[str, Any]]:
    """Remove customers on and after the first page, add new ones, and move some in the order."""
    changed = copy.deepcopy(records)
    ordered = expected_ids(records, PARAMS)
    removed = {ordered[3], ordered[19], ordered[20], ordered[57], ordered[-1]}
    changed = [r for r in changed if r["customerId"] not in removed]
    for index, name in enumerate(["Aaron-new", "Mmm-new", "zzz-new"]):
        newcomer = copy.deepcopy(changed[index])
        newcomer.update(customerId=f"cus_new{index}", email=f"new{index}@example.com", lastName=name)
        changed.append(newcomer)
    moved = [r for r in changed if r["customerId"] in first_page][:2] + [changed[100]]
    for record in moved:
        record["lastName"] = "Zzz-moved-later"
    return changed


def test_a_traversal_across_a_data_change_neither_repeats_nor_skips(tmp_path: Path) -> None:
    settings = Settings(seed=11, customers=150, tenants=("acme",), cursor_secret=SECRET)
    before = dataset_records(settings)["acme"]
    with client_for(settings) as client:
        first = client.get("/v1/customers", params=PARAMS, headers=HEADERS).json()
    first_ids = [c["customerId"] for c in first["customers"]]

    after = changed_copy(before, set(first_ids))
    fixture = tmp_path / "changed.json"
    fixture.write_bytes(dump_fixtures({"acme": after}))
    # The same cursor key: as if the server's data had changed under the client.
    with client_for(Settings(seed=11, fixtures=fixture, cursor_secret=SECRET)) as changed_server:
        rest = [
            c["customerId"]
            for page in traverse(changed_server, {**PARAMS, "startAfter": first["nextCursor"]})
            for c in page["customers"]
        ]

    seen = first_ids + rest
    unchanged = {r["customerId"] for r in after if r in before}
    assert all(seen.count(customer_id) == 1 for customer_id in unchanged), "an unchanged customer came twice"
    assert unchanged <= set(seen), "a customer present and unchanged throughout was skipped"
    # A customer moved from the first page to later in the order is met again, as the spec allows.
    moved_back = {r["customerId"] for r in after if r["lastName"] == "Zzz-moved-later"} & set(first_ids)
    assert len(moved_back) == 2 and all(seen.count(customer_id) == 2 for customer_id in moved_back)
    last_key = (first["customers"][-1]["lastName"], first_ids[-1])
    expected_rest = [
        customer_id
        for customer_id in expected_ids(after, PARAMS)
        if next((r["lastName"], r["customerId"]) for r in after if r["customerId"] == customer_id) > last_key
    ]
    assert rest == expected_rest
    assert "cus_new0" not in rest and "cus_new1" in rest and "cus_new2" in rest
