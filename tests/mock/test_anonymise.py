"""The anonymiser on generated tenants: deterministic, invariants kept, nothing personal left."""

from __future__ import annotations

import collections
import copy
import json
from pathlib import Path
from typing import Any

import pytest

from mockserver.dataset import dataset_records
from mockserver.domain.customer import PROFITABILITY_FIELDS
from mockserver.domain.query import fold_email
from mockserver.recording.anonymise import ADDRESSES, Anonymiser
from mockserver.recording.pseudonyms import script_of
from mockserver.settings import Settings
from mockserver.storage.fixturefile import dump_fixtures, load_fixtures
from tests.mock.recorded_names import full_names

KEY = b"a test key of thirty-two bytes.."
KEPT = {
    "customerId", "tenantId", "customerType", "status", "totalOrders", "totalDevicesRented",
    "totalMonthlyRevenue", "orderIds", "rentalIds", "createdAt", "updatedAt", *PROFITABILITY_FIELDS,
}  # fmt: skip


@pytest.fixture(scope="module")
def source() -> dict[str, list[dict[str, Any]]]:
    return dataset_records(Settings(seed=11, customers=300, tenants=("acme", "globex")))


@pytest.fixture(scope="module")
def anonymised(source: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    anonymiser = Anonymiser.keyed(KEY)
    for records in source.values():
        for record in records:
            anonymiser.note_source(record)
    return {tenant: [anonymiser.customer(record) for record in records] for tenant, records in source.items()}


def pairs(source: dict[str, list[Any]], anonymised: dict[str, list[Any]]) -> list[tuple[Any, Any]]:
    return [pair for tenant in source for pair in zip(source[tenant], anonymised[tenant], strict=True)]


def test_the_same_key_gives_the_same_file_and_another_key_another(source: dict[str, list[Any]]) -> None:
    def run(key: bytes) -> bytes:
        anonymiser = Anonymiser.keyed(key)
        return dump_fixtures(
            {tenant: [anonymiser.customer(r) for r in records[:100]] for tenant, records in source.items()}
        )

    assert run(KEY) == run(KEY)
    assert run(KEY) != run(b"another key of thirty-two bytes.")


def test_the_input_is_left_as_it_was(source: dict[str, list[Any]]) -> None:
    before = copy.deepcopy(source["acme"][:50])
    anonymiser = Anonymiser.keyed(KEY)
    for record in source["acme"][:50]:
        anonymiser.customer(record)
    assert source["acme"][:50] == before


def test_the_result_is_a_fixture_file_that_loads(anonymised: dict[str, list[Any]], tmp_path: Path) -> None:
    path = tmp_path / "anonymised.json"
    path.write_bytes(dump_fixtures(anonymised))
    assert load_fixtures(path) == anonymised  # schema, unique emails, company exactly for businesses, counts, dates


def test_what_filters_sorts_and_counts_use_is_kept(
    source: dict[str, list[Any]], anonymised: dict[str, list[Any]]
) -> None:
    for original, replaced in pairs(source, anonymised):
        assert {name: original[name] for name in KEPT & original.keys()} == {
            name: replaced[name] for name in KEPT & replaced.keys()
        }
        assert original.keys() == replaced.keys()
        assert (original.get("company") is None) == (replaced.get("company") is None)
        for address in ADDRESSES:
            if isinstance(original.get(address), dict):
                assert replaced[address]["country"] == original[address]["country"]
                assert replaced[address]["adminArea"] == original[address]["adminArea"]
                assert replaced[address].keys() == original[address].keys()


def test_no_name_email_phone_or_company_of_the_source_is_left(
    source: dict[str, list[Any]], anonymised: dict[str, list[Any]]
) -> None:
    originals = [record for records in source.values() for record in records]
    text = json.dumps(anonymised, ensure_ascii=False).casefold()
    names = {name.casefold() for records in anonymised.values() for name in full_names(records)}
    for record in originals:
        assert fold_email(record["email"]) not in text
        assert f"{record['firstName']} {record['lastName']}".casefold() not in names
        if record.get("phone"):
            assert record["phone"] not in text
    for original, replaced in pairs(source, anonymised):
        for field in ("firstName", "lastName", "email", "company", "phone"):
            if original.get(field):
                assert replaced[field] != original[field], field
        for address in ADDRESSES:
            if isinstance(original.get(address), dict):
                for field in ("contactName", "streetAddress", "city"):
                    assert replaced[address][field] != original[address][field]


def test_names_keep_their_script_about_their_length_and_mostly_their_first_letter(
    source: dict[str, list[Any]], anonymised: dict[str, list[Any]]
) -> None:
    same_initial = total = 0
    for original, replaced in pairs(source, anonymised):
        for field in ("firstName", "lastName"):
            before, after = original[field], replaced[field]
            assert _script(after) == _script(before), (before, after)
            assert abs(len(after) - len(before)) <= max(3, len(before) // 2), (before, after)
            total += 1
            same_initial += after[:1].casefold() == before[:1].casefold()
        assert _script(replaced["email"]) == _script(original["email"])
    # What an alphabetical sort sees: the first letters, for all but the scripts with few words per letter.
    assert same_initial / total > 0.8


def test_emails_keep_their_shape_and_their_domains_distribution(
    source: dict[str, list[Any]], anonymised: dict[str, list[Any]]
) -> None:
    same_initial = 0
    for original, replaced in pairs(source, anonymised):
        before, after = original["email"], replaced["email"]
        assert ("+" in before) == ("+" in after)
        assert before.rsplit(".", 1)[1] == after.rsplit(".", 1)[1]  # the top-level domain
        assert before.isascii() == after.isascii()
        same_initial += before[:1].casefold() == after[:1].casefold()
    assert same_initial / len(pairs(source, anonymised)) > 0.9
    for tenant in source:
        before = collections.Counter(r["email"].rsplit("@", 1)[1].casefold() for r in source[tenant])
        after = collections.Counter(r["email"].rsplit("@", 1)[1].casefold() for r in anonymised[tenant])
        assert len(after) > 0.8 * len(before)  # a few domains may share a stand-in
        assert sorted(after.values())[-8:] == sorted(before.values())[-8:]  # the common ones keep their shares


def test_an_email_already_taken_gets_a_number(source: dict[str, list[Any]]) -> None:
    record = source["acme"][0]
    replaced = Anonymiser.keyed(KEY).customer(record)
    anonymiser = Anonymiser.keyed(KEY)
    anonymiser.remember({**replaced, "customerId": "cus_other", "email": replaced["email"].upper()})
    again = anonymiser.customer(record)
    local, domain = replaced["email"].rsplit("@", 1)
    base, plus, tag = local.partition("+")
    assert again["email"] == f"{base}2{plus}{tag}@{domain}"


def test_the_same_value_gets_the_same_stand_in_across_customers(
    source: dict[str, list[Any]], anonymised: dict[str, list[Any]]
) -> None:
    stand_ins: dict[str, set[str]] = collections.defaultdict(set)
    for original, replaced in pairs(source, anonymised):
        stand_ins[original["lastName"]].add(replaced["lastName"])
        if isinstance(original.get("lastBillingAddress"), dict):
            contact = original["lastBillingAddress"]["contactName"]
            if contact == f"{original['firstName']} {original['lastName']}":
                assert (
                    replaced["lastBillingAddress"]["contactName"] == f"{replaced['firstName']} {replaced['lastName']}"
                )
    # One stand-in each, but where customers of different countries share it (each country's words
    # stand in), or where it made a source customer's full name and was drawn again.
    assert sum(len(values) == 1 for values in stand_ins.values()) / len(stand_ins) > 0.9
    assert len(stand_ins) > 50


def test_system_creators_stay_and_people_do_not() -> None:
    anonymiser = Anonymiser.keyed(KEY)
    assert anonymiser.creator("checkout") == "checkout"
    person = anonymiser.creator("dashboard:kristy@acme.example")
    assert person.startswith("dashboard:") and person.endswith(".example") and "kristy" not in person


def test_phones_keep_their_format_and_country_code() -> None:
    anonymiser = Anonymiser.keyed(KEY)
    for phone in ("+49 30 901820", "+420 605 830 075", "0113 4960723", "912-500-9270x5457"):
        replaced = anonymiser.phone(phone)
        assert replaced != phone and len(replaced) == len(phone)
        assert [char.isdigit() for char in replaced] == [char.isdigit() for char in phone]
    assert anonymiser.phone("+49 30 901820").startswith("+49 ")


def _script(text: str) -> str:
    """A text's script, with Japanese's kanji and kana as one."""
    script = script_of(text)
    return "CJK" if script in {"HIRAGANA", "KATAKANA"} else script
