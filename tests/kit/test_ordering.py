"""The kit's own idea of the documented order: timestamps, collations, tie-breaker directions."""

from __future__ import annotations

import dataclasses
import importlib.util
import locale
import sys
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from contract_tests.run.target import spec_document
from contract_tests.spec.collations import COLLATIONS, CollationError, candidates, check_name, collation
from contract_tests.spec.contract import Ordering, contract_from_spec
from contract_tests.spec.ordering import TIE_DIRECTIONS, Item, ListOrder, parse_timestamp

SHIPPED = contract_from_spec(spec_document()).ordering


def rules(**changes: Any) -> Ordering:
    return dataclasses.replace(SHIPPED, **changes)


def order(sort_by: str, *, descending: bool = False, **changes: Any) -> ListOrder:
    return ListOrder(sort_by=sort_by, descending=descending, rules=rules(**changes))


def item(customer_id: str, **fields: Any) -> dict[str, Any]:
    return {"customerId": customer_id, **fields}


def sign(number: int) -> int:
    return (number > 0) - (number < 0)


# --- parse_timestamp -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-05T14:22:10Z", datetime(2024, 3, 5, 14, 22, 10, tzinfo=UTC)),
        ("2024-03-05t14:22:10z", datetime(2024, 3, 5, 14, 22, 10, tzinfo=UTC)),
        ("2024-03-05 14:22:10Z", datetime(2024, 3, 5, 14, 22, 10, tzinfo=UTC)),
        ("2024-03-05T14:22:10.120Z", datetime(2024, 3, 5, 14, 22, 10, 120_000, tzinfo=UTC)),
        ("2024-03-05T14:22:10.5Z", datetime(2024, 3, 5, 14, 22, 10, 500_000, tzinfo=UTC)),
        ("2024-03-05T14:22:10.123456789Z", datetime(2024, 3, 5, 14, 22, 10, 123_456, tzinfo=UTC)),
        ("2024-03-05T14:22:10.1234569Z", datetime(2024, 3, 5, 14, 22, 10, 123_456, tzinfo=UTC)),  # dropped, not rounded
        ("2024-03-05T16:22:10+02:00", datetime(2024, 3, 5, 14, 22, 10, tzinfo=UTC)),
        ("2024-03-05T09:52:10-04:30", datetime(2024, 3, 5, 14, 22, 10, tzinfo=UTC)),
        ("2024-03-05T14:22:10-00:00", datetime(2024, 3, 5, 14, 22, 10, tzinfo=UTC)),
    ],
)
def test_parse_timestamp_gives_the_instant(text: str, expected: datetime) -> None:
    parsed = parse_timestamp(text)
    assert parsed == expected
    assert parsed.microsecond == expected.microsecond
    assert parsed.tzinfo is not None


def test_parse_timestamp_keeps_the_offset() -> None:
    parsed = parse_timestamp("2024-01-01T10:00:00+05:45")
    assert parsed.utcoffset() == timedelta(hours=5, minutes=45)
    assert parsed.tzinfo == timezone(timedelta(hours=5, minutes=45))
    assert parse_timestamp("2024-01-01T10:00:00-03:00").utcoffset() == -timedelta(hours=3)


def test_an_offset_decides_which_instant_is_earlier() -> None:
    # Later on the wall clock, earlier in time.
    assert parse_timestamp("2024-01-01T10:00:00+02:00") < parse_timestamp("2024-01-01T09:00:00Z")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "yesterday",
        "2024-01-01",
        "2024-01-01T10:00:00",  # no offset
        "2024-01-01T10:00Z",  # no seconds
        "2024-01-01T10:00:00.Z",  # a dot without digits
        "2024-01-01T10:00:00+0200",  # offset without a colon
        "2024-01-01T10:00:00 Z",
        " 2024-01-01T10:00:00Z",
        "2024-01-01T10:00:00Z ",
        "2024-13-01T10:00:00Z",  # no 13th month
        "2024-02-30T10:00:00Z",
        "2024-01-01T25:00:00Z",
        "2024-01-01T10:00:00+24:00",
    ],
)
def test_parse_timestamp_refuses_what_is_not_rfc_3339(text: str) -> None:
    with pytest.raises(ValueError):
        parse_timestamp(text)


