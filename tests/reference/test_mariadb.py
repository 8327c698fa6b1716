"""The contract kit proven on MariaDB: names in MySQL's family of collations, ids binary, the kit's models checked.

The deployment is `tests/reference` over PyMySQL on a private MariaDB 10.11 server, its names
and emails in `utf8mb4_bin`, `utf8mb4_general_ci`, `utf8mb4_unicode_ci` or
`utf8mb4_uca1400_ai_ci` and its ids in `utf8mb4_bin`. Each is checked by a run of `python -m
contract_tests --base-url ...` with the matching flags and with `any`, two at a time; a keyset
without the tie-breaker is caught under `any`. The kit's models of those collations are then
held to the server itself: the order and the equalities of every string of the dataset and of
awkward ones, and `utf8mb4_general_ci`'s weight of every character of the Basic Multilingual Plane.
"""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cmp_to_key
from pathlib import Path
from typing import Any, Final

import pymysql
import pytest

from contract_tests.run.target import serve_in_thread
from contract_tests.spec.collations import collation
from contract_tests.spec.mysql import general_ci_weights
from tests.helpers import missing_here
from tests.kit.runs import SECRET, KitRun, run_kit
from tests.mariadb import Server, private_server, unavailable
from tests.reference import Deployment, create_app
from tests.reference.dataset import export
from tests.reference.mariadb_store import MariaDBStore, create_tables, load

pytestmark = pytest.mark.slow(seconds=50)

TENANTS: Final = ("acme", "globex")
COLLATIONS: Final = ("utf8mb4_bin", "utf8mb4_general_ci", "utf8mb4_unicode_ci", "utf8mb4_uca1400_ai_ci")
ORDER_PROPERTIES: Final = "test_order or test_limit_invariance or test_partition or test_direction"
# A correct run proves no false alarm once every property has walked its whole enumeration (every
# sort order, filter value and pair): the smallest budgets at which it does, with some room, for
# the four properties that compare orders and for test_order alone. `_passed` holds each run to it
# (the summary names what a budget left out).
ORDER_WALKED: Final = 300
TEST_ORDER_WALKED: Final = 100
# Strings no dataset need hold but every model must get right: case, accents, padding, letters
# of their own, expansions, characters beyond the BMP.
AWKWARD: Final = (
    *("Abel", "Ábel", "abel", "ABEL", "Abel ", "Abel\t", "Abelard", "Anna", "Anna ", "anna", "Ann", "Anna!"),
    *("O'Brien", "Obrien", "o'brien", "Straße", "Strasse", "STRASSE", "Strase", "Æsir", "Aesir", "Ølaf"),
    *("Olaf", "Łukasz", "Lukasz", "Đorđe", "Dorde", "ß", "ss", "s", "ı", "i", "İ", "I", "Ｔａｎａｋａ", "Tanaka"),
    *("\U0001d4d0lex", "Alex", "\U0001f600", "\U0001f601", "\u4e00", "王", "Zoë", "zoe", "Zoe", "a-b", "ab", "a b"),
)


@dataclass(frozen=True)
class Run:
    """One kit run: the names' collation, the kit's flags and what it selects, and the deployment's bugs."""

    names: str
    kit_collation: str
    select: str
    kit_id_collation: str | None = None
    flags: Mapping[str, Any] = field(default_factory=dict)
    max_requests: int | None = None

    def kit_args(self) -> list[str]:
        args = ["--string-collation", self.kit_collation, "-k", self.select]
        if self.kit_id_collation is not None:
            args += ["--id-collation", self.kit_id_collation]
        if self.max_requests is not None:
            args += ["--max-requests", str(self.max_requests)]
        return args


PLANNED: Final = {
    **{
        f"flag {names}": Run(names, names, "test_order", "utf8mb4_bin", max_requests=TEST_ORDER_WALKED)
        for names in COLLATIONS
    },
    **{f"any {names}": Run(names, "any", ORDER_PROPERTIES, max_requests=ORDER_WALKED) for names in COLLATIONS},
    # Skipping the customers tied with a page's last one: no order is wrong, customers are missing.
    "no tie-breaker": Run(
        "utf8mb4_general_ci",
        "any",
        "test_order or test_limit_invariance",
        flags={"keyset_tie_breaker": False},
        max_requests=300,
    ),
}


