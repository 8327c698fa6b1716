"""The contract kit proven on PostgreSQL: a correct deployment passes in every collation, its bugs are caught by name.

The deployment is `tests/reference` (Starlette over psycopg 3, keyset pagination in SQL) on a
private cluster, its text columns in `C`, glibc's `en_US.utf8` or ICU's `und-x-icu` and
`en-US-x-icu` (or the names in `en_US.utf8` or `en-US-x-icu` and the ids in `C`, binary, as
many teams declare ids), served by uvicorn on a free port. Every check is a run of `python -m
contract_tests --base-url ...`, as a user would start it, two at a time. Only the `C` run
includes Schemathesis' conformance checks, which do not depend on the collation, and writes
(`--allow-writes`, on a copy of the data of its own); the other correct runs leave them out, the
`any` runs keep the properties that compare orders, the `en-US-x-icu` run the one that judges the
collation, and each broken deployment is checked with the property meant for it.
"""

from __future__ import annotations

import re
import secrets
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from contract_tests.run.target import serve_in_thread
from tests.helpers import missing_here
from tests.kit.runs import SECRET, KitRun, run_kit
from tests.postgres import Cluster, private_cluster, unavailable
from tests.reference import Deployment, create_app
from tests.reference.database import create_tables, load
from tests.reference.dataset import export
from tests.reference.postgres_store import PostgresStore

pytestmark = pytest.mark.slow(seconds=85)

TENANTS: Final = ("acme", "globex")
SCHEMAS: Final = {
    "C": "text_c",
    "en_US.utf8": "text_en_us",
    "und-x-icu": "text_icu_und",
    "en-US-x-icu": "text_icu_en_us",
    # Names in a linguistic collation, ids in C.
    "en_US.utf8/C": "names_en_us_ids_c",
    "en-US-x-icu/C": "names_icu_en_us_ids_c",
}
WITHOUT_CONFORMANCE: Final = "not test_schema_conformance"
ORDER_PROPERTIES: Final = "test_order or test_limit_invariance or test_partition or test_direction"
# A correct run proves no false alarm once every property has walked its whole enumeration (every
# sort order, filter value and pair): the smallest budgets at which it does, with some room, for
# every property with writes (at 600, test_direction's last sort order is left out), all but
# Schemathesis', the four that compare orders, and test_order alone. `KitRun.assert_passed` holds each correct
# run to it (the summary names what a budget left out).
ALL_WALKED: Final = 700
WITHOUT_CONFORMANCE_WALKED: Final = 600
ORDER_WALKED: Final = 300
TEST_ORDER_WALKED: Final = 100


@dataclass(frozen=True)
class Run:
    """One kit run: the deployment (collation of its text, bugs), the kit's collation and what it selects.

    `collation` is the text's, or `names/ids` when the customer id has one of its own;
    `kit_id_collation` is the kit's `--id-collation`, if given.
    """

    collation: str
    kit_collation: str
    select: str | None = None
    flags: Mapping[str, Any] = field(default_factory=dict)
    writes: bool = False
    max_requests: int | None = None
    kit_id_collation: str | None = None

    def kit_args(self) -> list[str]:
        args = ["--string-collation", self.kit_collation]
        if self.kit_id_collation is not None:
            args += ["--id-collation", self.kit_id_collation]
        if self.max_requests is not None:
            args += ["--max-requests", str(self.max_requests)]
        if self.select is not None:
            args += ["-k", self.select]
        if self.writes:
            args.append("--allow-writes")
        return args


