"""Broken fixture files fail at load naming what is wrong, on the command line too.

An exported dataset loads again and serves identical bytes.
"""

from __future__ import annotations

import copy
import itertools
import json
import os
import re
import subprocess
import threading
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mockserver import Settings
from mockserver.dataset import dataset_records
from mockserver.domain.customer import CustomerChecker
from mockserver.storage.fixturefile import FixtureError, dump_fixtures, load_fixtures
from tests.helpers import client_for, headers, mock_command
from tests.mock.edge_cases import BY_ID, EDGE_FILE, EDGE_HEADERS, RAW, RECORDS, ROOT, TENANT, typed

# --- broken fixture files ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def checker() -> CustomerChecker:
    return CustomerChecker()


Breaker = Callable[[dict[str, Any]], None]
VALID = ["cus_Tie-D", "cus_inst:utc"]  # records 0 and 1 of every broken file; record 2 is the broken one
BROKEN_ID = "cus_tie-c"


def _delete(name: str) -> Breaker:
    return lambda record: record.pop(name)


def _set(**values: Any) -> Breaker:
    return lambda record: record.update(values)


RECORD_PROBLEMS: list[tuple[str, Breaker, str]] = [
    ("missing email", _delete("email"), "'email' is a required property"),
    ("missing createdAt", _delete("createdAt"), "'createdAt' is a required property"),
    ("wrong type", _set(totalOrders="2"), "totalOrders: '2' is not of type 'integer'"),
    ("bad timestamp", _set(updatedAt="yesterday"), "updatedAt: 'yesterday' is not a 'date-time'"),
    ("business without company", _delete("company"), "a business customer needs a company"),
    ("business with null company", _set(company=None), "a business customer needs a company"),
    ("individual with company", _set(customerType="individual"), "an individual customer has no company"),
    ("totalOrders != len(orderIds)", _set(totalOrders=3), "totalOrders is 3 but orderIds has 2 ids"),
    ("revenue without devices", _set(totalDevicesRented=0, activeDevices=0), "totalMonthlyRevenue must be 0"),
    ("more devices than rentals", _set(totalDevicesRented=3, activeDevices=3), "larger than the number of rentalIds"),
    # createdAt is lexically smaller than updatedAt but a later instant
    (
        "createdAt after updatedAt",
        _set(createdAt="2024-06-01T10:30:00.000Z", updatedAt="2024-06-01T12:00:00+02:00"),
        "createdAt is later than updatedAt",
    ),
    ("duplicate customerId", _set(customerId=VALID[0]), "customerId is used by an earlier record"),
    ("duplicate email by case", _set(email="ANNA.Schmidt@Example.com"), "is used by an earlier record"),
    ("tenantId mismatch", _set(tenantId="acme"), "tenantId is 'acme' but the record is listed under tenant 'edge'"),
    ("wrong margin", _set(customerMargin=0), "customerMargin is not lifetimeCollected - totalAcquisitionCost"),
    ("unknown field", _set(compnay="Typo GmbH"), "'compnay' is not a field of a customer"),
    (
        "unknown address field",
        lambda record: record["lastBillingAddress"].update(zip="12345"),
        "lastBillingAddress: 'zip' is not a field of an address",
    ),
    ("integer written as float", _set(totalOrders=2.0), "totalOrders: 2.0 is not of type 'integer'"),
    ("blank company", _set(company="   "), "company: '   ' does not match"),
    ("id of dots", _set(customerId=".."), "customerId: '..' does not match"),
]


def broken_file(directory: Path, breaker: Breaker, tenant: str = TENANT) -> tuple[Path, str]:
    """A fixture file of two valid records and a copy of cus_tie-c with one thing broken; its path and id."""
    broken = copy.deepcopy(BY_ID[BROKEN_ID])
    breaker(broken)
    records = [copy.deepcopy(BY_ID[customer_id]) for customer_id in VALID] + [broken]
    path = directory / "broken.json"
    path.write_text(json.dumps({"format": RAW["format"], "tenants": {tenant: records}}, ensure_ascii=False, indent=2))
    return path, broken["customerId"]


@pytest.mark.parametrize(
    ("breaker", "problem"), [case[1:] for case in RECORD_PROBLEMS], ids=[case[0] for case in RECORD_PROBLEMS]
)
def test_a_broken_record_fails_at_load_naming_file_tenant_record_and_problem(
    tmp_path: Path, checker: CustomerChecker, breaker: Breaker, problem: str
) -> None:
    """The FixtureError names the file, the tenant, the record index and customerId, and what is wrong."""
    path, customer_id = broken_file(tmp_path, breaker)
    with pytest.raises(FixtureError) as raised:
        load_fixtures(path, checker)
    message = str(raised.value)
    assert str(path) in message
    assert "'edge'" in message
    assert re.search(r"\brecord 2\b", message), message
    assert repr(customer_id) in message
    assert problem in message