def database_of(run: Run) -> str:
    return "names_" + run.names.removeprefix("utf8mb4_")


@pytest.fixture(scope="module")
def mariadb_server() -> Iterator[Server]:
    """A private MariaDB server for this module; skipped where it cannot start, a failure in CI."""
    reason = unavailable()
    if reason is not None:
        missing_here(f"CI must prove the kit on MariaDB: {reason}")
    with private_server() as server:
        yield server


@pytest.fixture(scope="module")
def reference_databases(mariadb_server: Server, tmp_path_factory: pytest.TempPathFactory) -> Server:
    """The mock's exported dataset once per collation of the names (ids binary)."""
    data = export(tmp_path_factory.mktemp("dataset"), tenants=TENANTS, customers=200, seed=11)
    with mariadb_server.connect() as connection:
        for names in COLLATIONS:
            database = "names_" + names.removeprefix("utf8mb4_")
            create_tables(connection, database, names)
            load(connection, database, data)
    return mariadb_server


def check(server: Server, report: Path, run: Run) -> KitRun:
    """Serve the reference deployment over the run's database and run the kit against it by URL."""
    deployment = Deployment(
        schema=database_of(run), api_keys=frozenset({SECRET}), cursor_secret=secrets.token_bytes(32), **run.flags
    )
    store = MariaDBStore(deployment, lambda: server.connect(database_of(run), autocommit=True))
    try:
        with serve_in_thread(create_app(deployment, store)) as base_url:
            return run_kit(
                report, "--base-url", base_url, "--tenant", TENANTS[0], "--other-tenant", TENANTS[1], *run.kit_args()
            )
    finally:
        store.close()


@pytest.fixture(scope="module")
def runs(reference_databases: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Future[KitRun]]]:
    folder = tmp_path_factory.mktemp("kit-mariadb")
    with ThreadPoolExecutor(max_workers=2) as pool:
        yield {
            name: pool.submit(check, reference_databases, folder / f"{index}.xml", run)
            for index, (name, run) in enumerate(PLANNED.items())
        }


def _passed(run: KitRun) -> None:
    run.assert_passed()
    cases = {case.get("name"): case for case in ET.fromstring(run.junit).iter("testcase")}
    assert "test_order" in cases and cases["test_order"].find("skipped") is None, run.output[-3000:]


@pytest.mark.parametrize("names", COLLATIONS)
def test_a_correct_deployment_passes_given_its_collations(runs: dict[str, Future[KitRun]], names: str) -> None:
    _passed(runs[f"flag {names}"].result())


@pytest.mark.parametrize("names", COLLATIONS)
def test_a_correct_deployment_passes_any_collation(runs: dict[str, Future[KitRun]], names: str) -> None:
    """Equal names (Abel, Ábel, abel) interleaved by the id are a correct order, not a cycle."""
    _passed(runs[f"any {names}"].result())


def test_a_keyset_without_the_tie_breaker_is_caught(runs: dict[str, Future[KitRun]]) -> None:
    run = runs["no tie-breaker"].result()
    assert run.returncode == 1, run.output[-3000:]
    assert run.failed_tests() == {"test_limit_invariance"}, run.output[-3000:]
    assert "Inconsistent data generation" not in run.output
    assert "the traversals do not hold the same customers" in run.output


# --- the kit's models against the server ----------------------------------------------------------


def server_order(server: Server, strings: list[str], name: str) -> tuple[list[str], set[frozenset[str]]]:
    """`strings` as the server sorts them in collation `name` (ties by position), and the pairs it finds equal."""
    with server.connect(autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute("CREATE DATABASE IF NOT EXISTS models")
        cursor.execute("USE models")
        cursor.execute(
            "CREATE TEMPORARY TABLE strings (position INT PRIMARY KEY, text VARCHAR(300)) CHARACTER SET utf8mb4"
        )
        cursor.executemany("INSERT INTO strings VALUES (%s, %s)", list(enumerate(strings)))
        cursor.execute(f"SELECT text FROM strings ORDER BY text COLLATE {name}, position")
        ordered = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT a.text, b.text FROM strings a JOIN strings b"
            f" ON a.text = b.text COLLATE {name} AND a.position < b.position"
        )
        equal = {frozenset(row) for row in cursor.fetchall()}
    return ordered, equal


