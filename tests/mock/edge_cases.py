"""The edge-case fixture file and what the contract says it must serve.

Expectations come from the raw JSON (read with the standard library) through the suite's one
model of the list (`tests/listmodel.py`), never from `mockserver.domain.ordering`; the orders
written out by hand below hold that model to the contract's words.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from tests import listmodel
from tests.helpers import headers, traverse

ROOT = Path(__file__).resolve().parents[2]
EDGE_FILE = ROOT / "fixtures" / "edge-cases.json"
TENANT = "edge"
EDGE_HEADERS = headers(tenant=TENANT)

FILTERS: list[dict[str, str]] = [
    {"status": "active"},
    {"status": "inactive"},
    {"customerType": "individual"},
    {"customerType": "business"},
    {"hasActiveRentals": "true"},
    {"hasActiveRentals": "false"},
]

RAW: dict[str, Any] = json.loads(EDGE_FILE.read_text(encoding="utf-8"))
RECORDS: list[dict[str, Any]] = RAW["tenants"][TENANT]
BY_ID: dict[str, dict[str, Any]] = {record["customerId"]: record for record in RECORDS}
LONGEST_ID = "cus_longest-id-allowed:128-chars." + "0123456789" * 9 + "01234"

# The expected orders below are written out by hand from the contract's rules.
CREATED_AT_ASC = [
    "cus_bare-minimum",
    LONGEST_ID,
    "cus_import-no-orders",
    "A",
    "cus_all-null",
    "cus_RU-petrov",
    "cus_JP-sato",
    "cus_CN-wang",
    "cus_GR-papadopoulos",
    "cus_inst:minus5",
    "cus_inst:plus2",
    "cus_inst:utc",  # one instant, spelt -05:00 / +02:00 / Z
    "cus_AR-alali",
    "cus_kiribati",
    "cus_marquesas",  # +14:00 before -09:30 although lexically after it
    "cus_Tie-D",
    "cus_tie-B10",
    "cus_tie-B9",
    "cus_tie-c",  # identical createdAt: by customerId
    "cus_no-millis",
    "cus_millis-999",
    "cus_micros",  # ...00Z < ...00.999Z < ...00.999500Z
    "cus_offset-early",
    "cus_offset-late",
    "cus_offset-utc",
    "cus_offset-west",
    "cus_astral-alex",
    "cus_fullwidth",
    "cus_emoji",
    "cus_au",
    "cus_kelvin",
    "cus_sam",
]
FIRST_NAME_ASC = [
    "A",
    "cus_offset-late",
    "cus_Tie-D",
    "cus_inst:utc",
    "cus_tie-c",
    "cus_au",
    "cus_marquesas",
    LONGEST_ID,
    "cus_import-no-orders",
    "cus_tie-B10",
    "cus_kelvin",
    "cus_tie-B9",
    "cus_bare-minimum",
    "cus_all-null",
    "cus_inst:plus2",
    "cus_sam",
    "cus_emoji",
    "cus_kiribati",
    "cus_offset-utc",
    "cus_millis-999",
    "cus_micros",  # "Zoe" < "Zoe\u0308" (decomposed) < "Zoë" (U+00EB)
    "cus_inst:minus5",
    "cus_no-millis",  # "ann", "zoë": lower case after every upper case
    "cus_offset-early",
    "cus_offset-west",  # "Émile", "Łukasz"
    "cus_GR-papadopoulos",
    "cus_RU-petrov",
    "cus_AR-alali",
    "cus_JP-sato",
    "cus_CN-wang",
    "cus_fullwidth",
    "cus_astral-alex",  # U+FF2B before U+1D4D0 (UTF-16 would say the opposite)
]
LAST_NAME_ASC = [
    "cus_micros",
    "cus_offset-early",
    "cus_import-no-orders",
    "cus_no-millis",
    "cus_bare-minimum",
    "cus_Tie-D",
    "cus_tie-B10",
    "cus_tie-B9",  # "Müller" x 3
    "cus_all-null",
    "A",
    "cus_sam",
    "cus_kelvin",
    "cus_millis-999",  # "Null", "O", "O'Brien", "Okafor", "Okonkwo"
    "cus_tie-c",
    "cus_au",
    "cus_astral-alex",
    "cus_kiribati",
    "cus_marquesas",
    "cus_inst:plus2",
    LONGEST_ID,
    "cus_offset-utc",  # "Van Der Berg", "Wolfe...", "Zimmermann"
    "cus_inst:minus5",
    "cus_inst:utc",  # "lee", "van der Berg"
    "cus_offset-late",
    "cus_offset-west",
    "cus_GR-papadopoulos",
    "cus_RU-petrov",
    "cus_AR-alali",
    "cus_JP-sato",
    "cus_CN-wang",
    "cus_fullwidth",
    "cus_emoji",  # "Ｔａｎａｋａ" (U+FF34) before "😀" (U+1F600)
]


def expected_ids(sort_by: str, sort_order: str, filters: Mapping[str, str] | None = None) -> list[str]:
    """The edge tenant's ids a list query must show, in order, as the suite's one model gives them."""
    return listmodel.expected_ids(RECORDS, {"sortBy": sort_by, "sortOrder": sort_order, **(filters or {})})


def typed(value: Any) -> Any:
    """`value` with every scalar tagged by its JSON type, so 50 and 50.0 (or 0 and false) differ."""
    if isinstance(value, dict):
        return {name: typed(item) for name, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    return (type(value).__name__, value)


def traversal_ids(client: TestClient, params: Mapping[str, Any]) -> list[str]:
    ids: list[str] = []
    for page in traverse(client, params, headers=EDGE_HEADERS):
        assert page["count"] == len(page["customers"]) <= page["limit"]
        assert page["hasMore"] == (page["nextCursor"] is not None)
        ids.extend(customer["customerId"] for customer in page["customers"])
    return ids