def test_timestamps_may_use_lower_case_and_more_than_six_fraction_digits(
    tmp_path: Path, checker: CustomerChecker
) -> None:
    """RFC 3339 allows both; instants compare to the microsecond."""
    path, customer_id = broken_file(
        tmp_path, _set(createdAt="2020-01-01t00:00:00.1234567z", updatedAt="2020-01-01T00:00:00.1234569Z")
    )
    assert load_fixtures(path, checker)[TENANT][2]["customerId"] == customer_id


def test_the_copied_records_are_valid_on_their_own(tmp_path: Path, checker: CustomerChecker) -> None:
    """So each broken file above fails for the one thing broken in it."""
    path, _ = broken_file(tmp_path, lambda record: None)
    assert [r["customerId"] for r in load_fixtures(path, checker)[TENANT]] == [*VALID, BROKEN_ID]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b'{"format": "flexportal-mock-fixtures/1", "tenants": {"edge": [', "not valid JSON"),
        (b'{"format": "flexportal-mock-fixtures/2", "tenants": {}}', '"format": "flexportal-mock-fixtures/1"'),
        (b"[]", '"format": "flexportal-mock-fixtures/1"'),
        (b'{"format": "flexportal-mock-fixtures/1", "tenants": {}}', '"tenants" must map at least one tenant'),
        (b'{"format": "flexportal-mock-fixtures/1", "tenants": {"edge": {}}}', "tenant 'edge' must hold a list"),
    ],
    ids=["invalid JSON", "wrong format", "not an object", "no tenants", "tenant not a list"],
)
def test_a_broken_document_fails_at_load_naming_file_and_problem(
    tmp_path: Path, checker: CustomerChecker, content: bytes, problem: str
) -> None:
    """Problems of the document as a whole name the file and the problem."""
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    with pytest.raises(FixtureError) as raised:
        load_fixtures(path, checker)
    assert str(path) in str(raised.value)
    assert problem in str(raised.value)


def test_a_bad_tenant_id_fails_at_load(tmp_path: Path, checker: CustomerChecker) -> None:
    """A tenant key that is not a tenant identifier is refused, naming the file and the key."""
    path, _ = broken_file(tmp_path, lambda record: None, tenant="edge tenant!")
    with pytest.raises(FixtureError) as raised:
        load_fixtures(path, checker)
    assert str(path) in str(raised.value)
    assert "'edge tenant!' is not a tenant identifier" in str(raised.value)


def test_a_missing_file_fails_at_load(tmp_path: Path) -> None:
    """An unreadable path is a FixtureError naming it, not an OSError."""
    path = tmp_path / "absent.json"
    with pytest.raises(FixtureError, match="cannot read the fixture file") as raised:
        load_fixtures(path)
    assert str(path) in str(raised.value)


def test_a_repeated_tenant_key_fails_at_load(tmp_path: Path, checker: CustomerChecker) -> None:
    """A tenant listed twice would silently lose the first list's customers; it should be refused."""
    first, second = json.dumps(RECORDS[:2], ensure_ascii=False), json.dumps(RECORDS[2:3], ensure_ascii=False)
    path = tmp_path / "twice.json"
    path.write_text(f'{{"format": "{RAW["format"]}", "tenants": {{"edge": {first}, "edge": {second}}}}}')
    with pytest.raises(FixtureError, match="the key 'edge' appears twice in one object"):
        load_fixtures(path, checker)


@pytest.mark.parametrize(
    ("customer_id", "changes"),
    [
        ("cus_bare-minimum", {"customerMarginPercent": 12.5}),  # lifetimeCollected is 0
        ("cus_inst:plus2", {"costRecoveryPercent": 42.0}),  # totalAcquisitionCost is 0
        ("cus_tie-c", {"customerMarginPercent": None}),  # lifetimeCollected is 987.3
    ],
    ids=["margin% without collections", "recovery% without costs", "null margin% with collections"],
)
def test_a_percentage_contradicting_its_denominator_fails_at_load(
    tmp_path: Path, checker: CustomerChecker, customer_id: str, changes: dict[str, Any]
) -> None:
    """CustomerDetail: "the percentages are null when their denominator is zero" (and only then)."""
    record = {**copy.deepcopy(BY_ID[customer_id]), **changes}
    path = tmp_path / "percent.json"
    path.write_text(json.dumps({"format": RAW["format"], "tenants": {TENANT: [record]}}, ensure_ascii=False))
    with pytest.raises(FixtureError, match="must be null exactly when"):
        load_fixtures(path, checker)


def test_the_edge_file_survives_a_dump_and_reload(tmp_path: Path, checker: CustomerChecker) -> None:
    """What --export writes for the edge file loads back to the same records, ints and floats included."""
    path = tmp_path / "again.json"
    path.write_bytes(dump_fixtures(load_fixtures(EDGE_FILE, checker)))
    assert typed(load_fixtures(path, checker)) == typed({TENANT: RECORDS})