def model_order(strings: list[str], name: str) -> tuple[list[str], set[frozenset[str]]]:
    key = collation(name).key
    assert key is not None
    position = {text: index for index, text in enumerate(strings)}

    def compare(a: str, b: str) -> int:
        return _cmp((key(a), position[a]), (key(b), position[b]))

    ordered = sorted(strings, key=cmp_to_key(compare))
    equal = {frozenset((a, b)) for a in strings for b in strings if position[a] < position[b] and key(a) == key(b)}
    return ordered, equal


def _cmp(a: Any, b: Any) -> int:
    return int(a > b) - int(a < b)


@pytest.fixture(scope="module")
def dataset_strings(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Every name and email of the dataset the deployment serves, and the awkward strings."""
    data = export(tmp_path_factory.mktemp("strings"), tenants=TENANTS, customers=200, seed=11)
    found = {record[name] for records in data.values() for record in records for name in ("firstName", "lastName")}
    found |= {record["email"] for records in data.values() for record in records}
    return sorted(found | set(AWKWARD))


@pytest.mark.parametrize(
    "name",
    [*COLLATIONS, "utf8mb4_nopad_bin", "utf8mb4_general_nopad_ci", "utf8mb4_unicode_nopad_ci", "uca1400_ai_ci"],
)
def test_the_kits_model_orders_and_equates_as_the_server_does(
    mariadb_server: Server, dataset_strings: list[str], name: str
) -> None:
    try:
        collation(name)
    except ValueError as error:
        pytest.skip(str(error))
    ordered, equal = server_order(mariadb_server, dataset_strings, name)
    modelled, modelled_equal = model_order(dataset_strings, name)
    assert modelled_equal == equal
    assert modelled == ordered


def test_general_ci_weighs_every_bmp_character_as_the_server_does(mariadb_server: Server) -> None:
    with mariadb_server.connect("mysql", autocommit=True) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT seq, HEX(WEIGHT_STRING(CONVERT(CHAR(seq USING utf32) USING utf8mb4) COLLATE utf8mb4_general_ci))"
            " FROM seq_0_to_65535 WHERE seq NOT BETWEEN 55296 AND 57343"
        )
        weights = {int(code): int(weight, 16) for code, weight in cursor.fetchall()}
    assert len(weights) == 0x10000 - 0x800
    wrong = {code: weight for code, weight in weights.items() if general_ci_weights(chr(code)) != [weight]}
    assert wrong == {}


def test_the_server_is_private_and_removed_at_the_end() -> None:
    """The fixture's server: on loopback, password-protected, gone afterwards."""
    reason = unavailable()
    if reason is not None:
        missing_here(reason)
    with private_server() as server:
        with server.connect() as connection, connection.cursor() as cursor:
            cursor.execute("SELECT @@bind_address, @@datadir")
            listening, data = cursor.fetchone()
        assert listening == "127.0.0.1"
        with pytest.raises(pymysql.err.OperationalError):
            pymysql.connect(host=server.host, port=server.port, user=server.user, password="wrong")
        with pytest.raises(pymysql.err.OperationalError):
            pymysql.connect(host=server.host, port=server.port, user="root", password="")
    assert not Path(data).exists()
    with pytest.raises(pymysql.err.OperationalError):
        pymysql.connect(
            host=server.host, port=server.port, user=server.user, password=server.password, connect_timeout=2
        )


def test_without_mariadb_the_tests_skip_saying_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("tests.mariadb.SERVER", tmp_path / "mariadbd")
    reason = unavailable()
    assert reason is not None and "apt-get install mariadb-server" in reason
