"""Generated data: deterministic per (seed, tenant), valid, self-consistent, and realistically awkward."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from typing import Any

import numpy as np
import pytest

from mockserver.domain.customer import CustomerChecker
from mockserver.domain.ordering import FIELDS, SortField
from mockserver.generation.draws import Draws
from mockserver.generation.generator import CHUNK, generate_customers, generate_table
from mockserver.generation.identifiers import identifiers
from mockserver.generation.pools import build_pools
from mockserver.generation.sortcolumns import COLUMNS
from mockserver.storage.fixturefile import dump_fixtures
from mockserver.storage.table import CustomerTable

TIED_FIELDS = [field.name for field in FIELDS if field.name != "email"]  # emails are unique


@pytest.fixture(scope="module")
def customers() -> list[dict[str, Any]]:
    return generate_customers(5, "acme", 2000)


@pytest.fixture(scope="module")
def table() -> CustomerTable:
    return generate_table(5, "acme", 3000)


def test_same_seed_and_tenant_give_identical_data() -> None:
    assert generate_customers(5, "acme", 50) == generate_customers(5, "acme", 50, build_pools(5))


def test_seed_and_tenant_each_change_the_data() -> None:
    base = generate_customers(5, "acme", 20)
    assert generate_customers(6, "acme", 20) != base
    assert {c["customerId"] for c in generate_customers(5, "globex", 20)}.isdisjoint(c["customerId"] for c in base)


@pytest.mark.parametrize(("larger", "smaller"), [(100, 30), (CHUNK + 40, CHUNK + 5)])
def test_a_larger_dataset_starts_with_the_smaller_one(larger: int, smaller: int) -> None:
    assert generate_customers(5, "acme", larger)[:smaller] == generate_customers(5, "acme", smaller)


def test_golden_hash_pins_the_generated_bytes() -> None:
    """Changes when the generator, Faker's words or numpy's PCG64 stream change: pages would not be reproducible."""
    document = dump_fixtures({"acme": generate_customers(7, "acme", 200)})
    assert hashlib.sha256(document).hexdigest() == GOLDEN_SHA256


def test_every_sort_field_has_one_recipe_of_its_kind() -> None:
    assert list(COLUMNS) == [field.name for field in FIELDS]
    assert [COLUMNS[field.name].kind for field in FIELDS] == [field.kind for field in FIELDS]


def _dense_ranks(values: Any) -> list[int]:
    rank = {value: number for number, value in enumerate(sorted(set(values)))}
    return [rank[value] for value in values]


@pytest.mark.parametrize("field", FIELDS, ids=lambda field: field.name)
def test_each_sort_column_holds_what_the_records_show_and_keys_that_order_alike(
    table: CustomerTable, field: SortField
) -> None:
    """Made from the draws, a column must be what `SortField.value` reads from the records, and its keys tie alike."""
    values, keys = table.sort_columns[field.name]
    read = [field.value(record) for record in table.records()]
    assert [(type(value), value) for value in values] == [(type(value), value) for value in read]
    assert _dense_ranks(keys.tolist()) == _dense_ranks(read)


def test_every_record_is_valid_against_the_spec_and_its_invariants(customers: list[dict[str, Any]]) -> None:
    checker = CustomerChecker()
    for record in customers:
        assert list(checker.problems(record, "acme")) == [], record


def test_ids_and_emails_are_unique(customers: list[dict[str, Any]]) -> None:
    assert len({c["customerId"] for c in customers}) == len(customers)
    assert len({c["email"].lower() for c in customers}) == len(customers)


def test_business_customers_have_companies_and_individuals_none(customers: list[dict[str, Any]]) -> None:
    for c in customers:
        if c["customerType"] == "business":
            assert c["company"]
        else:
            assert c.get("company") is None


@pytest.mark.parametrize("field", TIED_FIELDS)
def test_every_sort_field_has_many_ties(customers: list[dict[str, Any]], field: str) -> None:
    counts = Counter(c[field] for c in customers)
    tied = sum(n for n in counts.values() if n > 1)
    assert tied >= 100, (field, counts.most_common(3))


def test_names_include_accents_and_non_latin_scripts(customers: list[dict[str, Any]]) -> None:
    names = [c["firstName"] + c["lastName"] for c in customers]
    accented = [n for n in names if any(unicodedata.decomposition(ch) for ch in n if not ch.isascii())]
    scripts = {unicodedata.name(ch).split()[0] for n in names for ch in n if ch.isalpha() and not ch.isascii()}
    assert len(accented) >= 50
    assert {"CJK", "CYRILLIC", "GREEK", "HIRAGANA"} & scripts >= {"CJK", "CYRILLIC", "GREEK"}


def test_emails_include_plus_addressing_and_mixed_case(customers: list[dict[str, Any]]) -> None:
    emails = [c["email"] for c in customers]
    assert sum("+" in e.split("@")[0] for e in emails) >= 50
    assert sum(e != e.lower() for e in emails) >= 50
    assert all(e.isascii() and e.count("@") == 1 for e in emails)


@pytest.mark.parametrize("field", ["company", "phone", "createdBy", "lastBillingAddress", "lastShippingAddress"])
def test_optional_fields_are_sometimes_absent_and_sometimes_null(customers: list[dict[str, Any]], field: str) -> None:
    assert any(field not in c for c in customers)
    assert any(field in c and c[field] is None for c in customers)
    assert any(c.get(field) for c in customers)


def test_custom_fields_are_absent_empty_or_filled(customers: list[dict[str, Any]]) -> None:
    shapes = Counter("absent" if "customFields" not in c else bool(c["customFields"]) for c in customers)
    assert set(shapes) == {"absent", False, True}


def test_every_filter_combination_occurs(customers: list[dict[str, Any]]) -> None:
    combinations = Counter((c["status"], c["customerType"], c["totalDevicesRented"] > 0) for c in customers)
    assert len(combinations) == 8 and min(combinations.values()) >= 5, combinations


def test_identifiers_are_unique_url_safe_and_keyed() -> None:
    numbers = np.arange(1 << 16, dtype=np.uint64)
    made = [row.tobytes().decode() for row in identifiers("cus_", numbers, 1234, 16, Draws(1))]
    assert len(set(made)) == len(made)
    assert all(re.fullmatch(r"cus_[A-Za-z0-9_-]{16}", identifier) for identifier in made)
    other_key = [row.tobytes().decode() for row in identifiers("cus_", numbers[:100], 4321, 16, Draws(1))]
    assert not set(other_key) & set(made[:100])


def test_draws_do_not_depend_on_how_many_follow() -> None:
    assert (Draws(3, 1).below(10, 50) == Draws(3, 1).below(10, 500)[:50]).all()
    assert Draws(3, 1).chance(0.25, 4000).mean() == pytest.approx(0.25, abs=0.03)
    assert not (Draws(3, 1).words(8) == Draws(3, 2).words(8)).any()


# Seed 7, tenant acme, 200 customers, with the Faker and numpy releases pyproject.toml admits.
GOLDEN_SHA256 = "0a95c4ac73ef19889ad44c61d142e927988a2d5d49bb48667a998af927c7f2dc"