@pytest.mark.parametrize(
    "text",
    [
        "\u0662\u0660\u0662\u0664-01-01T10:00:00Z",  # Arabic-Indic digits in the year
        "2024-01-01T10:00:00.\uff11\uff12Z",  # fullwidth digits in the fraction
    ],
    ids=["arabic-indic-year", "fullwidth-fraction"],
)
def test_parse_timestamp_refuses_digits_other_than_ascii(text: str) -> None:
    """RFC 3339 digits are ASCII 0-9; Python's `\\d` would also accept any Unicode decimal digit."""
    with pytest.raises(ValueError):
        parse_timestamp(text)


# --- collations ----------------------------------------------------------------------------------


def test_the_known_collations_and_tie_directions() -> None:
    assert set(COLLATIONS) == {"codepoint", "utf16", "ascii-case-insensitive", "casefold"}
    assert TIE_DIRECTIONS == ("same-as-sortOrder", "ascending", "descending")


def test_codepoint_collation_is_binary_and_case_sensitive() -> None:
    by_name = order("firstName", collation="codepoint")
    z, a, e_acute = item("cus_1", firstName="Z"), item("cus_2", firstName="a"), item("cus_3", firstName="É")
    assert by_name.compare(z, a) < 0
    assert by_name.compare(a, e_acute) < 0
    assert by_name.compare(z, e_acute) < 0
    assert by_name.compare(e_acute, z) > 0
    assert by_name.sorted([e_acute, a, z]) == [z, a, e_acute]


def test_ascii_case_insensitive_collation_leaves_a_tie_to_the_tie_breaker() -> None:
    by_name = order("firstName", collation="ascii-case-insensitive")
    lower, upper = item("cus_2", firstName="a"), item("cus_1", firstName="A")
    assert COLLATIONS["ascii-case-insensitive"]("a") == COLLATIONS["ascii-case-insensitive"]("A")
    assert by_name.compare(lower, upper) > 0  # equal names: cus_1 < cus_2 decides
    assert by_name.compare(upper, lower) < 0
    # "Z" now comes after "a", and only A-Z fold: "É" and "é" stay apart.
    assert by_name.compare(item("cus_1", firstName="Z"), item("cus_2", firstName="a")) > 0
    assert by_name.compare(item("cus_1", firstName="é"), item("cus_2", firstName="É")) > 0
    assert COLLATIONS["ascii-case-insensitive"]("É") == "É"


def test_casefold_collation_folds_fully() -> None:
    by_name = order("lastName", collation="casefold")
    strasse, shouting = item("cus_9", lastName="Straße"), item("cus_1", lastName="STRASSE")
    assert by_name.compare(strasse, shouting) > 0  # equal names: the tie-breaker decides
    assert by_name.compare(shouting, strasse) < 0
    assert order("lastName", collation="codepoint").compare(strasse, shouting) > 0  # "t" > "T"
    assert order("lastName", collation="ascii-case-insensitive").compare(strasse, shouting) > 0  # "ß" > "s"
    # With the tie-breaker the other way round, the result flips: the value really was a tie.
    assert order("lastName", collation="casefold", tie_direction="descending").compare(strasse, shouting) < 0


def test_utf16_collation_differs_from_codepoint_outside_the_bmp() -> None:
    emoji, replacement = item("cus_1", firstName="\U0001f600"), item("cus_2", firstName="\ufffd")
    # As UTF-16, the emoji is the surrogate pair D83D DE00, below FFFD; as a code point, 1F600 is above it.
    assert order("firstName", collation="utf16").compare(emoji, replacement) < 0
    assert order("firstName", collation="codepoint").compare(emoji, replacement) > 0
    # Inside the BMP both agree.
    assert order("firstName", collation="utf16").compare(item("cus_1", firstName="Z"), item("cus_2", firstName="a")) < 0