CORRECT: Final = {
    # Every property, Schemathesis' conformance and, through Update Customer, pagination under writes.
    "C": Run("C", "codepoint", writes=True, max_requests=ALL_WALKED),
    "en_US.utf8": Run("en_US.utf8", "libc:en_US.UTF-8", WITHOUT_CONFORMANCE, max_requests=WITHOUT_CONFORMANCE_WALKED),
    "und-x-icu": Run("und-x-icu", "icu:und", WITHOUT_CONFORMANCE, max_requests=WITHOUT_CONFORMANCE_WALKED),
    # ICU's en-US is its root order untailored (CLDR has no English rules); test_order judges the collation.
    "en-US-x-icu": Run("en-US-x-icu", "icu:en-US", "test_order", max_requests=TEST_ORDER_WALKED),
}
ANY: Final = {
    collation: Run(collation, "any", ORDER_PROPERTIES, max_requests=ORDER_WALKED)
    for collation in ("C", "en_US.utf8", "und-x-icu", "en_US.utf8/C", "en-US-x-icu/C")
}
# Names and ids each in their own collation, each named by its own flag.
SPLIT: Final = {
    name: Run(name, names, "test_order", kit_id_collation="codepoint", max_requests=TEST_ORDER_WALKED)
    for name, names in (("en_US.utf8/C", "libc:en_US.UTF-8"), ("en-US-x-icu/C", "icu:en-US"))
}
# A wrong collation is caught, and its hint found, within what walks test_order's enumeration.
MISMATCH: Final = Run("en_US.utf8", "codepoint", "test_order", max_requests=TEST_ORDER_WALKED)
# ICU names, C ids, checked as code point: the hint must name ICU for the names alone.
SPLIT_MISMATCH: Final = Run("en-US-x-icu/C", "codepoint", "test_order", max_requests=TEST_ORDER_WALKED)
# Each broken deployment, checked with the one property that must fail for it, within the
# smallest budget the kit documents (a failure's shrinking stops at its share of it).
CAUGHT_BY: Final = {
    name: Run("C", "codepoint", prop, flags, writes=prop == "test_pagination_under_change", max_requests=300)
    for name, prop, flags in (
        ("keyset WHERE without the tie-breaker", "test_limit_invariance", {"keyset_tie_breaker": False}),
        ("ILIKE prefix email filter", "test_email_lookup", {"email_match": "ilike-prefix"}),
        ("cursor signature never checked", "test_cursor_forgery", {"cursors": "unverified"}),
        ("OFFSET cursors", "test_pagination_under_change", {"cursors": "offset"}),
    )
}
# What the property's failure says of each bug.
SYMPTOMS: Final = {
    "keyset WHERE without the tie-breaker": "the traversals do not hold the same customers",
    "ILIKE prefix email filter": "listed a customer whose email does not match it",
    "cursor signature never checked": "a forged cursor",
    "OFFSET cursors": "a traversal under writes",
}


PLANNED: Final = {
    **{f"correct {name}": run for name, run in CORRECT.items()},
    **{f"any {name}": run for name, run in ANY.items()},
    **{f"split {name}": run for name, run in SPLIT.items()},
    "mismatch": MISMATCH,
    "split mismatch": SPLIT_MISMATCH,
    **CAUGHT_BY,
}


def schema_of(name: str) -> str:
    """The schema run `name` reads: its collation's, or a copy of its own when it writes."""
    run = PLANNED[name]
    if not run.writes:
        return SCHEMAS[run.collation]
    return "writes_" + "".join(char if char.isalnum() else "_" for char in name.lower())


@pytest.fixture(scope="module")
def reference_database(postgres_cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database holding the mock's exported dataset once per collation and per writing run; its DSN."""
    with psycopg.connect(postgres_cluster.dsn(), autocommit=True) as connection:
        connection.execute("CREATE DATABASE reference")
    dsn = postgres_cluster.dsn("reference")
    data = export(tmp_path_factory.mktemp("dataset"), tenants=TENANTS, customers=200, seed=11)
    schemas = {schema_of(name): run.collation for name, run in PLANNED.items()}
    with psycopg.connect(dsn, autocommit=True) as connection:
        for schema, collations in schemas.items():
            names, _, ids = collations.partition("/")
            create_tables(connection, schema, names, ids or None)
            load(connection, schema, data)
    return dsn


def check(dsn: str, report: Path, run: Run, schema: str) -> KitRun:
    """Serve the reference deployment over `schema` and run the kit against it by URL."""
    deployment = Deployment(
        schema=schema, api_keys=frozenset({SECRET}), cursor_secret=secrets.token_bytes(32), **run.flags
    )
    pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(dsn, min_size=1, max_size=4, open=False)
    with pool, serve_in_thread(create_app(deployment, PostgresStore(deployment, pool))) as base_url:
        return run_kit(
            report, "--base-url", base_url, "--tenant", TENANTS[0], "--other-tenant", TENANTS[1], *run.kit_args()
        )


@pytest.fixture(scope="module")
def runs(reference_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Future[KitRun]]]:
    folder = tmp_path_factory.mktemp("kit-postgres")
    with ThreadPoolExecutor(max_workers=2) as pool:
        yield {
            name: pool.submit(
                check, reference_database, folder / f"{schema_of(name)}-{index}.xml", run, schema_of(name)
            )
            for index, (name, run) in enumerate(PLANNED.items())
        }


def _skipped(run: KitRun) -> set[str]:
    cases = ET.fromstring(run.junit).iter("testcase")
    return {case.get("name", "") for case in cases if case.find("skipped") is not None}