# --- the command line ----------------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if name != "FLEXPORTAL_MOCK_CURSOR_SECRET"}
    return subprocess.run(
        mock_command(*args),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def test_cli_refuses_a_broken_fixture_file_with_status_2_and_no_traceback(tmp_path: Path) -> None:
    """Starting on a broken file prints the file, record and problem on stderr and exits 2."""
    path, customer_id = broken_file(tmp_path, _set(totalDevicesRented=0, activeDevices=0))
    result = run_cli("--fixtures", str(path), "--port", "0")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert str(path) in result.stderr and "record 2" in result.stderr and repr(customer_id) in result.stderr
    assert "totalMonthlyRevenue must be 0 without rented devices" in result.stderr
    assert "listening" not in result.stdout


@pytest.mark.parametrize("extra", [["--tenant", "acme"], ["--customers", "5"]], ids=["tenant", "customers"])
def test_cli_refuses_fixtures_with_tenant_or_customers(extra: list[str]) -> None:
    """--fixtures decides tenants and customers, so combining it with --tenant or --customers is a usage error."""
    result = run_cli("--fixtures", str(EDGE_FILE), *extra, "--port", "0")
    assert result.returncode == 2
    assert "usage:" in result.stderr and "--fixtures" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_serves_the_edge_file() -> None:
    """The server starts on the edge file, announces the tenant and its size, and answers over HTTP."""
    command = mock_command("--fixtures", str(EDGE_FILE), "--port", "0", "--log-level", "error")
    with subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, encoding="utf-8"
    ) as process:
        watchdog = threading.Timer(60, process.kill)
        watchdog.start()
        try:
            assert process.stdout is not None
            banner = "".join(
                itertools.takewhile(
                    lambda line: line and not line.startswith("Try:"), iter(process.stdout.readline, "")
                )
            )
            assert f"tenants:  edge ({len(RECORDS)} customers)" in banner, banner
            port = re.search(r"listening on http://127\.0\.0\.1:(\d+)", banner)
            assert port, banner
            request = urllib.request.Request(f"http://127.0.0.1:{port[1]}/v1/customers/cus_emoji", headers=EDGE_HEADERS)
            with urllib.request.urlopen(request, timeout=30) as response:
                assert json.loads(response.read()) == {"customer": BY_ID["cus_emoji"]}
        finally:
            watchdog.cancel()
            process.terminate()
            process.wait(timeout=30)


# --- export round trip ---------------------------------------------------------------------------

EXPORT_SETTINGS = Settings(seed=3, customers=40, tenants=("t1",), cursor_secret=b"one key for both servers")
EXPORT_HEADERS = headers(tenant="t1")


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("export")
    paths = [directory / "first.json", directory / "second.json"]
    for path in paths:
        result = run_cli("--seed", "3", "--customers", "40", "--tenant", "t1", "--export", str(path))
        assert result.returncode == 0, result.stderr
    assert paths[0].read_bytes() == paths[1].read_bytes()
    return paths[0]


def test_export_is_stable_and_loads(exported: Path) -> None:
    """Exporting twice gives identical bytes (checked in the fixture), equal to the library's dump, and loads."""
    assert exported.read_bytes() == dump_fixtures(dataset_records(EXPORT_SETTINGS))
    loaded = load_fixtures(exported)
    assert list(loaded) == ["t1"] and len(loaded["t1"]) == 40
    assert loaded == dataset_records(EXPORT_SETTINGS)


def test_serving_an_export_gives_byte_identical_pages(exported: Path) -> None:
    """Same cursor key, same data: every page and cursor is the same bytes."""
    queries: list[dict[str, Any]] = [
        {},
        {"limit": 7, "sortBy": "lastName", "sortOrder": "asc"},
        {"limit": 5, "status": "inactive", "sortBy": "totalMonthlyRevenue"},
        {"limit": 3, "customerType": "business", "hasActiveRentals": "true", "sortBy": "email", "sortOrder": "desc"},
        {"limit": 9, "sortBy": "firstName", "sortOrder": "desc"},
    ]
    with (
        client_for(EXPORT_SETTINGS) as generated,
        client_for(Settings(seed=3, fixtures=exported, cursor_secret=EXPORT_SETTINGS.cursor_secret)) as served,
    ):
        first_ids: list[str] = []
        for params in queries:
            query = dict(params)
            for _ in range(100):
                expected = generated.get("/v1/customers", params=query, headers=EXPORT_HEADERS)
                got = served.get("/v1/customers", params=query, headers=EXPORT_HEADERS)
                assert expected.status_code == got.status_code == 200
                assert got.content == expected.content, query
                page = expected.json()
                first_ids.extend(c["customerId"] for c in page["customers"][:1])
                if not page["hasMore"]:
                    break
                query["startAfter"] = page["nextCursor"]
            else:
                pytest.fail(f"traversal of {params} did not end")
        for customer_id in first_ids[:10]:
            expected = generated.get(f"/v1/customers/{customer_id}", headers=EXPORT_HEADERS)
            got = served.get(f"/v1/customers/{customer_id}", headers=EXPORT_HEADERS)
            assert expected.status_code == got.status_code == 200
            assert got.content == expected.content