def real(name: str) -> str:
    """`name`, when this machine can compute the collation (the test is skipped otherwise)."""
    try:
        collation(name)
    except CollationError as error:
        pytest.skip(str(error))
    return name


def names_in(name: str, names: list[str]) -> list[str]:
    by_name = order("firstName", collation=name)
    items: list[Item] = [item(f"cus_{index}", firstName=text) for index, text in enumerate(names)]
    return [entry["firstName"] for entry in by_name.sorted(items)]


@pytest.mark.parametrize(
    "name",
    [
        "codepoint",
        "any",
        "icu:und",
        "icu:en-US",
        "icu:de_DE",
        "icu:und-x-icu",
        "libc:en_US.UTF-8",
        "libc:C",
        "utf8mb4_bin",
        "utf8mb4_nopad_bin",
        "utf8mb4_general_ci",
        "utf8mb4_unicode_ci",
        "utf8mb4_uca1400_ai_ci",
        "uca1400_ai_ci",
        "utf8mb4_0900_ai_ci",
    ],
)
def test_collation_names_accepted(name: str) -> None:
    check_name(name)


@pytest.mark.parametrize("name", ["", "bogus", "icu", "icu:", "libc:", "ICU:und", "binary"])
def test_collation_names_refused(name: str) -> None:
    with pytest.raises(CollationError, match="unknown string collation"):
        check_name(name)
    with pytest.raises(CollationError):
        collation(name)


def test_any_assumes_no_string_order() -> None:
    assert not collation("any").assumed
    assert all(collation(name).assumed for name in COLLATIONS)
    by_name = order("firstName", collation="any")
    with pytest.raises(ValueError, match="assumes no string order"):
        by_name.compare(item("cus_1", firstName="a"), item("cus_2", firstName="b"))
    assert by_name.group_key(item("cus_1", firstName="zara")) != by_name.group_key(item("cus_2", firstName="Zara"))


def test_icu_orders_as_icu_root_does() -> None:
    name = real("icu:und")
    # Lower case before upper at the third level, accents at the second, punctuation before letters.
    assert names_in(name, ["Zara", "zara", "Obama", "O'Brien", "Émile", "emile", "Emile"]) == [
        "emile",
        "Emile",
        "Émile",
        "O'Brien",
        "Obama",
        "zara",
        "Zara",
    ]
    assert names_in(real("icu:en-US"), ["Zoë", "Zoe", "zoe"]) == ["zoe", "Zoe", "Zoë"]
    assert collation(real("icu:en-US-x-icu")).key is not None  # PostgreSQL's name for it


def test_icu_below_tertiary_strength_leaves_ties_to_the_tie_breaker() -> None:
    """`-u-ks-level1` ignores accents and case, like MySQL's utf8mb4_0900_ai_ci: the customerId decides."""
    for name in (real("icu:und-u-ks-level1"), real("icu:und-u-ks-level2")):
        by_name = order("firstName", collation=name)
        lower, upper = item("cus_2", firstName="zara"), item("cus_1", firstName="Zara")
        assert by_name.compare(upper, lower) < 0  # equal names: cus_1 first
        assert order("firstName", collation=name, tie_direction="descending").compare(upper, lower) > 0
    accent_blind = order("firstName", collation="icu:und-u-ks-level1")
    assert accent_blind.compare(item("cus_1", firstName="Émile"), item("cus_2", firstName="emile")) < 0
    case_blind = order("firstName", collation="icu:und-u-ks-level2")
    assert case_blind.compare(item("cus_1", firstName="Émile"), item("cus_2", firstName="emile")) > 0  # accent first


def test_icu_and_libc_tell_canonically_equal_strings_apart_by_code_point() -> None:
    composed, decomposed = "\u00e9mile", "e\u0301mile"
    for name in (real("icu:und"), real("libc:en_US.UTF-8")):
        by_name = order("firstName", collation=name)
        first, second = item("cus_2", firstName=composed), item("cus_1", firstName=decomposed)
        assert by_name.compare(second, first) < 0  # "e" + U+0301 < U+00E9, as PostgreSQL breaks the tie
        assert by_name.compare(first, item("cus_1", firstName=composed)) > 0  # only equal strings tie