def _failure(run: KitRun, name: str) -> str:
    """What the JUnit report says of the failed test `name`: its message and its details."""
    for case in ET.fromstring(run.junit).iter("testcase"):
        failure = case.find("failure")
        if case.get("name") == name and failure is not None:
            return f"{failure.get('message', '')}\n{failure.text or ''}"
    raise AssertionError(f"{name} did not fail")


@pytest.mark.parametrize("collation", sorted(CORRECT))
def test_a_correct_deployment_passes_given_its_collation(runs: dict[str, Future[KitRun]], collation: str) -> None:
    runs[f"correct {collation}"].result().assert_passed()


@pytest.mark.parametrize("collation", sorted(ANY))
def test_a_correct_deployment_passes_any_collation(runs: dict[str, Future[KitRun]], collation: str) -> None:
    runs[f"any {collation}"].result().assert_passed()


def test_a_mismatching_collation_fails_test_order_and_names_the_one_that_fits(
    runs: dict[str, Future[KitRun]],
) -> None:
    run = runs["mismatch"].result()
    assert run.returncode == 1, run.output[-3000:]
    assert run.failed_tests() == {"test_order"}, run.output[-3000:]
    # Shrunk to names or to ties of ids (in en_US too), the hint names glibc's en_US for that field.
    assert re.search(r"--(string|id)-collation libc:en_US\.UTF-8", _failure(run, "test_order")), run.output[-3000:]


@pytest.mark.parametrize("collations", sorted(SPLIT))
def test_names_and_ids_in_their_own_collations_pass_given_each(
    runs: dict[str, Future[KitRun]], collations: str
) -> None:
    runs[f"split {collations}"].result().assert_passed()


def test_the_hint_names_the_names_collation_apart_from_the_ids(runs: dict[str, Future[KitRun]]) -> None:
    """ICU names, binary ids, checked as code point: the names' hint is ICU's, the ids' (if any) binary."""
    run = runs["split mismatch"].result()
    assert run.returncode == 1, run.output[-3000:]
    assert run.failed_tests() == {"test_order"}, run.output[-3000:]
    hints = [line for line in _failure(run, "test_order").splitlines() if "order is what --" in line]
    names = [line for line in hints if "--string-collation" in line]
    assert names and all("icu:en-US" in line for line in names), run.output[-3000:]
    ids = [line for line in hints if "--id-collation" in line]
    assert all("codepoint" in line and "icu:" not in line for line in ids), run.output[-3000:]


def test_keyset_cursors_hold_under_writes(runs: dict[str, Future[KitRun]]) -> None:
    """The correct deployment passes the property that catches OFFSET cursors, through its own Update Customer."""
    run = runs["correct C"].result()
    run.assert_passed()
    assert "test_pagination_under_change" not in _skipped(run), run.output[-3000:]


@pytest.mark.parametrize("bug", sorted(CAUGHT_BY))
def test_each_bug_is_caught_by_its_property(runs: dict[str, Future[KitRun]], bug: str) -> None:
    run = runs[bug].result()
    prop = CAUGHT_BY[bug].select
    assert run.returncode == 1, run.output[-3000:]
    assert run.failed_tests() == {prop}, run.output[-3000:]
    assert f"FAILED {prop}: " in run.output
    assert SYMPTOMS[bug] in _failure(run, str(prop)), run.output[-3000:]
    assert SECRET not in run.output and SECRET not in run.junit


def test_the_cluster_is_private_and_removed_at_the_end() -> None:
    """The fixture's cluster: owned by a non-root user, on loopback, password-protected, gone afterwards."""
    reason = unavailable()
    if reason is not None:
        missing_here(reason)
    with private_cluster() as cluster:
        with psycopg.connect(cluster.dsn()) as connection:
            row = connection.execute(
                "SELECT current_setting('data_directory'), current_setting('listen_addresses')"
            ).fetchone()
        assert row is not None
        data, listening = Path(row[0]), row[1]
        assert listening == "127.0.0.1"
        assert data.stat().st_uid != 0
        with pytest.raises(psycopg.OperationalError, match="password"):
            psycopg.connect(cluster.dsn().replace(cluster.password, "wrong"))
    assert not data.parent.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(cluster.dsn(), connect_timeout=2)


def test_without_postgresql_the_tests_skip_saying_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("tests.postgres.BINARIES", tmp_path)
    reason = unavailable()
    assert reason is not None and "apt-get install postgresql" in reason and str(tmp_path) in reason