def test_libc_orders_as_glibc_en_us_does() -> None:
    name = real("libc:en_US.UTF-8")
    # glibc ignores punctuation at the first level: Obama before O'Brien, unlike ICU.
    assert names_in(name, ["O'Brien", "Obama", "Zara", "zara", "de la Cruz", "Dela"]) == [
        "Dela",
        "de la Cruz",  # "dela" is a prefix of "delacruz"
        "Obama",
        "O'Brien",
        "zara",
        "Zara",
    ]
    before = locale.setlocale(locale.LC_COLLATE)
    names_in(name, ["b", "a"])
    assert locale.setlocale(locale.LC_COLLATE) == before  # the process's locale is put back


def test_a_missing_locale_or_library_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(CollationError, match="no locale 'xx_NOWHERE.UTF-8'"):
        collation("libc:xx_NOWHERE.UTF-8")
    if importlib.util.find_spec("icu") is not None:
        with pytest.raises(CollationError, match="ICU knows no language"):
            collation("icu:qq-ZZ")
        with pytest.raises(CollationError, match="ICU knows no language"):
            collation("icu:!!")
    monkeypatch.setitem(sys.modules, "icu", None)
    collation.cache_clear()
    try:
        with pytest.raises(CollationError, match=r"needs PyICU.*\[icu\]"):
            collation("icu:sv-SE")
    finally:
        collation.cache_clear()


def test_candidates_are_the_known_collations_available_here(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("LC_ALL", "LC_COLLATE", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    found = [candidate.name for candidate in candidates("icu:sv-SE")]
    assert found[:4] == list(COLLATIONS)
    assert "any" not in [candidate.name for candidate in candidates("any")]
    if importlib.util.find_spec("icu") is not None:
        assert found[4:7] == ["icu:und", "icu:en-US", "icu:sv-SE"]
        assert {"utf8mb4_bin", "utf8mb4_general_ci", "utf8mb4_unicode_ci", "utf8mb4_uca1400_ai_ci"} <= set(found)
        assert "uca1400_ai_ci" not in found  # utf8mb4_uca1400_ai_ci's other name, offered once


def test_candidates_include_the_environments_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_COLLATE", raising=False)
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    found = [candidate.name for candidate in candidates()]
    if importlib.util.find_spec("icu") is not None:
        assert "icu:de-DE" in found
    if "libc:de_DE.UTF-8" not in found:
        with pytest.raises(CollationError):
            collation("libc:de_DE.UTF-8")
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert not any(name.startswith("icu:C") for name in [candidate.name for candidate in candidates()])


def test_the_tie_breaker_is_compared_by_the_collation_and_stays_total() -> None:
    by_time = order("createdAt", collation=real("icu:und"))
    when = "2024-01-01T00:00:00Z"
    # ICU puts "_" before letters; code point puts it after upper case.
    assert by_time.compare(item("cus__x", createdAt=when), item("cus_B", createdAt=when)) < 0
    assert order("createdAt").compare(item("cus__x", createdAt=when), item("cus_B", createdAt=when)) > 0
    folded = order("createdAt", collation="casefold")
    assert folded.compare(item("cus_a", createdAt=when), item("cus_A", createdAt=when)) != 0


def test_the_tie_breaker_has_a_collation_of_its_own() -> None:
    """Names linguistic, ids binary: each field is compared by its own collation."""
    when = "2024-01-01T00:00:00Z"
    split = order("createdAt", collation="casefold", id_collation="codepoint")
    assert split.id_collation.name == "codepoint" and split.collation.name == "casefold"
    assert split.compare(item("cus_B", createdAt=when), item("cus_a", createdAt=when)) < 0  # B < a by code point
    assert (
        order("createdAt", collation="casefold").compare(item("cus_B", createdAt=when), item("cus_a", createdAt=when))
        > 0
    )
    by_name = order("firstName", collation="casefold", id_collation="codepoint")
    assert by_name.compare(item("cus_9", firstName="abel"), item("cus_1", firstName="Bob")) < 0  # names first
    assert "then customerId asc (collation codepoint)" in by_name.describe()


# --- MySQL and MariaDB -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["utf8mb4_bin", "utf8mb4_general_ci", "utf8mb4_unicode_ci", "utf8mb4_uca1400_ai_ci", "uca1400_ai_ci"],
)
def test_mysql_family_collations_pad_with_spaces(name: str) -> None:
    key = real_key(name)
    assert key("Anna") == key("Anna ") == key("Anna   ")
    assert key("Anna") < key("Anna b")


@pytest.mark.parametrize(
    "name", ["utf8mb4_nopad_bin", "utf8mb4_general_nopad_ci", "utf8mb4_unicode_nopad_ci", "utf8mb4_0900_ai_ci"]
)
def test_nopad_collations_do_not(name: str) -> None:
    key = real_key(name)
    assert key("Anna") < key("Anna ")


def real_key(name: str) -> Any:
    found = collation(real(name)).key
    assert found is not None
    return found


def test_pad_space_compares_the_shorter_as_if_followed_by_spaces() -> None:
    """'a' padded is 'a ' and a tab is below a space: 'a\\t' < 'a' < 'a!' (as MariaDB answers)."""
    key = real_key("utf8mb4_bin")
    assert key("a\t") < key("a") < key("a!")
    assert key("a \t") < key("a") < key("a !")
    assert key("a  b") > key("a ") > key("a \tb")
    assert sorted(["Anna", "Ann", "Anna\t", "Anna!", "Anna "], key=key) == ["Ann", "Anna\t", "Anna", "Anna ", "Anna!"]


@pytest.mark.parametrize(
    ("name", "equal", "different"),
    [
        ("utf8mb4_general_ci", ["Abel", "Ábel", "abel", "ABEL "], ["Abel", "Abl", "Łabel"]),
        ("utf8mb4_general_ci", ["Straße", "STRASE"], ["Straße", "Strasse"]),  # ß weighs one S
        ("utf8mb4_unicode_ci", ["Abel", "Ábel", "abel", "ABEL "], ["Olaf", "Ølaf"]),  # Ø a letter of its own
        ("utf8mb4_unicode_ci", ["Straße", "Strasse", "STRASSE"], ["\U0001f600", "\u4e00"]),
        ("utf8mb4_unicode_ci", ["\U0001f600", "\U0001f601"], ["a", "b"]),  # beyond the BMP all weigh the same
        ("utf8mb4_uca1400_ai_ci", ["Abel", "Ábel", "abel", "ABEL "], ["Abel", "Abelard"]),
        ("utf8mb4_uca1400_ai_ci", ["Olaf", "Ølaf"], ["\U0001f600", "\U0001f601"]),
    ],
)
def test_case_and_accent_insensitive_collations_make_strings_equal(
    name: str, equal: list[str], different: list[str]
) -> None:
    key = real_key(name)
    assert len({key(text) for text in equal}) == 1
    assert len({key(text) for text in different}) == len(different)


def test_equal_strings_are_ordered_by_the_tie_breaker() -> None:
    by_name = order("firstName", collation=real("utf8mb4_general_ci"), id_collation="utf8mb4_bin")
    listed: list[Mapping[str, Any]] = [
        item("cus_3", firstName="abel"),
        item("cus_1", firstName="Ábel"),
        item("cus_2", firstName="Abel"),
    ]
    assert [entry["customerId"] for entry in by_name.sorted(listed)] == ["cus_1", "cus_2", "cus_3"]


# --- direction and tie-breaker -------------------------------------------------------------------


def test_descending_reverses_the_sort_value() -> None:
    early = item("cus_1", createdAt="2024-01-01T00:00:00Z")
    late = item("cus_2", createdAt="2024-06-01T00:00:00Z")
    assert order("createdAt").compare(early, late) < 0
    assert order("createdAt", descending=True).compare(early, late) > 0


def test_timestamps_compare_as_instants() -> None:
    by_time = order("createdAt")
    first = item("cus_2", createdAt="2024-01-01T10:00:00+02:00")  # 08:00Z
    second = item("cus_1", createdAt="2024-01-01T09:00:00Z")
    assert by_time.compare(first, second) < 0
    assert by_time.sorted([second, first]) == [first, second]
    # Same instant written two ways: a tie, broken by customerId.
    same = item("cus_3", createdAt="2024-01-01T07:00:00.000000-01:00")
    assert by_time.compare(same, first) > 0
    assert by_time.compare(first, same) < 0


@pytest.mark.parametrize(
    ("tie_direction", "descending", "first_id"),
    [
        ("same-as-sortOrder", True, "cus_b"),
        ("same-as-sortOrder", False, "cus_a"),
        ("ascending", True, "cus_a"),
        ("ascending", False, "cus_a"),
        ("descending", True, "cus_b"),
        ("descending", False, "cus_b"),
    ],
)
def test_tie_breaker_direction(tie_direction: str, descending: bool, first_id: str) -> None:
    ordered = order("totalDevicesRented", descending=descending, tie_direction=tie_direction)
    a, b = item("cus_a", totalDevicesRented=3), item("cus_b", totalDevicesRented=3)
    assert ordered.sorted([a, b])[0]["customerId"] == first_id
    assert ordered.sorted([b, a])[0]["customerId"] == first_id
    assert ordered.tie_descending is (first_id == "cus_b")
    assert sign(ordered.compare(a, b)) == (1 if first_id == "cus_b" else -1)


def test_tie_direction_never_overrides_the_sort_value() -> None:
    ordered = order("totalDevicesRented", descending=True, tie_direction="ascending")
    low, high = item("cus_a", totalDevicesRented=1), item("cus_b", totalDevicesRented=2)
    assert ordered.sorted([low, high]) == [high, low]


def test_numbers_compare_as_numbers() -> None:
    by_revenue = order("totalMonthlyRevenue")
    small, big = item("cus_2", totalMonthlyRevenue=9.5), item("cus_1", totalMonthlyRevenue=10)
    assert by_revenue.compare(small, big) < 0  # as strings "10" < "9.5"
    assert order("totalMonthlyRevenue", descending=True).compare(small, big) > 0
    # 10 and 10.0 are the same value: the tie-breaker decides.
    assert by_revenue.compare(item("cus_1", totalMonthlyRevenue=10.0), big) == 0
    assert by_revenue.compare(item("cus_0", totalMonthlyRevenue=10.0), big) < 0


def test_compare_is_zero_only_for_the_same_position() -> None:
    by_name = order("firstName")
    one = item("cus_1", firstName="Ann")
    assert by_name.compare(one, dict(one)) == 0
    assert by_name.compare(one, item("cus_2", firstName="Ann")) != 0


def test_sorted_orders_a_shuffled_list() -> None:
    items: list[Item] = [
        item("cus_3", createdAt="2024-01-02T00:00:00Z"),
        item("cus_1", createdAt="2024-01-01T00:00:00Z"),
        item("cus_4", createdAt="2024-01-02T00:00:00Z"),
        item("cus_2", createdAt="2024-01-01T01:00:00+01:00"),  # the same instant as cus_1
        item("cus_0", createdAt="2023-12-31T23:59:59.999999Z"),
    ]
    ascending = order("createdAt").sorted(items)
    descending = order("createdAt", descending=True).sorted(items)
    assert [entry["customerId"] for entry in ascending] == ["cus_0", "cus_1", "cus_2", "cus_3", "cus_4"]
    assert descending == ascending[::-1]  # same-as-sortOrder: descending is exactly the reverse
    assert items[0]["customerId"] == "cus_3"  # the input is left alone


def test_describe_names_the_order() -> None:
    text = order("firstName", descending=True).describe()
    assert text == "firstName desc (string, collation codepoint), then customerId desc"
    text = order("createdAt", tie_direction="ascending").describe()
    assert text == "createdAt asc (timestamp, collation codepoint), then customerId asc"
